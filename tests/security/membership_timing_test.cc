// Attack: subscribing to a conversation before being added, and staying
// subscribed after being removed. carol's early subscription is refused and
// so delivers nothing even once she is added; her own subscription after
// being added works; after her removal, the subscription she kept open (on
// the exact topic and on the conversation's wildcard) delivers nothing more.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class MembershipTimingTest : public SecurityTest {};

TEST_F(MembershipTimingTest, NoDeliveryOutsideMembership) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "carol"}));
  std::string conv = user("alice").CreateConversation("Avant, pendant, après", {});
  ASSERT_EQ(conv.size(), 32u);
  auto alice = Raw("alice", "send");

  // Before being added: refused, on both protocol versions.
  auto early = Raw("carol", "early");
  EXPECT_GE(early->Subscribe(protocol::MessageTopic(conv)), 0x80);
  EXPECT_GE(early->Subscribe("foyer/c/" + conv + "/#"), 0x80);
  auto early311 = Wire("carol", "early311", kMqtt311);
  EXPECT_GE(early311->Subscribe(protocol::MessageTopic(conv)), 0x80);
  ASSERT_EQ(alice->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0);

  ProcessResult added = user("alice").Run({"conv", "add", "--conv", conv, "carol"});
  ASSERT_EQ(added.exit_code, 0) << Describe(added);
  ASSERT_EQ(alice->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0);

  // Added: a fresh subscription delivers (the legitimate flow)...
  auto member = Raw("carol", "member");
  ASSERT_LT(member->Subscribe(protocol::MessageTopic(conv)), 0x80);
  auto member311 = Wire("carol", "member311", kMqtt311);
  ASSERT_LT(member311->Subscribe("foyer/c/" + conv + "/#"), 0x80);
  ASSERT_EQ(alice->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0);
  EXPECT_TRUE(member->WaitForMessages(1, std::chrono::seconds(10)));
  member311->Pump(std::chrono::milliseconds(500));
  EXPECT_EQ(member311->Received().size(), 1u);
  // ...but the refused early subscriptions deliver nothing.
  early311->Pump(std::chrono::milliseconds(500));
  EXPECT_EQ(early->ReceivedCount(), 0u);
  EXPECT_EQ(early311->Received().size(), 0u);

  // Removed: the subscriptions carol keeps open deliver nothing more.
  ProcessResult removed = user("alice").Run({"conv", "remove", "--conv", conv, "carol"});
  ASSERT_EQ(removed.exit_code, 0) << Describe(removed);
  nlohmann::json info = alice->Request({{"op", "conv_get"}, {"conv", conv}});
  ASSERT_EQ(info.value("epoch", 0), 2) << info.dump();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(alice->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 2, "alice")), 0);
  }
  ASSERT_EQ(alice->Publish(protocol::SignalTopic(conv), R"({"type":"typing","from":"alice"})"), 0);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  member311->Pump(std::chrono::milliseconds(500));
  EXPECT_EQ(member->ReceivedCount(), 1u) << "carol received messages after her removal";
  EXPECT_EQ(member311->Received().size(), 1u) << "carol (3.1.1) received after her removal";
  // And she cannot subscribe again.
  EXPECT_GE(member->Subscribe(protocol::MessageTopic(conv)), 0x80);
  // The conversation did go on: alice's history holds the 6 messages.
  EXPECT_EQ(Stored(alice.get(), conv).second, 6u);
}

}  // namespace
}  // namespace foyer_test
