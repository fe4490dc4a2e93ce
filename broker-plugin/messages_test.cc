// Envelopes, signals and presence (docs/protocol.md §5-§6).
#include <string>

#include <gtest/gtest.h>

#include "plugin_test_util.h"

namespace foyer {
namespace plugin {
namespace {

using testing::Json;

class MessagesTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    Open();
    admin_ = &Admin();
    bob_ = &AddUser("bob");
    carol_ = &AddUser("carol");
    conv_ = CreateConv(*admin_, {"admin", "bob"});
  }
  MessageVerdict Publish(const testing::TestUser& user, const std::string& topic,
                         const std::string& payload, bool retain = false) {
    new_topic_.clear();
    new_payload_.clear();
    return server_->OnMessage(user.client, topic, payload, retain, &new_topic_, &new_payload_);
  }
  testing::TestUser* admin_;
  testing::TestUser* bob_;
  testing::TestUser* carol_;
  std::string conv_;
  std::string new_topic_, new_payload_;
};

TEST_F(MessagesTest, AcceptedEnvelopeIsStampedWithSeqAndStime) {
  std::string sent = Envelope(*bob_, conv_, 1);
  std::string delivered = Send(*bob_, conv_, sent);
  ASSERT_FALSE(delivered.empty());
  Json json = Json::parse(delivered);
  EXPECT_EQ(json["seq"], 1);
  EXPECT_EQ(json["stime"], now_);
  Json original = Json::parse(sent);
  for (const char* field : {"v", "conv", "epoch", "from", "cmid", "ts", "nonce", "body", "sig"}) {
    EXPECT_EQ(json[field], original[field]) << field;
  }
  // The stamped envelope still opens and verifies for a receiver.
  protocol::Envelope envelope;
  ASSERT_TRUE(protocol::ParseEnvelope(delivered, &envelope).ok());
  std::string plaintext;
  EXPECT_TRUE(protocol::OpenEnvelope(envelope, bob_->sign.public_key, EpochKey(conv_, 1),
                                     &plaintext).ok());
}

TEST_F(MessagesTest, SeqCountsWithoutGaps) {
  for (uint64_t i = 1; i <= 20; ++i) {
    testing::TestUser& sender = i % 2 ? *bob_ : *admin_;
    std::string delivered = Send(sender, conv_, Envelope(sender, conv_, 1));
    ASSERT_FALSE(delivered.empty());
    EXPECT_EQ(Json::parse(delivered)["seq"], i);
    // A refused message in between takes no seq.
    EXPECT_EQ(Send(*carol_, conv_, Envelope(*carol_, conv_, 1)), "");
  }
  EXPECT_EQ(server_->caches().conversations.at(conv_).counters.count, 20u);
}

TEST_F(MessagesTest, DuplicateIsDeliveredAgainWithItsSeq) {
  std::string cmid = crypto::RandomIdHex();
  std::string first = Send(*bob_, conv_, Envelope(*bob_, conv_, 1, cmid));
  Send(*bob_, conv_, Envelope(*bob_, conv_, 1));
  now_ += 5000;
  std::string again = Send(*bob_, conv_, Envelope(*bob_, conv_, 1, cmid));
  EXPECT_EQ(again, first);
  EXPECT_EQ(Json::parse(again)["seq"], 1);
  EXPECT_EQ(server_->caches().conversations.at(conv_).counters.next_seq, 3u);
  // The same cmid from another sender is another message.
  std::string other = Send(*admin_, conv_, Envelope(*admin_, conv_, 1, cmid));
  EXPECT_EQ(Json::parse(other)["seq"], 3);
}

TEST_F(MessagesTest, RefusalReasons) {
  std::string topic = "foyer/c/" + conv_ + "/send";
  // Not a member.
  EXPECT_EQ(Send(*carol_, conv_, Envelope(*carol_, conv_, 1)), "");
  // From someone else.
  EXPECT_EQ(Send(*bob_, conv_, Envelope(*admin_, conv_, 1)), "");
  // Conversation of the envelope differs from the topic's.
  std::string other = CreateConv(*admin_, {"admin", "bob"});
  EXPECT_EQ(Send(*bob_, conv_, Envelope(*bob_, other, 1)), "");
  // Wrong epoch.
  EXPECT_EQ(Send(*bob_, conv_, Envelope(*bob_, conv_, 2)), "");
  // Not JSON, missing fields, extra size.
  EXPECT_EQ(Send(*bob_, conv_, "hello"), "");
  Json json = Json::parse(Envelope(*bob_, conv_, 1));
  json.erase("sig");
  EXPECT_EQ(Send(*bob_, conv_, json.dump()), "");
  json = Json::parse(Envelope(*bob_, conv_, 1));
  json["body"] = crypto::ToBase64(std::string(100 * 1024, 'x'));
  EXPECT_EQ(Send(*bob_, conv_, json.dump()), "");
  // Retained, or published on /m directly.
  EXPECT_EQ(Publish(*bob_, topic, Envelope(*bob_, conv_, 1), true), MessageVerdict::kDeny);
  EXPECT_EQ(Publish(*bob_, "foyer/c/" + conv_ + "/m", Envelope(*bob_, conv_, 1)),
            MessageVerdict::kDeny);
  EXPECT_EQ(server_->caches().conversations.at(conv_).counters.count, 0u);
  // Logs give reasons, never contents.
  bool reason_logged = false;
  for (const std::string& line : port_.logs) {
    reason_logged |= line.find("not the current epoch") != std::string::npos;
    EXPECT_EQ(line.find("hello"), std::string::npos);
  }
  EXPECT_TRUE(reason_logged);
}

TEST_F(MessagesTest, RotationPendingRefusesMessages) {
  std::string conv = CreateConv(*admin_, {"admin", "bob", "carol"});
  ASSERT_EQ(Request(*carol_, Json{{"op", "conv_leave"}, {"conv", conv}})["ok"], true);
  EXPECT_EQ(Send(*bob_, conv, Envelope(*bob_, conv, 1)), "");
  Json response = Request(*bob_, Json{{"op", "conv_rotate"},
                                      {"conv", conv},
                                      {"keys", Keys(*bob_, conv, 2, {"admin", "bob"})},
                                      {"title", Title(conv, 2)}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_NE(Send(*bob_, conv, Envelope(*bob_, conv, 2)), "");
}

TEST_F(MessagesTest, Signals) {
  std::string topic = "foyer/c/" + conv_ + "/signal";
  Json typing{{"type", "typing"}, {"from", "bob"}};
  EXPECT_EQ(Publish(*bob_, topic, typing.dump()), MessageVerdict::kRewriteTopic);
  EXPECT_EQ(new_topic_, "foyer/c/" + conv_ + "/e");
  Json read{{"type", "read"}, {"from", "bob"}, {"seq", 4}};
  EXPECT_EQ(Publish(*bob_, topic, read.dump()), MessageVerdict::kRewriteTopic);
  EXPECT_EQ(Publish(*admin_, topic, typing.dump()), MessageVerdict::kDeny);   // from
  EXPECT_EQ(Publish(*carol_, topic, Json{{"type", "typing"}, {"from", "carol"}}.dump()),
            MessageVerdict::kDeny);                                           // member
  EXPECT_EQ(Publish(*bob_, topic, Json{{"type", "shout"}, {"from", "bob"}}.dump()),
            MessageVerdict::kDeny);                                           // type
  Json big{{"type", "typing"}, {"from", "bob"}, {"pad", std::string(1100, 'x')}};
  EXPECT_EQ(Publish(*bob_, topic, big.dump()), MessageVerdict::kDeny);        // size
  EXPECT_EQ(Publish(*bob_, topic, "[1]"), MessageVerdict::kDeny);
  EXPECT_EQ(Publish(*bob_, "foyer/c/" + conv_ + "/e", typing.dump()), MessageVerdict::kDeny);
}

TEST_F(MessagesTest, Presence) {
  Json online{{"state", "online"}, {"time", now_}};
  EXPECT_EQ(Publish(*bob_, "foyer/p/bob", online.dump(), true), MessageVerdict::kPass);
  EXPECT_EQ(Publish(*bob_, "foyer/p/bob", "", true), MessageVerdict::kPass);
  EXPECT_EQ(Publish(*bob_, "foyer/p/admin", online.dump()), MessageVerdict::kDeny);
  EXPECT_EQ(Publish(*bob_, "foyer/p/bob", Json{{"state", "away"}}.dump()), MessageVerdict::kDeny);
  Json big{{"state", "online"}, {"pad", std::string(300, 'x')}};
  EXPECT_EQ(Publish(*bob_, "foyer/p/bob", big.dump()), MessageVerdict::kDeny);
  EXPECT_EQ(Publish(*bob_, "foyer/u/bob/inbox", "{}"), MessageVerdict::kDeny);
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
