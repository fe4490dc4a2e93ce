// Attack: wildcard and $share subscriptions beyond one's rights. mallory is a
// member of her own conversation only; alice and bob talk in theirs. Every
// filter that would reach alice and bob's conversation, their inboxes or the
// response topic is refused, and mallory receives nothing of theirs, while
// bob's own $share subscription to his conversation does deliver.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

class WildcardShareTest : public SecurityTest {};

TEST_F(WildcardShareTest, FiltersBeyondRightsAreRefusedAndDeliverNothing) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "bob", "mallory"}));
  std::string conv = user("alice").CreateConversation("Entre nous", {"bob"});
  std::string own = user("mallory").CreateConversation("A moi", {});
  ASSERT_EQ(conv.size(), 32u);
  ASSERT_EQ(own.size(), 32u);

  auto mallory = Raw("mallory", "attack");
  const std::vector<std::string> refused = {
      "#", "+", "+/#", "foyer/#", "foyer/+", "foyer/c/#", "foyer/c/+", "foyer/c/+/m",
      "foyer/c/+/#", "foyer/+/" + conv + "/m", "+/c/" + conv + "/m", "foyer/c/" + conv + "/m",
      "foyer/c/" + conv + "/e", "foyer/c/" + conv + "/+", "foyer/c/" + conv + "/#",
      "foyer/c/" + conv + "/send", "foyer/c/" + conv, "foyer/c/" + conv + "/m/#",
      "foyer/u/alice/inbox", "foyer/u/+/inbox", "foyer/u/#", "foyer/u/alice/#",
      "$share/g/#", "$share/g/foyer/#", "$share/g/foyer/c/+/m",
      "$share/g/foyer/c/" + conv + "/m", "$share/g/foyer/c/" + conv + "/#",
      "$share/g/foyer/u/alice/inbox", "$share/g/$CONTROL/#", "$CONTROL/#",
      "$CONTROL/foyer/v1/response", "$CONTROL/foyer/v1"};
  for (const std::string& filter : refused) {
    EXPECT_GE(mallory->Subscribe(filter), 0x80) << "mallory was granted " << filter;
  }
  // Her own conversation, inbox and presence are hers (the legitimate flow).
  EXPECT_LT(mallory->Subscribe("foyer/c/" + own + "/#"), 0x80);
  EXPECT_LT(mallory->Subscribe("$share/g/foyer/u/mallory/inbox"), 0x80);

  auto bob = Raw("bob", "shared");
  ASSERT_LT(bob->Subscribe("$share/g/foyer/c/" + conv + "/m"), 0x80);
  auto alice = Raw("alice", "send");
  ASSERT_EQ(alice->Publish(foyer::protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0);
  ASSERT_EQ(user("alice").Send(conv, "Le code de la porte est 1234"), 2u);
  ASSERT_TRUE(bob->WaitForMessages(2, std::chrono::seconds(10)))
      << "bob's $share subscription did not deliver";
  // Responses to alice's requests never reach mallory either.
  ASSERT_TRUE(alice->Request({{"op", "conv_list"}}).is_object());
  mallory->WaitForMessages(1, std::chrono::seconds(2));
  for (const ReceivedMessage& message : mallory->Received()) {
    ADD_FAILURE() << "mallory received a message on " << message.topic;
  }

  // Malformed shared filters: refused, or the broker drops the session.
  for (const std::string& filter :
       {"$share/+/foyer/c/" + conv + "/m", "$share//foyer/c/" + conv + "/m",
        std::string("$share/g"), std::string("$share/g/")}) {
    auto probe = Raw("mallory", "probe");
    int reason = probe->Subscribe(filter);
    EXPECT_TRUE(reason >= 0x80 || reason == -1) << filter << " granted: " << reason;
    EXPECT_EQ(alice->Publish(foyer::protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0);
    probe->WaitForMessages(1, std::chrono::milliseconds(500));
    EXPECT_EQ(probe->ReceivedCount(), 0u) << filter << " delivered alice's message";
  }
}

}  // namespace
}  // namespace foyer_test
