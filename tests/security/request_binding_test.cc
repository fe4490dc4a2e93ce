// Attack: requests as another user. A request carries no identity: the
// plugin answers for the session that published it ($CONTROL binds a request
// to the connected session) and only to that client id. mallory naming alice
// in her requests gets her own data or a refusal; she cannot subscribe to
// the response topic nor forge a response to alice; other "request topics"
// (a per-user one, a response topic) do nothing; alice's own requests work
// and their answers reach alice only.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class RequestBindingTest : public SecurityTest {};

TEST_F(RequestBindingTest, RequestsAreBoundToTheConnectedSession) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "mallory"}));
  std::string conv = user("alice").CreateConversation("Privé", {});
  ASSERT_EQ(conv.size(), 32u);
  ASSERT_EQ(user("alice").Send(conv, "Mon secret"), 1u);
  auto alice = Raw("alice", "req");
  auto mallory = Raw("mallory", "req");

  // Naming alice in the request changes nothing: the session decides.
  nlohmann::json who = mallory->Request({{"op", "whoami"}, {"user", "alice"}, {"as", "alice"}});
  EXPECT_EQ(who.value("user", ""), "mallory") << who.dump();
  nlohmann::json bundle = mallory->Request({{"op", "bundle_get"}, {"user", "alice"}});
  nlohmann::json alice_bundle = alice->Request({{"op", "bundle_get"}});
  ASSERT_TRUE(alice_bundle.value("ok", false)) << alice_bundle.dump();
  EXPECT_NE(bundle.value("bundle", ""), alice_bundle.value("bundle", "")) << "alice's bundle leaked";
  for (const char* op : {"conv_get", "history", "epoch_keys", "conv_title", "conv_leave"}) {
    nlohmann::json answer =
        mallory->Request({{"op", op}, {"conv", conv}, {"user", "alice"}, {"from", "alice"}});
    EXPECT_EQ(answer.value("ok", true), false) << op << ": " << answer.dump();
    EXPECT_EQ(answer.dump().find("foyer/msg"), std::string::npos);
  }
  nlohmann::json list = mallory->Request({{"op", "conv_list"}, {"user", "alice"}});
  EXPECT_EQ(list.value("convs", nlohmann::json::array()).size(), 0u) << list.dump();
  // bundle_put "for alice" only ever changes mallory's own record.
  nlohmann::json put = mallory->Request(
      {{"op", "bundle_put"}, {"user", "alice"}, {"bundle", bundle.value("bundle", "")}});
  EXPECT_EQ(alice->Request({{"op", "bundle_get"}}).value("bundle", ""),
            alice_bundle.value("bundle", ""));

  // The response topic cannot be subscribed, other $CONTROL topics do nothing,
  // and a forged response never reaches alice.
  EXPECT_GE(mallory->Subscribe(protocol::kResponseTopic), 0x80);
  EXPECT_GE(mallory->Subscribe("$CONTROL/#"), 0x80);
  mallory->Publish("$CONTROL/foyer/v1/alice", R"({"id":"x","op":"history","conv":")" + conv + "\"}");
  mallory->Publish("$CONTROL/foyer/v1/response",
                   R"({"id":"t99","ok":true,"user":"mallory-in-disguise"})");
  mallory->Publish("$CONTROL/foyer/v2", R"({"id":"x","op":"whoami"})");

  // alice's own requests are answered, to her only.
  std::vector<nlohmann::json> history = History(alice.get(), conv);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(alice->Request({{"op", "whoami"}}).value("user", ""), "alice");
  mallory->WaitForMessages(1, std::chrono::seconds(2));
  EXPECT_EQ(mallory->ReceivedCount(), 0u);
  for (const ReceivedMessage& message : alice->Received()) {
    ADD_FAILURE() << "alice received " << message.topic << " " << message.payload;
  }
}

}  // namespace
}  // namespace foyer_test
