// Bad input: oversized payloads, truncated and malformed packets, invalid
// UTF-8, huge topic names, thousands of subscriptions from one client. Each
// gets a refusal or a disconnect, and all the while the broker keeps serving
// alice and bob, whose conversation is checked after every attack.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;
using std::chrono::milliseconds;
using std::chrono::seconds;

class BadInputTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "bob", "mallory"}));
    conv_ = user("alice").CreateConversation("Toujours là", {"bob"});
    ASSERT_EQ(conv_.size(), 32u);
    alice_ = Raw("alice", "flow");
    bob_ = Raw("bob", "flow");
    ASSERT_LT(bob_->Subscribe(protocol::MessageTopic(conv_)), 0x80);
  }

  // alice's next message reaches bob and is stored: the broker still serves.
  void ExpectStillServing(const std::string& after) {
    size_t before = bob_->ReceivedCount();
    ASSERT_TRUE(alice_->connected()) << "alice was dropped after " << after;
    EXPECT_EQ(alice_->Publish(protocol::SendTopic(conv_), EnvelopeText(conv_, 1, "alice")), 0)
        << after;
    EXPECT_TRUE(bob_->WaitForMessages(before + 1, seconds(10))) << "after " << after;
    ++sent_;
  }

  // A fresh logged-in mallory speaking raw MQTT 5.
  std::unique_ptr<WireClient> Mallory() { return Wire("mallory", "bad"); }

  std::string conv_;
  std::unique_ptr<RawClient> alice_, bob_;
  size_t sent_ = 0;
};

TEST_F(BadInputTest, BrokerRefusesAndKeepsServingOthers) {
  // Oversized: an envelope over 96 KiB (refused), a request over 256 KiB
  // (answered `limit` or dropped), a packet over max_packet_size (dropped).
  {
    auto mallory = Mallory();
    nlohmann::json big = protocol::EnvelopeToJson(MakeEnvelope(conv_, 1, "mallory"));
    EXPECT_GE(mallory->Publish(protocol::SendTopic(conv_), std::string(200 * 1024, 'x')), 0x80);
    std::string request = R"({"id":"big","op":"whoami","pad":")" + std::string(257 * 1024, 'p') + "\"}";
    mallory->Publish(protocol::kRequestTopic, request);
    mallory->SendRaw(EncodePublish(kMqtt5, protocol::SendTopic(conv_),
                                   std::string(300 * 1024, 'x'), 1, false, 77));
    EXPECT_TRUE(mallory->WaitClosed(seconds(5))) << "an oversized packet was accepted";
  }
  ExpectStillServing("oversized payloads");

  // Truncated and malformed packets, each on its own socket.
  ConnectPacket connect;
  connect.client_id = "mallory:cut";
  connect.user = "mallory";
  connect.password = Key("mallory");
  const std::string full_connect = EncodeConnect(connect);
  std::vector<std::string> broken = {
      full_connect.substr(0, full_connect.size() / 2),
      full_connect.substr(0, 1),
      std::string("\x10\xff\xff\xff\xff\x7f", 6),             // remaining length of 5 bytes
      std::string("\x10\xff\xff\xff\x7f", 5) + "MQTT",       // 256 MiB claimed
      std::string("\x30\x05\x00\x10" "ab", 6),                  // PUBLISH before CONNECT
      std::string(64, '\0'),
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (const std::string& bytes : broken) {
    WireClient attacker(mqtt_port());
    attacker.SendRaw(bytes);
    attacker.WaitClosed(milliseconds(300));
  }
  {
    auto mallory = Mallory();
    std::string publish = EncodePublish(kMqtt5, protocol::SendTopic(conv_),
                                        EnvelopeText(conv_, 1, "mallory"), 1, false, 5);
    mallory->SendRaw(publish.substr(0, publish.size() - 10));  // and then nothing
  }
  ExpectStillServing("truncated packets");

  // Invalid UTF-8: in a topic (a protocol error: disconnect), in a user
  // name (refused), in an envelope's fields and in a request (refused).
  {
    auto mallory = Mallory();
    mallory->Publish("foyer/c/\xc3\x28/send", "x");
    EXPECT_TRUE(mallory->WaitClosed(seconds(5))) << "a topic with invalid UTF-8 was accepted";
  }
  {
    WireClient bad_name(mqtt_port());
    ConnectPacket invalid = connect;
    invalid.user = "mal\xff\xfeory";
    EXPECT_NE(bad_name.Connect(invalid), 0);
  }
  {
    auto mallory = Raw("mallory", "utf8");
    std::string envelope = EnvelopeText(conv_, 1, "mallory");
    envelope.replace(envelope.find("\"mallory\""), 9, "\"mal\xff\xfeory\"");
    EXPECT_GE(mallory->Publish(protocol::SendTopic(conv_), envelope), 0x80);
    nlohmann::json answer = mallory->Request({{"op", "whoami"}});
    EXPECT_EQ(answer.value("user", ""), "mallory");
    mallory->Publish(protocol::kRequestTopic, "{\"id\":\"u\",\"op\":\"keys\",\"users\":[\"\xff\"]}");
  }
  ExpectStillServing("invalid UTF-8");

  // Huge topic names: 60 000 bytes, refused or dropped.
  {
    auto mallory = Mallory();
    std::string huge = "foyer/c/" + conv_ + "/" + std::string(60000, 'a');
    int reason = mallory->Publish(huge, "x");
    EXPECT_TRUE(reason >= 0x80 || reason == -1) << reason;
    auto other = Mallory();
    int granted = other->Subscribe(huge);
    EXPECT_TRUE(granted >= 0x80 || granted == -1) << granted;
  }
  ExpectStillServing("huge topic names");

  // Thousands of subscriptions from one client: 5000 filters in one packet
  // (none of them hers), then 2000 packets; refused one by one, and the
  // broker still serves; her own filter is still granted.
  {
    auto mallory = Mallory();
    std::vector<std::string> filters;
    for (int i = 0; i < 5000; ++i) filters.push_back("foyer/c/" + conv_ + "/m/" + std::to_string(i));
    std::vector<int> codes = mallory->SubscribeMany(filters);
    ASSERT_EQ(codes.size(), filters.size());
    for (int code : codes) ASSERT_GE(code, 0x80);
    for (int i = 0; i < 2000; ++i) {
      ASSERT_GE(mallory->Subscribe("foyer/u/alice/inbox"), 0x80) << i;
    }
    EXPECT_LT(mallory->Subscribe("foyer/u/mallory/inbox"), 0x80);
    EXPECT_TRUE(mallory->Ping());
  }
  ExpectStillServing("thousands of subscriptions");

  // Everything alice sent is stored, nothing else.
  EXPECT_EQ(Stored(alice_.get(), conv_), (std::pair<size_t, uint64_t>{sent_, sent_}));
}

}  // namespace
}  // namespace foyer_test
