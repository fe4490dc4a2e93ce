// Attack: replaying envelopes. A stamped envelope of alice captured from /m
// and published again by alice's own session is not stored again (no second
// seq: the stored copy comes back with its original seq); replayed by
// mallory (a member) it is refused, in the same conversation and in another
// one they share; alice's envelope moved into another conversation by
// rewriting its `conv` is refused by the server when the topic does not
// match, and otherwise fails verification at every receiver (the header is
// signed), so foyer-cli never shows it.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class ReplayTest : public SecurityTest {};

TEST_F(ReplayTest, ReplaysGetNoSecondSeqAndCannotMove) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "bob", "mallory"}));
  std::string conv = user("alice").CreateConversation("Premier", {"bob", "mallory"});
  std::string other = user("alice").CreateConversation("Second", {"bob", "mallory"});
  ASSERT_EQ(conv.size(), 32u);
  ASSERT_EQ(other.size(), 32u);

  auto mallory = Raw("mallory", "capture");
  ASSERT_LT(mallory->Subscribe(protocol::MessageTopic(conv)), 0x80);
  ASSERT_EQ(user("alice").Send(conv, "Rendez-vous à 8 h"), 1u);
  ASSERT_TRUE(mallory->WaitForMessages(1, std::chrono::seconds(10)));
  const std::string captured = mallory->Received()[0].payload;
  nlohmann::json captured_json = nlohmann::json::parse(captured);
  ASSERT_EQ(captured_json.value("seq", 0), 1);

  // mallory replays it: here, and into the other conversation (as is, and
  // with conv rewritten to match the topic).
  EXPECT_GE(mallory->Publish(protocol::SendTopic(conv), captured), 0x80);
  EXPECT_GE(mallory->Publish(protocol::SendTopic(other), captured), 0x80);
  nlohmann::json moved = captured_json;
  moved["conv"] = other;
  EXPECT_GE(mallory->Publish(protocol::SendTopic(other), moved.dump()), 0x80);
  auto mallory311 = Wire("mallory", "replay311", kMqtt311);
  mallory311->Publish(protocol::SendTopic(conv), captured);

  // alice's own session replays it: delivered again with seq 1, not stored.
  auto alice = Raw("alice", "replay");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(alice->Publish(protocol::SendTopic(conv), captured), 0);
  }
  ASSERT_TRUE(mallory->WaitForMessages(4, std::chrono::seconds(10)));
  for (const ReceivedMessage& message : mallory->Received()) {
    EXPECT_EQ(nlohmann::json::parse(message.payload).value("seq", 0), 1) << message.payload;
  }
  EXPECT_EQ(Stored(alice.get(), conv), (std::pair<size_t, uint64_t>{1, 1}));

  // alice's session moving it into the other conversation: the topic must
  // match conv; with conv rewritten the server (which cannot verify) stores
  // it, but every receiver refuses it: the signature covers conv.
  EXPECT_GE(alice->Publish(protocol::SendTopic(other), captured), 0x80);
  EXPECT_EQ(alice->Publish(protocol::SendTopic(other), moved.dump()), 0);
  EXPECT_EQ(Stored(alice.get(), other).first, 1u);
  ProcessResult history = user("bob").Run({"history", "--conv", other});
  EXPECT_EQ(history.exit_code, 0) << Describe(history);
  EXPECT_EQ(JsonLines(history.out).size(), 0u) << "bob was shown a moved envelope: "
                                               << history.out;
  EXPECT_NE(history.err.find("rejected"), std::string::npos) << Describe(history);
  // The legitimate flow: bob reads alice's original line.
  std::vector<nlohmann::json> bob_lines = user("bob").History(conv);
  ASSERT_EQ(bob_lines.size(), 1u);
  EXPECT_EQ(bob_lines[0].value("text", ""), "Rendez-vous à 8 h");
}

}  // namespace
}  // namespace foyer_test
