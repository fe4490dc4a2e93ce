// Conversation requests and key envelopes (docs/protocol.md §4, §7).
#include <string>

#include <gtest/gtest.h>

#include "plugin_test_util.h"

namespace foyer {
namespace plugin {
namespace {

using testing::Json;

class ConversationsTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    Open();
    admin_ = &Admin();
    bob_ = &AddUser("bob");
    carol_ = &AddUser("carol");
  }
  Json Create(testing::TestUser& creator, const std::string& conv,
              const std::vector<std::string>& members, Json keys) {
    return Request(creator, Json{{"op", "conv_create"}, {"conv", conv}, {"members", members},
                                 {"title", Title(conv, 1)}, {"keys", std::move(keys)}});
  }
  testing::TestUser* admin_;
  testing::TestUser* bob_;
  testing::TestUser* carol_;
};

TEST_F(ConversationsTest, CreateListGetAndInbox) {
  std::string conv = crypto::RandomIdHex();
  Json response = Create(*bob_, conv, {"bob", "carol"}, Keys(*bob_, conv, 1, {"bob", "carol"}));
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["conv"], conv);
  EXPECT_EQ(response["epoch"], 1);
  Json list = Request(*carol_, Json{{"op", "conv_list"}});
  ASSERT_EQ(list["convs"].size(), 1u);
  Json entry = list["convs"][0];
  EXPECT_EQ(entry["conv"], conv);
  EXPECT_EQ(entry["members"], Json({"bob", "carol"}));
  EXPECT_EQ(entry["epoch"], 1);
  EXPECT_EQ(entry["last_seq"], 0);
  EXPECT_EQ(entry["rotate"], false);
  EXPECT_EQ(entry["title"]["epoch"], 1);
  EXPECT_EQ(Request(*carol_, Json{{"op", "conv_get"}, {"conv", conv}})["conv"], conv);
  EXPECT_EQ(Request(*admin_, Json{{"op", "conv_list"}})["convs"].size(), 0u);
  EXPECT_EQ(Request(*admin_, Json{{"op", "conv_get"}, {"conv", conv}})["error"], "denied");
  EXPECT_EQ(Request(*admin_, Json{{"op", "conv_get"}, {"conv", crypto::RandomIdHex()}})["error"],
            "not_found");
  EXPECT_EQ(port_.Inbox("carol").back(), Json({{"event", "conv_added"}, {"conv", conv}}));
  // The key envelope addressed to carol opens with her key.
  Json keys = Request(*carol_, Json{{"op", "epoch_keys"}, {"conv", conv}});
  ASSERT_EQ(keys["keys"].size(), 1u);
  protocol::KeyEnvelope key;
  ASSERT_TRUE(protocol::KeyEnvelopeFromJson(keys["keys"][0], conv, &key).ok());
  crypto::Secret opened;
  ASSERT_TRUE(protocol::OpenKeyEnvelope(key, bob_->sign.public_key, carol_->box, &opened).ok());
  EXPECT_EQ(opened.view(), EpochKey(conv, 1).view());
}

TEST_F(ConversationsTest, CreateRefusals) {
  std::string conv = crypto::RandomIdHex();
  Json keys = Keys(*bob_, conv, 1, {"bob", "carol"});
  EXPECT_EQ(Create(*bob_, "xyz", {"bob"}, Keys(*bob_, conv, 1, {"bob"}))["error"], "invalid");
  EXPECT_EQ(Create(*bob_, conv, {"carol"}, Keys(*bob_, conv, 1, {"carol"}))["error"], "invalid");
  EXPECT_EQ(Create(*bob_, conv, {"bob", "ghost"}, keys)["error"], "not_found");
  EXPECT_EQ(Create(*bob_, conv, {"bob", "bob"}, keys)["error"], "invalid");
  // A key missing, a key for a non-member, keys signed by someone else.
  EXPECT_EQ(Create(*bob_, conv, {"bob", "carol"}, Keys(*bob_, conv, 1, {"bob"}))["error"],
            "invalid");
  EXPECT_EQ(Create(*bob_, conv, {"bob"}, keys)["error"], "invalid");
  EXPECT_EQ(Create(*bob_, conv, {"bob", "carol"}, Keys(*carol_, conv, 1, {"bob", "carol"}))["error"],
            "invalid");
  // A forged signature (right from, wrong signer).
  Json forged = keys;
  forged[1]["sig"] = Keys(*carol_, conv, 1, {"carol"})[0]["sig"];
  EXPECT_EQ(Create(*bob_, conv, {"bob", "carol"}, forged)["error"], "invalid");
  // Keys for epoch 2, a title for epoch 2.
  EXPECT_EQ(Create(*bob_, conv, {"bob", "carol"}, Keys(*bob_, conv, 2, {"bob", "carol"}))["error"],
            "conflict");
  Json request{{"op", "conv_create"}, {"conv", conv}, {"members", {"bob", "carol"}},
               {"title", Title(conv, 2)}, {"keys", keys}};
  EXPECT_EQ(Request(*bob_, request)["error"], "conflict");
  EXPECT_EQ(server_->caches().conversations.count(conv), 0u);
  ASSERT_EQ(Create(*bob_, conv, {"bob", "carol"}, keys)["ok"], true);
  EXPECT_EQ(Create(*bob_, conv, {"bob", "carol"}, keys)["error"], "conflict");
}

