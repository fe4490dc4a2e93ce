// Attack: half-finished QoS 2 exchanges across a membership change.
// (1) mallory, not yet a member, publishes an envelope at QoS 2 and holds
// the PUBREL; she is added; releasing it then delivers and stores nothing
// (the publish was judged, and refused, when it arrived). (2) A member
// publishes at QoS 2, holds the PUBREL, is removed, then releases: the
// message was judged and stored while she was a member (it is history of
// the old epoch, which the members hold); after her removal she can neither
// get a new message stored nor receive any. (3) Receiving side: a QoS 2
// delivery to mallory left unacknowledged across her removal is the last she
// gets.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class Qos2MembershipTest : public SecurityTest {};

TEST_F(Qos2MembershipTest, HeldPubrelDoesNotCrossMembershipChanges) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "mallory"}));
  std::string conv = user("alice").CreateConversation("QoS 2", {});
  ASSERT_EQ(conv.size(), 32u);
  auto alice = Raw("alice", "watch");
  ASSERT_LT(alice->Subscribe(protocol::MessageTopic(conv), 2), 0x80);

  // (1) Before being added.
  auto mallory = Wire("mallory", "qos2");
  EXPECT_GE(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "mallory"), 2),
            0x80);
  uint16_t early = mallory->last_packet_id();
  ProcessResult added = user("alice").Run({"conv", "add", "--conv", conv, "mallory"});
  ASSERT_EQ(added.exit_code, 0) << Describe(added);
  mallory->Release(early);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(alice->ReceivedCount(), 0u) << "a refused QoS 2 publish was released after the add";
  EXPECT_EQ(Stored(alice.get(), conv).first, 0u);

  // (2) A member holds a PUBREL across her removal.
  auto receiver = Wire("mallory", "recv");
  ASSERT_LT(receiver->Subscribe(protocol::MessageTopic(conv), 2), 0x80);
  EXPECT_EQ(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "mallory"), 2), 0);
  uint16_t held = mallory->last_packet_id();
  ProcessResult removed = user("alice").Run({"conv", "remove", "--conv", conv, "mallory"});
  ASSERT_EQ(removed.exit_code, 0) << Describe(removed);
  mallory->Release(held);
  // The held message was stored while mallory was a member: seq 1, epoch 1.
  ASSERT_TRUE(alice->WaitForMessages(1, std::chrono::seconds(10)));
  std::vector<nlohmann::json> stored = History(alice.get(), conv);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].value("epoch", 0), 1);
  // After the removal nothing of hers is stored, at QoS 1 or 2.
  EXPECT_GE(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 2, "mallory"), 2),
            0x80);
  mallory->Release(mallory->last_packet_id());
  EXPECT_GE(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 2, "mallory"), 1),
            0x80);
  // (3) alice's new messages reach alice, never mallory's open subscription.
  EXPECT_EQ(alice->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 2, "alice"), 2), 0);
  EXPECT_TRUE(alice->WaitForMessages(2, std::chrono::seconds(10)));
  receiver->Pump(std::chrono::seconds(1));
  for (const WirePublish& message : receiver->Received()) {
    nlohmann::json envelope = nlohmann::json::parse(message.payload, nullptr, false);
    EXPECT_EQ(envelope.value("epoch", 0), 1) << "mallory received epoch 2: " << message.payload;
  }
  EXPECT_EQ(Stored(alice.get(), conv), (std::pair<size_t, uint64_t>{2, 2}));
}

}  // namespace
}  // namespace foyer_test
