// Attack: retained messages and wills aimed at conversation topics (/send,
// /m, /signal, /e), at another user's inbox or presence. A retained publish
// there is refused; a will there is refused at connect or never delivered
// (a will skips the plugin's envelope checks, so it must never reach /m or
// /e). alice listens from the start (live wills) and again afterwards
// (retained ones); her own message reaching both shows they deliver.
// mosquitto 2.0.11 checks a will's WRITE access when it sends the will,
// after the plugin has forgotten the session: the plugin's session-less rule
// lets only a valid presence on one's own foyer/p/<name> through (see
// presence_will_test.cc), so every will below stays refused.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class RetainedWillTest : public SecurityTest {};

TEST_F(RetainedWillTest, RetainedAndWillsNeverReachConversations) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "mallory"}));
  std::string conv = user("alice").CreateConversation("Ici", {"mallory"});
  ASSERT_EQ(conv.size(), 32u);
  const std::string forged = EnvelopeText(conv, 1, "alice");
  const std::string mine = EnvelopeText(conv, 1, "mallory");
  const std::string mallory_key = Key("mallory");
  auto alice = Raw("alice", "live");
  for (const std::string& filter : {"foyer/c/" + conv + "/#", std::string("foyer/u/alice/#"),
                                    std::string("foyer/p/+")}) {
    ASSERT_LT(alice->Subscribe(filter), 0x80) << filter;
  }
  const std::vector<std::string> targets = {
      protocol::SendTopic(conv), protocol::MessageTopic(conv), protocol::SignalTopic(conv),
      protocol::EphemeralTopic(conv), protocol::InboxTopic("alice"),
      protocol::InboxTopic("mallory"), protocol::PresenceTopic("alice")};

  // Retained publishes: refused on MQTT 5 (0x87), and never delivered.
  auto mallory = Raw("mallory", "retain");
  for (const std::string& topic : targets) {
    EXPECT_GE(mallory->Publish(topic, mine, 1, true), 0x80) << "retained on " << topic;
  }
  auto mallory311 = Wire("mallory", "retain311", kMqtt311);
  for (const std::string& topic : targets) mallory311->Publish(topic, mine, 1, true);

  // Wills: each session sets a will on one target and drops its socket.
  for (const std::string& topic : targets) {
    for (bool retain : {false, true}) {
      WireClient attacker(mqtt_port());
      ConnectPacket connect;
      connect.client_id = "mallory:will";
      connect.user = "mallory";
      connect.password = mallory_key;
      connect.has_will = true;
      connect.will = Will{topic, topic == protocol::SignalTopic(conv)
                                     ? R"({"type":"typing","from":"alice"})"
                                     : forged,
                          1, retain};
      attacker.Connect(connect);  // accepted or refused: either way nothing may arrive
    }  // the socket closes without DISCONNECT: the will fires
  }
  // A legitimate will on mallory's own presence.
  {
    WireClient own(mqtt_port());
    ConnectPacket connect;
    connect.client_id = "mallory:presence";
    connect.user = "mallory";
    connect.password = mallory_key;
    connect.has_will = true;
    connect.will = Will{protocol::PresenceTopic("mallory"), R"({"state":"offline","time":1})", 1,
                        false};
    ASSERT_EQ(own.Connect(connect), 0);
  }

  // alice also subscribes afterwards (retained messages would arrive now);
  // her own message shows both subscriptions deliver.
  auto late = Raw("alice", "late");
  for (const std::string& filter : {"foyer/c/" + conv + "/#", std::string("foyer/u/alice/#"),
                                    std::string("foyer/p/+")}) {
    ASSERT_LT(late->Subscribe(filter), 0x80) << filter;
  }
  ASSERT_EQ(alice->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "alice")), 0);
  ASSERT_TRUE(alice->WaitForMessages(1, std::chrono::seconds(10)));
  ASSERT_TRUE(late->WaitForMessages(1, std::chrono::seconds(10)));
  alice->WaitForMessages(3, std::chrono::seconds(2));
  for (const ReceivedMessage& message : late->Received()) {
    EXPECT_EQ(message.topic, protocol::MessageTopic(conv)) << "planted: " << message.payload;
  }
  size_t own_message = 0, presence = 0;
  for (const ReceivedMessage& message : alice->Received()) {
    if (message.topic == protocol::MessageTopic(conv) &&
        nlohmann::json::parse(message.payload, nullptr, false).value("from", "") == "alice") {
      ++own_message;
    } else if (message.topic == protocol::PresenceTopic("mallory")) {
      ++presence;
    } else {
      ADD_FAILURE() << "alice received a planted message on " << message.topic;
    }
  }
  EXPECT_EQ(own_message, 1u);
  EXPECT_LE(presence, 1u) << "mallory's presence will arrived more than once";
  // Nothing was stored but alice's one message.
  EXPECT_EQ(Stored(alice.get(), conv), (std::pair<size_t, uint64_t>{1, 1}));
}

}  // namespace
}  // namespace foyer_test
