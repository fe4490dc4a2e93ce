// history, catchup and persistence across restarts.
#include <string>

#include <gtest/gtest.h>

#include "plugin_test_util.h"

namespace foyer {
namespace plugin {
namespace {

using testing::Json;

class HistoryTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    Open();
    admin_ = &Admin();
    bob_ = &AddUser("bob");
    conv_ = CreateConv(*bob_, {"bob", "admin"});
  }
  std::vector<uint64_t> Seqs(const Json& messages) {
    std::vector<uint64_t> seqs;
    for (const Json& message : messages) seqs.push_back(message["seq"].get<uint64_t>());
    return seqs;
  }
  void SendMany(int count, uint32_t epoch) {
    for (int i = 0; i < count; ++i) ASSERT_NE(Send(*bob_, conv_, Envelope(*bob_, conv_, epoch)), "");
  }
  testing::TestUser* admin_;
  testing::TestUser* bob_;
  std::string conv_;
};

TEST_F(HistoryTest, PagesBySeq) {
  SendMany(7, 1);
  Json newest = Request(*admin_, Json{{"op", "history"}, {"conv", conv_}, {"limit", 3}});
  ASSERT_EQ(newest["ok"], true) << newest.dump();
  EXPECT_EQ(Seqs(newest["messages"]), (std::vector<uint64_t>{5, 6, 7}));
  EXPECT_EQ(newest["more"], true);
  Json before = Request(*admin_, Json{{"op", "history"}, {"conv", conv_}, {"before", 5},
                                      {"limit", 3}});
  EXPECT_EQ(Seqs(before["messages"]), (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(before["more"], true);
  before = Request(*admin_, Json{{"op", "history"}, {"conv", conv_}, {"before", 2}, {"limit", 3}});
  EXPECT_EQ(Seqs(before["messages"]), (std::vector<uint64_t>{1}));
  EXPECT_EQ(before["more"], false);
  Json after = Request(*admin_, Json{{"op", "history"}, {"conv", conv_}, {"after", 4}});
  EXPECT_EQ(Seqs(after["messages"]), (std::vector<uint64_t>{5, 6, 7}));
  EXPECT_EQ(after["more"], false);
  Json all = Request(*admin_, Json{{"op", "history"}, {"conv", conv_}});
  EXPECT_EQ(all["messages"].size(), 7u);
  EXPECT_EQ(all["messages"][0]["from"], "bob");
  EXPECT_TRUE(all["messages"][0].contains("stime"));
  for (Json bad : {Json{{"limit", 0}}, Json{{"limit", 201}}, Json{{"before", -1}},
                   Json{{"before", 3}, {"after", 1}}, Json{{"after", "x"}}}) {
    bad["op"] = "history";
    bad["conv"] = conv_;
    EXPECT_EQ(Request(*admin_, bad)["error"], "invalid") << bad.dump();
  }
}

TEST_F(HistoryTest, OnlyEpochsTheCallerHoldsAKeyFor) {
  SendMany(2, 1);
  testing::TestUser& carol = AddUser("carol");
  // carol joins without history: epoch 2 for everyone.
  Json response = Request(*bob_, Json{{"op", "conv_add"}, {"conv", conv_}, {"user", "carol"},
                                      {"keys", Keys(*bob_, conv_, 2, {"bob", "admin", "carol"})},
                                      {"title", Title(conv_, 2)}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  SendMany(3, 2);
  EXPECT_EQ(Seqs(Request(carol, Json{{"op", "history"}, {"conv", conv_}})["messages"]),
            (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(Seqs(Request(*admin_, Json{{"op", "history"}, {"conv", conv_}})["messages"]),
            (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  Json page = Request(carol, Json{{"op", "history"}, {"conv", conv_}, {"before", 4}});
  EXPECT_EQ(Seqs(page["messages"]), (std::vector<uint64_t>{3}));
  EXPECT_EQ(page["more"], false);
  Json catchup = Request(carol, Json{{"op", "catchup"}, {"since", {{conv_, 0}}}});
  EXPECT_EQ(Seqs(catchup["messages"][conv_]), (std::vector<uint64_t>{3, 4, 5}));
}

TEST_F(HistoryTest, Catchup) {
  SendMany(5, 1);
  std::string other = CreateConv(*admin_, {"admin"});
  std::string foreign = CreateConv(*bob_, {"bob"});
  Json response = Request(*admin_, Json{{"op", "catchup"},
                                        {"since", {{conv_, 2}, {other, 0}, {foreign, 0}}},
                                        {"limit", 2}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(Seqs(response["messages"][conv_]), (std::vector<uint64_t>{3, 4}));
  EXPECT_EQ(response["more"][conv_], true);
  EXPECT_EQ(response["messages"][other].size(), 0u);
  EXPECT_EQ(response["more"][other], false);
  EXPECT_FALSE(response["messages"].contains(foreign));
  EXPECT_EQ(Request(*admin_, Json{{"op", "catchup"}, {"since", {{"nothex", 0}}}})["error"],
            "invalid");
  EXPECT_EQ(Request(*admin_, Json{{"op", "catchup"}})["error"], "invalid");
}

TEST_F(HistoryTest, EverythingSurvivesARestart) {
  SendMany(3, 1);
  std::string cmid = crypto::RandomIdHex();
  std::string first = Send(*bob_, conv_, Envelope(*bob_, conv_, 1, cmid));
  now_ += 60000;
  server_->OnDisconnect(bob_->client);
  Reopen();
  ASSERT_TRUE(Login(*bob_));
  ASSERT_TRUE(Login(*admin_));
  // Seq continues, duplicates are still known, history is there.
  EXPECT_EQ(Send(*bob_, conv_, Envelope(*bob_, conv_, 1, cmid)), first);
  EXPECT_EQ(Json::parse(Send(*bob_, conv_, Envelope(*bob_, conv_, 1)))["seq"], 5);
  Json history = Request(*admin_, Json{{"op", "history"}, {"conv", conv_}});
  EXPECT_EQ(Seqs(history["messages"]), (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  const ConversationRecord& record = server_->caches().conversations.at(conv_);
  EXPECT_EQ(record.counters.count, 5u);
  EXPECT_EQ(record.members, (std::set<std::string>{"admin", "bob"}));
  EXPECT_EQ(server_->caches().users.at("bob").last_seen, now_);
  Json list = Request(*admin_, Json{{"op", "user_list"}});
  EXPECT_EQ(list["users"][1]["last_seen"], now_);
}

TEST_F(HistoryTest, PagesHoldTheEnvelopesExactlyAsDelivered) {
  // Messages are stored in binary (docs/storage.md) and written back out as
  // JSON: a page must hold the very bytes that were delivered.
  std::vector<std::string> delivered;
  for (int i = 0; i < 4; ++i) {
    delivered.push_back(Send(*bob_, conv_, Envelope(*bob_, conv_, 1)));
    ASSERT_NE(delivered.back(), "");
  }
  std::string expected = "[" + delivered[1] + "," + delivered[2] + "," + delivered[3] + "]";
  server_->OnControl(admin_->client,
                     R"({"id":"h\"1","op":"history","conv":")" + conv_ + R"(","limit":3})");
  ASSERT_FALSE(port_.sent.empty());
  EXPECT_EQ(port_.sent.back().payload,
            R"({"id":"h\"1","messages":)" + expected + R"(,"more":true,"ok":true})");
  // catchup: the same text, by conversation.
  server_->OnControl(admin_->client, R"({"id":"c","op":"catchup","since":{")" + conv_ +
                                         R"(":1,"ffffffffffffffffffffffffffffffff":0}})");
  EXPECT_EQ(port_.sent.back().payload, R"({"id":"c","messages":{")" + conv_ + R"(":)" +
                                           expected + R"(},"more":{")" + conv_ +
                                           R"(":false},"ok":true})");
  // A retry of a stored message delivers the same bytes again.
  protocol::Envelope envelope;
  ASSERT_TRUE(protocol::ParseEnvelope(delivered[0], &envelope).ok());
  envelope.seq = 0;
  envelope.stime = 0;
  now_ += 1000;
  EXPECT_EQ(Send(*bob_, conv_, protocol::SerializeEnvelope(envelope)), delivered[0]);
}

TEST_F(HistoryTest, MessagesOfTheOlderJsonStoreFormatAreStillRead) {
  // Stores written before the binary form hold the stamped JSON text (a
  // restored backup may): history, retries and conv_stats still read them.
  std::string legacy_cmid = crypto::RandomIdHex();
  protocol::Envelope legacy;
  ASSERT_TRUE(protocol::ParseEnvelope(Envelope(*bob_, conv_, 1, legacy_cmid), &legacy).ok());
  legacy.seq = 1;
  legacy.stime = now_ - 5000;
  const std::string legacy_text = protocol::SerializeEnvelope(legacy);
  server_.reset();
  {
    StoreOptions options;
    options.data_dir = dir_;
    options.must_exist = true;
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::Open(options, &store).ok());
    std::string conv_raw, cmid_raw;
    crypto::FromHex(conv_, &conv_raw);
    crypto::FromHex(legacy_cmid, &cmid_raw);
    Counters counters;
    counters.next_seq = 2;
    counters.count = 1;
    counters.bytes = legacy_text.size();
    WriteBatch batch;
    batch.Put(MessageKey(conv_raw, 1), legacy_text);
    batch.Put(DedupeKey(*store, conv_raw, "bob", cmid_raw), EncodeU64(1));
    batch.Put(CountersKey(conv_raw), EncodeCounters(counters));
    ASSERT_TRUE(store->Write(batch).ok());
  }
  Reopen();
  ASSERT_TRUE(Login(*bob_));
  ASSERT_TRUE(Login(*admin_));
  Json stats = Request(*admin_, Json{{"op", "conv_stats"}});
  ASSERT_EQ(stats["ok"], true) << stats.dump();
  EXPECT_EQ(stats["conversations"][0]["last_activity"], now_ - 5000);
  std::string second = Send(*bob_, conv_, Envelope(*bob_, conv_, 1));
  ASSERT_NE(second, "");
  EXPECT_EQ(Json::parse(second)["seq"], 2);
  EXPECT_EQ(Send(*bob_, conv_, Envelope(*bob_, conv_, 1, legacy_cmid)), legacy_text);
  server_->OnControl(admin_->client,
                     R"({"id":"h","op":"history","conv":")" + conv_ + R"("})");
  EXPECT_EQ(port_.sent.back().payload, R"({"id":"h","messages":[)" + legacy_text + "," +
                                           second + R"(],"more":false,"ok":true})");
  stats = Request(*admin_, Json{{"op", "conv_stats"}});
  EXPECT_EQ(stats["conversations"][0]["last_activity"], now_);
}

TEST_F(HistoryTest, NoNameOrContentInTheDataDirectory) {
  SendMany(3, 1);
  server_.reset();
  std::string everything;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream file(entry.path(), std::ios::binary);
    everything.append(std::istreambuf_iterator<char>(file), {});
  }
  EXPECT_FALSE(everything.empty());
  for (const char* needle : {"\"bob\"", "\"admin\"", "foyer/c", conv_.c_str(), "\"seq\""}) {
    EXPECT_EQ(everything.find(needle), std::string::npos) << needle;
  }
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
