// Attack: publishing with someone else's name as the sender: an envelope
// whose `from` is alice on mallory's session, a typing/read signal "from"
// alice, and alice's presence. All refused (MQTT 5: 0x87; MQTT 3.1.1: acked
// and dropped), none stored or delivered; mallory's own envelope and signal
// go through, so alice's subscriptions were live.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class ForgedSenderTest : public SecurityTest {};

TEST_F(ForgedSenderTest, SomeoneElsesFromIsRefused) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "mallory"}));
  std::string conv = user("alice").CreateConversation("Qui parle ?", {"mallory"});
  ASSERT_EQ(conv.size(), 32u);
  auto alice = Raw("alice", "watch");
  ASSERT_LT(alice->Subscribe("foyer/c/" + conv + "/#"), 0x80);
  ASSERT_LT(alice->Subscribe("foyer/p/+"), 0x80);

  auto mallory = Raw("mallory", "forge");
  EXPECT_GE(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0x80);
  EXPECT_GE(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "admin")), 0x80);
  EXPECT_GE(mallory->Publish(protocol::SignalTopic(conv), R"({"type":"typing","from":"alice"})"),
            0x80);
  EXPECT_GE(mallory->Publish(protocol::SignalTopic(conv), R"({"type":"read","seq":1})"), 0x80);
  EXPECT_GE(mallory->Publish(protocol::PresenceTopic("alice"), R"({"state":"offline","time":1})"),
            0x80);
  auto mallory311 = Wire("mallory", "forge311", kMqtt311);
  EXPECT_EQ(mallory311->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0);
  mallory311->Publish(protocol::SignalTopic(conv), R"({"type":"typing","from":"alice"})");
  mallory311->Publish(protocol::PresenceTopic("alice"), R"({"state":"offline","time":1})");

  // mallory's own envelope and signal are accepted and delivered.
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "mallory")), 0);
  EXPECT_EQ(mallory->Publish(protocol::SignalTopic(conv), R"({"type":"typing","from":"mallory"})"),
            0);
  ASSERT_TRUE(alice->WaitForMessages(2, std::chrono::seconds(10)));
  alice->WaitForMessages(3, std::chrono::seconds(2));
  for (const ReceivedMessage& message : alice->Received()) {
    nlohmann::json payload = nlohmann::json::parse(message.payload, nullptr, false);
    EXPECT_EQ(payload.value("from", ""), "mallory") << message.topic << " " << message.payload;
  }
  EXPECT_EQ(alice->ReceivedCount(), 2u);
  std::vector<nlohmann::json> stored = History(alice.get(), conv);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].value("from", ""), "mallory");
}

}  // namespace
}  // namespace foyer_test
