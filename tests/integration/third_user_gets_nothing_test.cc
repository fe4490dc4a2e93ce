// Scenario 3: carol, a registered member of the household but not of alice
// and bob's conversation, logs in with a raw MQTT client and her real
// credentials and tries every subscription that could catch their messages.
// She must receive nothing while bob, over the same time, receives them all.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "household.h"
#include "raw_client.h"

namespace foyer_test {
namespace {

class ThirdUserGetsNothingTest : public BrokerFixture {};

TEST_F(ThirdUserGetsNothingTest, NonMemberReceivesNoMessage) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  for (const char* name : {"alice", "bob", "carol"}) ASSERT_NO_FATAL_FAILURE(house.Join(name));
  const CliUser& alice = house.user("alice");
  const CliUser& bob = house.user("bob");
  std::string conv = alice.CreateConversation("Surprise pour Carol", {"bob"});
  ASSERT_EQ(conv.size(), 32u);

  RawClient carol(server_uri(), "carol:spy");
  std::string error;
  ASSERT_EQ(carol.Connect("carol", house.AuthKeyHex("carol"), &error), 0)
      << "carol cannot log in with her real credentials: " << error;
  // Her own inbox is allowed: the connection works and subscriptions too.
  EXPECT_LT(carol.Subscribe("foyer/u/carol/inbox"), 0x80);

  const std::string prefix = "foyer/c/" + conv;
  for (const std::string& filter :
       {std::string("#"), std::string("+/#"), std::string("foyer/#"), std::string("foyer/c/#"),
        std::string("foyer/c/+/m"), std::string("foyer/c/+/+"), std::string("$share/g/#"),
        std::string("$share/g/foyer/c/+/m"), "$share/g/" + prefix + "/m", prefix + "/m",
        prefix + "/e", prefix + "/send", prefix + "/signal", prefix + "/+", prefix + "/#",
        std::string("$SYS/#"), std::string("$CONTROL/#"), std::string("foyer/u/+/inbox"),
        std::string("foyer/u/bob/inbox")}) {
    int reason = carol.Subscribe(filter);
    EXPECT_GE(reason, 0x80) << "carol's subscription to " << filter
                            << " was granted (reason " << reason << ")";
  }

  // bob receives all of alice's lines while carol listens everywhere.
  constexpr int kLines = 3;
  std::unique_ptr<Process> bob_listen = bob.Listen(conv, kLines);
  ASSERT_TRUE(bob_listen);
  for (int i = 1; i <= kLines; ++i) {
    EXPECT_EQ(alice.Send(conv, "Le cadeau de Carol, idée numéro " + std::to_string(i)),
              static_cast<uint64_t>(i));
  }
  std::vector<nlohmann::json> bob_got = ListenOutput(bob_listen.get());
  EXPECT_EQ(bob_got.size(), static_cast<size_t>(kLines)) << "the messages did not flow";

  std::this_thread::sleep_for(std::chrono::seconds(3));
  std::vector<ReceivedMessage> received = carol.Received();
  EXPECT_EQ(received.size(), 0u) << "carol received a message on " << received[0].topic;

  // Nor can she read the history, or fetch the conversation.
  nlohmann::json history = carol.Request({{"op", "history"}, {"conv", conv}});
  ASSERT_TRUE(history.is_object()) << "no answer to carol's history request";
  EXPECT_EQ(history.value("ok", true), false) << history.dump();
  EXPECT_FALSE(history.contains("messages")) << history.dump();
  nlohmann::json conv_get = carol.Request({{"op", "conv_get"}, {"conv", conv}});
  ASSERT_TRUE(conv_get.is_object());
  EXPECT_EQ(conv_get.value("ok", true), false) << conv_get.dump();
  ProcessResult cli_history = house.user("carol").Run({"history", "--conv", conv});
  EXPECT_NE(cli_history.exit_code, 0) << Describe(cli_history);
  EXPECT_EQ(cli_history.out.find("cadeau"), std::string::npos);
}

}  // namespace
}  // namespace foyer_test
