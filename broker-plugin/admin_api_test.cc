// The gateway's side of the plugin: service account, admin tokens, the
// token-checked admin wrapper, user_reset, conv_stats, status, backups.
#include <fstream>
#include <string>

#include "foyer/store.h"
#include "plugin_test_util.h"

namespace foyer {
namespace plugin {
namespace testing {
namespace {

class AdminApiTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    Open();
  }

  std::string ServiceKey() {
    std::ifstream file(server_->service_key_path());
    std::string line;
    std::getline(file, line);
    return line;
  }

  const void* ServiceLogin(const std::string& key, const std::string& client_id = "~gateway") {
    const void* client = NewClient();
    return server_->Authenticate(client, client_id, "~gateway", key.c_str(), "127.0.0.1")
               ? client
               : nullptr;
  }

  std::string MakeToken(const std::string& name = "ops") {
    Json response = Request(Admin(), Json{{"op", "token_create"}, {"name", name}});
    EXPECT_EQ(response["ok"], true) << response.dump();
    return response.value("token", "");
  }

  Json AdminCall(const void* service, const std::string& token, Json call) {
    return Request(service, Json{{"op", "admin"}, {"token", token}, {"call", std::move(call)}});
  }
};

TEST_F(AdminApiTest, ServiceAccountLogsInWithTheKeyFileOnly) {
  std::string key = ServiceKey();
  ASSERT_EQ(key.size(), 64u);
  EXPECT_EQ(std::filesystem::status(server_->service_key_path()).permissions() &
                std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_NE(ServiceLogin(key), nullptr);
  EXPECT_NE(ServiceLogin(key, "~gateway:gw-1"), nullptr);
  EXPECT_EQ(ServiceLogin(key, "~gateway:bad/id"), nullptr);
  std::string wrong = key;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(ServiceLogin(wrong), nullptr);
  // A new start writes a new credential: the old one stops working.
  Reopen();
  EXPECT_EQ(ServiceLogin(key), nullptr);
  EXPECT_NE(ServiceLogin(ServiceKey()), nullptr);
}

TEST_F(AdminApiTest, ServiceAccountMayOnlyRequest) {
  const void* service = ServiceLogin(ServiceKey());
  ASSERT_NE(service, nullptr);
  std::string conv = crypto::RandomIdHex();
  EXPECT_TRUE(server_->CheckAcl(service, protocol::kRequestTopic, kAccessWrite, false));
  EXPECT_TRUE(server_->CheckAcl(service, protocol::kResponseTopic, kAccessRead, false));
  EXPECT_FALSE(server_->CheckAcl(service, "foyer/p/+", kAccessSubscribe, false));
  EXPECT_FALSE(server_->CheckAcl(service, "foyer/p/~gateway", kAccessWrite, false));
  EXPECT_FALSE(server_->CheckAcl(service, "foyer/c/" + conv + "/m", kAccessRead, false));
  Json whoami = Request(service, Json{{"op", "whoami"}});
  EXPECT_EQ(whoami["ok"], true);
  EXPECT_EQ(whoami["user"], "~gateway");
  EXPECT_EQ(whoami["household"].get<std::string>().size(), 32u);
  EXPECT_EQ(Request(service, Json{{"op", "user_list"}})["error"], "denied");
  EXPECT_EQ(Request(service, Json{{"op", "users"}})["error"], "denied");
  // Ordinary admins cannot use the wrapper.
  EXPECT_EQ(Request(Admin(), Json{{"op", "admin"}, {"token", "x"}, {"call", Json::object()}})
                ["error"],
            "denied");
}

TEST_F(AdminApiTest, TokensAreCheckedListedAndRevoked) {
  std::string token = MakeToken("ops");
  ASSERT_EQ(token.rfind("foyer_", 0), 0u);
  EXPECT_EQ(Request(Admin(), Json{{"op", "token_create"}, {"name", "ops"}})["error"], "conflict");
  Json unnamed = Request(Admin(), Json{{"op", "token_create"}});
  EXPECT_EQ(unnamed["name"], "token-1");
  TestUser& bob = AddUser("bob");
  EXPECT_EQ(Request(bob, Json{{"op", "token_create"}})["error"], "denied");

  const void* service = ServiceLogin(ServiceKey());
  Json users = AdminCall(service, token, Json{{"op", "user_list"}});
  ASSERT_EQ(users["ok"], true) << users.dump();
  EXPECT_EQ(users["users"].size(), 2u);
  EXPECT_EQ(AdminCall(service, token + "x", Json{{"op", "user_list"}})["error"], "denied");
  EXPECT_EQ(AdminCall(service, "foyer_" + std::string(43, 'A'), Json{{"op", "user_list"}})
                ["error"],
            "denied");
  // A token cannot make tokens, nor call member ops.
  EXPECT_EQ(AdminCall(service, token, Json{{"op", "token_create"}})["error"], "denied");
  EXPECT_EQ(AdminCall(service, token, Json{{"op", "conv_list"}})["error"], "denied");

  // The store keeps no token, and the list shows no secret.
  Json list = Request(Admin(), Json{{"op", "token_list"}});
  ASSERT_EQ(list["tokens"].size(), 2u);
  EXPECT_EQ(list.dump().find(token.substr(6)), std::string::npos);
  EXPECT_GT(list["tokens"][0]["last_used"].get<uint64_t>(), 0u);  // "ops" sorts first

  // Tokens survive a restart; a revoked one stops working.
  Reopen();
  service = ServiceLogin(ServiceKey());
  EXPECT_EQ(AdminCall(service, token, Json{{"op", "status"}})["ok"], true);
  Admin().client = nullptr;
  ASSERT_TRUE(Login(Admin()));
  EXPECT_EQ(Request(Admin(), Json{{"op", "token_revoke"}, {"name", "ops"}})["ok"], true);
  EXPECT_EQ(Request(Admin(), Json{{"op", "token_revoke"}, {"name", "ops"}})["error"], "not_found");
  EXPECT_EQ(AdminCall(service, token, Json{{"op", "status"}})["error"], "denied");
}

TEST_F(AdminApiTest, ResetIssuesAnInviteAndKeepsConversations) {
  TestUser& admin = Admin();
  TestUser& bob = AddUser("bob");
  std::string conv = CreateConv(admin, {"admin", "bob"});
  Json reset = Request(admin, Json{{"op", "user_reset"}, {"name", "bob"}});
  ASSERT_EQ(reset["ok"], true) << reset.dump();
  EXPECT_EQ(reset["user"], "bob");
  EXPECT_EQ(port_.kicked.back(), "bob");
  EXPECT_FALSE(Login(bob));  // the old password no longer works
  EXPECT_EQ(Request(admin, Json{{"op", "user_reset"}, {"name", "admin"}})["error"], "denied");
  TestUser& again = RegisterWithCode("bob", reset["code"]);
  EXPECT_EQ(again.role, "member");
  Json got = Request(admin, Json{{"op", "conv_get"}, {"conv", conv}});
  EXPECT_EQ(got["members"], Json::array({"admin", "bob"}));
}

TEST_F(AdminApiTest, ConvStatsAndStatusCountWithoutContents) {
  TestUser& admin = Admin();
  AddUser("bob");
  AddUser("lamp", "device");
  std::string conv = CreateConv(admin, {"admin", "bob"});
  now_ += 5000;
  ASSERT_FALSE(Send(admin, conv, Envelope(admin, conv, 1)).empty());
  ASSERT_FALSE(Send(admin, conv, Envelope(admin, conv, 1)).empty());
  Json stats = Request(admin, Json{{"op", "conv_stats"}});
  ASSERT_EQ(stats["conversations"].size(), 1u);
  const Json& entry = stats["conversations"][0];
  EXPECT_EQ(entry["conv"], conv);
  EXPECT_EQ(entry["messages"], 2);
  EXPECT_GT(entry["bytes"].get<uint64_t>(), 200u);
  EXPECT_EQ(entry["last_activity"], now_);
  EXPECT_FALSE(entry.contains("title"));
  Json status = Request(admin, Json{{"op", "status"}});
  EXPECT_EQ(status["users"], 2);
  EXPECT_EQ(status["devices"], 1);
  EXPECT_EQ(status["messages"], 2);
  EXPECT_EQ(status["connected"], 3);
  EXPECT_GT(status["disk_bytes"].get<uint64_t>(), 0u);
  EXPECT_EQ(status["version"], FOYER_VERSION_FOR_TESTS);
}

TEST_F(AdminApiTest, BackupChunksRestoreIntoAnEqualStore) {
  TestUser& admin = Admin();
  AddUser("bob");
  std::string conv = CreateConv(admin, {"admin", "bob"});
  for (int i = 0; i < 40; ++i) ASSERT_FALSE(Send(admin, conv, Envelope(admin, conv, 1)).empty());
  Json begin = Request(admin, Json{{"op", "backup_begin"}});
  ASSERT_EQ(begin["ok"], true) << begin.dump();
  // Written after the snapshot: not in the backup.
  ASSERT_FALSE(Send(admin, conv, Envelope(admin, conv, 1)).empty());

  std::string restored_dir = dir_ + "/restored";
  StoreOptions options;
  options.data_dir = restored_dir;
  options.key_file = dir_ + "/master.key";
  std::unique_ptr<StoreImport> import;
  ASSERT_TRUE(StoreImport::Begin(options, &import).ok());
  Json chunk_request{{"op", "backup_chunk"}, {"snapshot", begin["snapshot"]}};
  for (bool done = false; !done;) {
    Json chunk = Request(admin, chunk_request);
    ASSERT_EQ(chunk["ok"], true) << chunk.dump();
    for (const Json& record : chunk["records"]) {
      std::string key, value;
      ASSERT_TRUE(crypto::FromBase64(record[0].get<std::string>(), &key));
      ASSERT_TRUE(crypto::FromBase64(record[1].get<std::string>(), &value));
      ASSERT_TRUE(import->Add(key, value).ok());
      chunk_request["after"] = record[0];
    }
    done = chunk["done"];
  }
  EXPECT_EQ(import->record_count(), begin["records"].get<uint64_t>());
  ASSERT_TRUE(import->Finish(nullptr).ok());
  EXPECT_EQ(Request(admin, Json{{"op", "backup_end"}, {"snapshot", begin["snapshot"]}})["ok"],
            true);
  EXPECT_EQ(Request(admin, chunk_request)["error"], "not_found");

  server_.reset();
  options_.data_dir = restored_dir;
  options_.key_file = dir_ + "/master.key";
  Open();
  EXPECT_EQ(server_->caches().conversations.at(conv).counters.count, 40u);
  EXPECT_EQ(server_->caches().users.size(), 2u);
}

}  // namespace
}  // namespace testing
}  // namespace plugin
}  // namespace foyer
