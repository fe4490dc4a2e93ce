// Scenario 4: alice removes bob from a conversation. bob, already subscribed,
// stops receiving at once; the conversation moves to a new epoch; bob's
// history never shows what was said after his removal.
#include <algorithm>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "household.h"
#include "raw_client.h"

namespace foyer_test {
namespace {

class RemovalTest : public BrokerFixture {};

TEST_F(RemovalTest, RemovedMemberStopsReceivingAtOnce) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  for (const char* name : {"alice", "bob", "carol"}) ASSERT_NO_FATAL_FAILURE(house.Join(name));
  const CliUser& alice = house.user("alice");
  const CliUser& bob = house.user("bob");
  const CliUser& carol = house.user("carol");
  std::string conv = alice.CreateConversation("Les trois", {"bob", "carol"});
  ASSERT_EQ(conv.size(), 32u);

  // bob keeps a raw subscription open across his removal.
  RawClient bob_raw(server_uri(), "bob:raw");
  std::string error;
  ASSERT_EQ(bob_raw.Connect("bob", house.AuthKeyHex("bob"), &error), 0) << error;
  ASSERT_LT(bob_raw.Subscribe("foyer/c/" + conv + "/m"), 0x80);
  ASSERT_LT(bob_raw.Subscribe("foyer/c/" + conv + "/e"), 0x80);

  const std::string before = "Avant le départ de Bob";
  EXPECT_EQ(alice.Send(conv, before), 1u);
  ASSERT_TRUE(bob_raw.WaitForMessages(1, std::chrono::seconds(10)))
      << "bob's raw subscription received nothing before his removal";

  ProcessResult removed = alice.Run({"conv", "remove", "--conv", conv, "bob"});
  ASSERT_EQ(removed.exit_code, 0) << Describe(removed);

  // The conversation is in epoch 2, without bob.
  RawClient alice_raw(server_uri(), "alice:raw");
  ASSERT_EQ(alice_raw.Connect("alice", house.AuthKeyHex("alice"), &error), 0) << error;
  nlohmann::json info = alice_raw.Request({{"op", "conv_get"}, {"conv", conv}});
  ASSERT_TRUE(info.is_object()) << "no answer to conv_get";
  EXPECT_EQ(info.value("ok", false), true) << info.dump();
  EXPECT_EQ(info.value("epoch", 0), 2) << info.dump();
  ASSERT_TRUE(info.contains("members")) << info.dump();
  std::vector<std::string> members = info["members"].get<std::vector<std::string>>();
  EXPECT_EQ(std::count(members.begin(), members.end(), "bob"), 0) << info.dump();
  EXPECT_EQ(std::count(members.begin(), members.end(), "carol"), 1) << info.dump();

  // carol receives the new line (it flowed), bob's open subscription does not.
  const std::string after = "Bob est parti, on peut parler de son anniversaire";
  std::unique_ptr<Process> carol_listen = carol.Listen(conv, 1);
  ASSERT_TRUE(carol_listen);
  EXPECT_EQ(alice.Send(conv, after), 2u);
  std::vector<nlohmann::json> carol_got = ListenOutput(carol_listen.get());
  ASSERT_EQ(carol_got.size(), 1u);
  EXPECT_EQ(carol_got[0].value("text", ""), after);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::vector<ReceivedMessage> bob_got = bob_raw.Received();
  EXPECT_EQ(bob_got.size(), 1u) << "bob received " << bob_got.size() - 1 << " message(s) after his removal";
  for (const ReceivedMessage& message : bob_got) {
    nlohmann::json envelope = nlohmann::json::parse(message.payload, nullptr, false);
    EXPECT_TRUE(envelope.is_object()) << message.topic;
    if (envelope.is_object()) {
      EXPECT_EQ(envelope.value("epoch", 0), 1) << message.payload;
    }
  }

  // bob cannot subscribe again, and his history never shows the new line.
  EXPECT_GE(bob_raw.Subscribe("foyer/c/" + conv + "/m"), 0x80);
  ProcessResult bob_history = bob.Run({"history", "--conv", conv});
  EXPECT_EQ(bob_history.out.find("anniversaire"), std::string::npos) << Describe(bob_history);
  for (const nlohmann::json& line : JsonLines(bob_history.out)) {
    EXPECT_LT(line.value("seq", 0u), 2u) << line.dump();
  }
  nlohmann::json raw_history = bob_raw.Request({{"op", "history"}, {"conv", conv}});
  ASSERT_TRUE(raw_history.is_object());
  if (raw_history.value("ok", false)) {
    for (const nlohmann::json& envelope : raw_history["messages"]) {
      EXPECT_EQ(envelope.value("epoch", 0), 1) << "bob got a message of a later epoch";
    }
  }
  // carol still reads both lines.
  std::vector<nlohmann::json> carol_history = carol.History(conv);
  ASSERT_EQ(carol_history.size(), 2u);
  EXPECT_EQ(carol_history[0].value("text", ""), before);
  EXPECT_EQ(carol_history[1].value("text", ""), after);
}

}  // namespace
}  // namespace foyer_test
