// Attack: the same attacks over MQTT 3.1.1, where a refused QoS 1 publish is
// acknowledged (3.1.1 has no reason codes) and silently dropped: a forged
// sender, a wrong epoch, a post on /m, a wildcard and another conversation's
// subscription, a retained envelope. Nothing is stored or delivered; a valid
// envelope from the same 3.1.1 session is stored and delivered to a 3.1.1
// subscriber.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class Mqtt311Test : public SecurityTest {};

TEST_F(Mqtt311Test, OldProtocolClientsGetNothingMore) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "bob", "mallory"}));
  std::string conv = user("alice").CreateConversation("Les deux", {"bob"});
  std::string shared = user("alice").CreateConversation("Les trois", {"bob", "mallory"});
  ASSERT_EQ(conv.size(), 32u);
  ASSERT_EQ(shared.size(), 32u);
  auto bob = Wire("bob", "old", kMqtt311);
  ASSERT_LT(bob->Subscribe("foyer/c/" + shared + "/#"), 0x80);
  ASSERT_LT(bob->Subscribe("foyer/c/" + conv + "/#"), 0x80);

  auto mallory = Wire("mallory", "old", kMqtt311);
  for (const std::string& filter : {std::string("#"), std::string("foyer/c/+/m"), "foyer/c/" + conv + "/m",
                                    std::string("foyer/u/bob/inbox"), std::string("$SYS/#")}) {
    EXPECT_EQ(mallory->Subscribe(filter), 0x80) << filter;
  }
  // 3.1.1 acks these publishes with PUBACK and drops them.
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(shared), EnvelopeText(shared, 1, "alice")), 0);
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(shared), EnvelopeText(shared, 2, "mallory")), 0);
  EXPECT_EQ(mallory->Publish(protocol::MessageTopic(shared), EnvelopeText(shared, 1, "mallory")),
            0);
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "mallory")), 0);
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(shared), EnvelopeText(shared, 1, "mallory"), 1,
                             true),
            0);
  EXPECT_TRUE(mallory->Ping()) << "the 3.1.1 session should stay up after dropped publishes";
  // A valid envelope of the same session goes through, at QoS 1 and 2.
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(shared), EnvelopeText(shared, 1, "mallory")), 0);
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(shared), EnvelopeText(shared, 1, "mallory"), 2),
            0);
  EXPECT_EQ(mallory->Release(mallory->last_packet_id()), 0);

  bob->Pump(std::chrono::seconds(2));
  ASSERT_EQ(bob->Received().size(), 2u);
  for (const WirePublish& message : bob->Received()) {
    EXPECT_EQ(message.topic, protocol::MessageTopic(shared));
    nlohmann::json envelope = nlohmann::json::parse(message.payload, nullptr, false);
    EXPECT_EQ(envelope.value("from", ""), "mallory");
    EXPECT_FALSE(message.retain);
  }
  mallory->Pump(std::chrono::milliseconds(200));
  EXPECT_EQ(mallory->Received().size(), 0u);
  auto alice = Raw("alice", "check");
  EXPECT_EQ(Stored(alice.get(), shared), (std::pair<size_t, uint64_t>{2, 2}));
  EXPECT_EQ(Stored(alice.get(), conv).first, 0u);
}

}  // namespace
}  // namespace foyer_test
