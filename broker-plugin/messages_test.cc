// Envelopes, signals and presence (docs/protocol.md §5-§6).
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "foyer/store.h"

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

// The "n" record as it lies in the store (the server's caches aside).
Counters StoredCounters(const Store& store, const std::string& conv) {
  std::string raw, value;
  crypto::FromHex(conv, &raw);
  Counters counters;
  Status status = store.Get(CountersKey(raw), &value);
  if (status.ok()) status = DecodeCounters(value, &counters);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return counters;
}

TEST_F(MessagesTest, CountersAreWrittenEveryFewSecondsAndAtShutdown) {
  EXPECT_EQ(StoredCounters(server_->store(), conv_).next_seq, 1u);
  uint64_t bytes = 0;
  for (int i = 0; i < 3; ++i) bytes += Send(*bob_, conv_, Envelope(*bob_, conv_, 1)).size();
  // Not with each message...
  EXPECT_EQ(StoredCounters(server_->store(), conv_).next_seq, 1u);
  // ...but once kCountersSavePeriodMs has passed.
  now_ += kCountersSavePeriodMs;
  bytes += Send(*bob_, conv_, Envelope(*bob_, conv_, 1)).size();
  Counters stored = StoredCounters(server_->store(), conv_);
  EXPECT_EQ(stored.next_seq, 5u);
  EXPECT_EQ(stored.count, 4u);
  EXPECT_EQ(stored.bytes, bytes);
  bytes += Send(*admin_, conv_, Envelope(*admin_, conv_, 1)).size();
  EXPECT_EQ(StoredCounters(server_->store(), conv_).next_seq, 5u);
  Reopen();  // a clean shutdown writes them
  stored = StoredCounters(server_->store(), conv_);
  EXPECT_EQ(stored.next_seq, 6u);
  EXPECT_EQ(stored.count, 5u);
  EXPECT_EQ(stored.bytes, bytes);
}

TEST_F(MessagesTest, CountersAfterACrashEqualTheTrueOnes) {
  // Truth: what writing the counters with every message would have left.
  std::string other = CreateConv(*admin_, {"admin", "bob"});
  Counters truth, other_truth;
  auto count = [](Counters* counters, const std::string& delivered) {
    ASSERT_FALSE(delivered.empty());
    EXPECT_EQ(Json::parse(delivered)["seq"], counters->next_seq);
    counters->next_seq++;
    counters->count++;
    counters->bytes += delivered.size();
  };
  for (int i = 0; i < 4; ++i) {
    count(&truth, Send(*bob_, conv_, Envelope(*bob_, conv_, 1)));
    now_ += 700;  // the counters are written once in between
  }
  count(&other_truth, Send(*admin_, other, Envelope(*admin_, other, 1)));
  Reopen();

  // A broker process that is killed: messages after the last write of the
  // counters, then _exit without any cleanup (as after SIGKILL).
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  server_.reset();
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    Status status = Server::Open(options_, &port_, [this] { return now_; }, &server_);
    if (!status.ok() || !Login(*bob_) || !Login(*admin_)) ::_exit(2);
    Json sent = Json::array();
    for (int i = 0; i < 6; ++i) {
      testing::TestUser& sender = i % 2 ? *admin_ : *bob_;
      const std::string& conv = i == 5 ? other : conv_;
      std::string payload = Envelope(sender, conv, 1);
      std::string delivered = Send(sender, conv, payload);
      if (delivered.empty()) ::_exit(3);
      sent.push_back(Json{{"conv", conv}, {"from", sender.name}, {"payload", payload},
                          {"delivered", delivered}});
    }
    std::string text = sent.dump();
    if (::write(fds[1], text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
      ::_exit(4);
    }
    ::_exit(0);  // no destructor: the counters are not written
  }
  ::close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof(buffer))) > 0;) text.append(buffer, n);
  ::close(fds[0]);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << wstatus;
  Json sent = Json::parse(text);
  for (const Json& message : sent) {
    count(message["conv"] == conv_ ? &truth : &other_truth, message["delivered"]);
  }

  // The "n" records on disk lag behind the messages...
  {
    StoreOptions store_options;
    store_options.data_dir = dir_;
    store_options.must_exist = true;
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::Open(store_options, &store).ok());
    EXPECT_EQ(StoredCounters(*store, conv_).next_seq, 5u);
    EXPECT_EQ(StoredCounters(*store, other).next_seq, 2u);
  }
  // ...and the start recounts them exactly, and writes them.
  for (auto& [name, user] : users_) user->client = nullptr;
  Open();
  for (const auto& [conv, expected] : {std::pair{conv_, truth}, std::pair{other, other_truth}}) {
    const Counters& counters = server_->caches().conversations.at(conv).counters;
    EXPECT_EQ(counters.next_seq, expected.next_seq) << conv;
    EXPECT_EQ(counters.count, expected.count) << conv;
    EXPECT_EQ(counters.bytes, expected.bytes) << conv;
    Counters stored = StoredCounters(server_->store(), conv);
    EXPECT_EQ(stored.next_seq, expected.next_seq);
    EXPECT_EQ(stored.bytes, expected.bytes);
  }
  EXPECT_EQ(truth.next_seq, 10u);
  // A retry of a message the killed broker stored is answered with its copy;
  // a new message takes the next seq.
  ASSERT_TRUE(Login(*bob_));
  EXPECT_EQ(Send(*bob_, conv_, sent[4]["payload"]), sent[4]["delivered"]);
  EXPECT_EQ(Json::parse(Send(*bob_, conv_, Envelope(*bob_, conv_, 1)))["seq"], 10);
}

TEST_F(MessagesTest, DuplicateIsDeliveredAgainAfterARestart) {
  std::string payload = Envelope(*bob_, conv_, 1);
  std::string first = Send(*bob_, conv_, payload);
  ASSERT_FALSE(first.empty());
  Reopen();
  ASSERT_TRUE(Login(*bob_));
  now_ += 60000;
  EXPECT_EQ(Send(*bob_, conv_, payload), first);
  const Counters& counters = server_->caches().conversations.at(conv_).counters;
  EXPECT_EQ(counters.next_seq, 2u);
  EXPECT_EQ(counters.count, 1u);
  EXPECT_EQ(counters.bytes, first.size());
  EXPECT_EQ(Json::parse(Send(*bob_, conv_, Envelope(*bob_, conv_, 1)))["seq"], 2);
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