TEST_F(ConversationsTest, AddWithHistoryKeepsTheEpoch) {
  std::string conv = CreateConv(*bob_, {"bob", "carol"});
  Json response = Request(*bob_, Json{{"op", "conv_add"}, {"conv", conv}, {"user", "admin"},
                                      {"keys", Keys(*bob_, conv, 1, {"admin"})}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["epoch"], 1);
  EXPECT_EQ(server_->caches().conversations.at(conv).members.count("admin"), 1u);
  EXPECT_EQ(port_.Inbox("admin").back()["event"], "conv_added");
  EXPECT_EQ(port_.Inbox("carol").back()["event"], "conv_updated");
  EXPECT_EQ(Request(*bob_, Json{{"op", "conv_add"}, {"conv", conv}, {"user", "admin"},
                                {"keys", Keys(*bob_, conv, 1, {"admin"})}})["error"],
            "conflict");
}

TEST_F(ConversationsTest, AddWithoutHistoryStartsAnEpoch) {
  std::string conv = CreateConv(*bob_, {"bob", "carol"});
  // Keys for epoch 2 must cover everyone, the new member included.
  EXPECT_EQ(Request(*bob_, Json{{"op", "conv_add"}, {"conv", conv}, {"user", "admin"},
                                {"keys", Keys(*bob_, conv, 2, {"bob", "admin"})},
                                {"title", Title(conv, 2)}})["error"],
            "invalid");
  Json response = Request(*bob_, Json{{"op", "conv_add"}, {"conv", conv}, {"user", "admin"},
                                      {"keys", Keys(*bob_, conv, 2, {"bob", "carol", "admin"})},
                                      {"title", Title(conv, 2)}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["epoch"], 2);
  EXPECT_EQ(port_.Inbox("carol").back(), Json({{"event", "epoch"}, {"conv", conv}, {"epoch", 2}}));
  // The new member holds epoch 2 only.
  EXPECT_EQ(Request(*admin_, Json{{"op", "epoch_keys"}, {"conv", conv}})["keys"].size(), 1u);
}

TEST_F(ConversationsTest, AddRefusals) {
  std::string conv = CreateConv(*bob_, {"bob", "carol"});
  auto add = [&](testing::TestUser& by, const std::string& user, Json keys) {
    return Request(by, Json{{"op", "conv_add"}, {"conv", conv}, {"user", user},
                            {"keys", std::move(keys)}});
  };
  EXPECT_EQ(add(*admin_, "admin", Keys(*admin_, conv, 1, {"admin"}))["error"], "denied");
  EXPECT_EQ(add(*bob_, "ghost", Keys(*bob_, conv, 1, {"carol"}))["error"], "not_found");
  // History keys must be for the new member and cover the current epoch.
  EXPECT_EQ(add(*bob_, "admin", Keys(*bob_, conv, 1, {"carol"}))["error"], "invalid");
  EXPECT_EQ(add(*bob_, "admin", Keys(*bob_, conv, 3, {"admin"}))["error"], "conflict");
}

TEST_F(ConversationsTest, RemovalStartsAnEpochAndReadStopsAtOnce) {
  std::string conv = CreateConv(*bob_, {"bob", "carol", "admin"});
  std::string topic = "foyer/c/" + conv + "/m";
  ASSERT_TRUE(server_->CheckAcl(carol_->client, topic, kAccessRead, false));
  // Keys must be for epoch 2 and for the remaining members only.
  EXPECT_EQ(Request(*bob_, Json{{"op", "conv_remove"}, {"conv", conv}, {"user", "carol"},
                                {"keys", Keys(*bob_, conv, 2, {"bob", "admin", "carol"})},
                                {"title", Title(conv, 2)}})["error"],
            "invalid");
  EXPECT_EQ(Request(*bob_, Json{{"op", "conv_remove"}, {"conv", conv}, {"user", "bob"},
                                {"keys", Keys(*bob_, conv, 2, {"admin", "carol"})},
                                {"title", Title(conv, 2)}})["error"],
            "invalid");
  Json response = Request(*bob_, Json{{"op", "conv_remove"}, {"conv", conv}, {"user", "carol"},
                                      {"keys", Keys(*bob_, conv, 2, {"bob", "admin"})},
                                      {"title", Title(conv, 2)}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["epoch"], 2);
  EXPECT_FALSE(server_->CheckAcl(carol_->client, topic, kAccessRead, false));
  EXPECT_FALSE(server_->CheckAcl(carol_->client, "foyer/c/" + conv + "/send", kAccessWrite, false));
  EXPECT_EQ(port_.Inbox("carol").back(), Json({{"event", "conv_removed"}, {"conv", conv}}));
  EXPECT_EQ(port_.Inbox("admin").back(), Json({{"event", "epoch"}, {"conv", conv}, {"epoch", 2}}));
  EXPECT_EQ(Request(*carol_, Json{{"op", "history"}, {"conv", conv}})["error"], "denied");
  // Old epoch refused, new one accepted.
  EXPECT_EQ(Send(*bob_, conv, Envelope(*bob_, conv, 1)), "");
  EXPECT_NE(Send(*bob_, conv, Envelope(*bob_, conv, 2)), "");
}

TEST_F(ConversationsTest, LeaveWaitsForRotation) {
  std::string conv = CreateConv(*bob_, {"bob", "carol", "admin"});
  ASSERT_EQ(Request(*carol_, Json{{"op", "conv_leave"}, {"conv", conv}})["ok"], true);
  EXPECT_TRUE(server_->caches().conversations.at(conv).rotate);
  EXPECT_EQ(port_.Inbox("bob").back(), Json({{"event", "rotate_needed"}, {"conv", conv}}));
  EXPECT_EQ(port_.Inbox("carol").back(), Json({{"event", "conv_removed"}, {"conv", conv}}));
  EXPECT_EQ(Request(*bob_, Json{{"op", "conv_get"}, {"conv", conv}})["rotate"], true);
  EXPECT_EQ(Request(*bob_, Json{{"op", "conv_add"}, {"conv", conv}, {"user", "carol"},
                                {"keys", Keys(*bob_, conv, 1, {"carol"})}})["error"],
            "rotate_needed");
  // The rotation must cover every remaining member, for the next epoch.
  EXPECT_EQ(Request(*admin_, Json{{"op", "conv_rotate"}, {"conv", conv},
                                  {"keys", Keys(*admin_, conv, 3, {"bob", "admin"})},
                                  {"title", Title(conv, 3)}})["error"],
            "conflict");
  Json response = Request(*admin_, Json{{"op", "conv_rotate"}, {"conv", conv},
                                        {"keys", Keys(*admin_, conv, 2, {"bob", "admin"})},
                                        {"title", Title(conv, 2)}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_EQ(response["epoch"], 2);
  EXPECT_FALSE(server_->caches().conversations.at(conv).rotate);
  EXPECT_EQ(Request(*carol_, Json{{"op", "conv_rotate"}, {"conv", conv},
                                  {"keys", Keys(*carol_, conv, 3, {"bob", "admin"})},
                                  {"title", Title(conv, 3)}})["error"],
            "denied");
}

TEST_F(ConversationsTest, Title) {
  std::string conv = CreateConv(*bob_, {"bob", "carol"});
  Json title = Title(conv, 1);
  ASSERT_EQ(Request(*carol_, Json{{"op", "conv_title"}, {"conv", conv}, {"title", title}})["ok"],
            true);
  EXPECT_EQ(Request(*bob_, Json{{"op", "conv_get"}, {"conv", conv}})["title"], title);
  EXPECT_EQ(port_.Inbox("bob").back(), Json({{"event", "conv_updated"}, {"conv", conv}}));
  EXPECT_EQ(Request(*carol_, Json{{"op", "conv_title"}, {"conv", conv},
                                  {"title", Title(conv, 2)}})["error"],
            "conflict");
  EXPECT_EQ(Request(*carol_, Json{{"op", "conv_title"}, {"conv", conv}, {"title", "x"}})["error"],
            "invalid");
  EXPECT_EQ(Request(*admin_, Json{{"op", "conv_title"}, {"conv", conv}, {"title", title}})["error"],
            "denied");
}

TEST_F(ConversationsTest, MembersLimit) {
  std::string conv = crypto::RandomIdHex();
  std::vector<std::string> many(51, "bob");
  for (size_t i = 0; i < many.size(); ++i) many[i] = "u" + std::to_string(i);
  EXPECT_EQ(Create(*bob_, conv, many, Keys(*bob_, conv, 1, {"bob"}))["error"], "invalid");
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
