// The REST commands against a stand-in gateway (cpp-httplib on loopback),
// and backup/restore of a real store.
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "command_line.h"
#include "files.h"
#include "foyer/backup_file.h"
#include "foyer/crypto.h"
#include "foyer/store.h"
#include "test_dir.h"

namespace foyer {
namespace admin {
namespace {

constexpr char kToken[] = "test-admin-token";

class RestCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    dir_ = MakeTestDir("rest");
    server_.Get("/api/v1/users", [this](const httplib::Request& request,
                                        httplib::Response& response) {
      if (!Authorized(request, response)) return;
      response.set_content(
          R"({"users":[{"name":"admin","role":"admin","created":1767225600000,"last_seen":1767225600000,"online":true,"disabled":false,"registered":true},
                       {"name":"bob","role":"member","created":1767225600000,"last_seen":0,"online":false,"disabled":false,"registered":false}]})",
          "application/json");
    });
    server_.Post("/api/v1/users", [this](const httplib::Request& request,
                                         httplib::Response& response) {
      if (!Authorized(request, response)) return;
      last_body_ = request.body;
      response.status = 201;
      response.set_content(
          R"({"user":"carol","role":"device","code":"CODE44","link":"https://h:8443/#invite=CODE44","expires":1767225600000})",
          "application/json");
    });
    server_.Post(R"(/api/v1/users/([^/]+)/disable)",
                 [this](const httplib::Request& request, httplib::Response& response) {
                   if (!Authorized(request, response)) return;
                   if (request.matches[1] != "bob") {
                     response.status = 404;
                     response.set_content(R"({"error":"not_found","message":"no user zed"})",
                                          "application/json");
                     return;
                   }
                   response.set_content(R"({"user":"bob","disabled":true})", "application/json");
                 });
    server_.Get("/api/v1/backup",
                [this](const httplib::Request& request, httplib::Response& response) {
                  if (!Authorized(request, response)) return;
                  response.set_content(backup_bytes_, "application/octet-stream");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // cpp-httplib 0.11 has no wait_until_ready: wait for is_running().
    for (int i = 0; i < 500 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(server_.is_running());
  }

  void TearDown() override {
    server_.stop();
    thread_.join();
    std::filesystem::remove_all(dir_);
  }

  bool Authorized(const httplib::Request& request, httplib::Response& response) {
    if (request.get_header_value("Authorization") == std::string("Bearer ") + kToken) return true;
    ++failures_;
    if (failures_ > 2) {
      response.status = 429;
      response.set_header("Retry-After", "4");
    } else {
      response.status = 401;
    }
    response.set_content(R"({"error":"denied","message":"wrong token"})", "application/json");
    return false;
  }

  struct Result {
    int code;
    std::string out;
    std::string err;
  };
  Result Admin(std::vector<std::string> args, const std::string& token = kToken) {
    std::vector<std::string> full = {
        "--url", "http://127.0.0.1:" + std::to_string(port_), "--token", token, "--timeout", "5"};
    full.insert(full.end(), args.begin(), args.end());
    std::istringstream in;
    std::ostringstream out, err;
    int code = admin::Run(full, in, out, err, [](const char*) -> const char* { return nullptr; });
    return {code, out.str(), err.str()};
  }

  std::string dir_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int failures_ = 0;
  std::string last_body_;
  std::string backup_bytes_;
};

TEST_F(RestCommandsTest, UserListTableAndJson) {
  Result table = Admin({"user", "list"});
  ASSERT_EQ(table.code, kExitOk) << table.err;
  EXPECT_EQ(table.out.substr(0, table.out.find('\n')),
            "NAME   ROLE    STATE    ONLINE  CREATED           LAST SEEN");
  EXPECT_NE(table.out.find("admin  admin   active   yes"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("bob    member  invited  no"), std::string::npos) << table.out;
  Result json = Admin({"user", "list", "--json"});
  ASSERT_EQ(json.code, kExitOk);
  nlohmann::json parsed = nlohmann::json::parse(json.out);
  EXPECT_EQ(parsed["users"].size(), 2u);
  EXPECT_EQ(parsed["users"][1]["name"], "bob");
}

TEST_F(RestCommandsTest, InviteSendsRoleAndTtl) {
  Result result = Admin({"user", "invite", "carol", "--role", "device", "--ttl", "3600"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  nlohmann::json body = nlohmann::json::parse(last_body_);
  EXPECT_EQ(body, (nlohmann::json{{"name", "carol"}, {"role", "device"}, {"ttl", 3600}}));
  EXPECT_NE(result.out.find("code     CODE44"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("https://h:8443/#invite=CODE44"), std::string::npos);
}

TEST_F(RestCommandsTest, ErrorsAreClearWithExitCode1) {
  Result missing = Admin({"user", "disable", "zed"});
  EXPECT_EQ(missing.code, kExitError);
  EXPECT_NE(missing.err.find("no user zed (HTTP 404)"), std::string::npos) << missing.err;
  Result ok = Admin({"user", "disable", "bob"});
  EXPECT_EQ(ok.code, kExitOk);
  EXPECT_NE(ok.out.find("bob is disabled"), std::string::npos);

  Result wrong = Admin({"user", "list"}, "wrong");
  EXPECT_EQ(wrong.code, kExitError);
  EXPECT_NE(wrong.err.find("missing or wrong (HTTP 401)"), std::string::npos) << wrong.err;
  Admin({"user", "list"}, "wrong");
  Result locked = Admin({"user", "list"}, "wrong");
  EXPECT_EQ(locked.code, kExitError);
  EXPECT_NE(locked.err.find("locked out"), std::string::npos) << locked.err;
  EXPECT_NE(locked.err.find("try again in 4 s"), std::string::npos) << locked.err;
}

// A real store, its backup stream as the gateway serves it, and a restore
// into a fresh data directory with the original key file.
TEST_F(RestCommandsTest, BackupThenRestoreKeepsEveryRecord) {
  StoreOptions options;
  options.data_dir = dir_ + "/original";
  options.sync_period_ms = 0;
  std::string household;
  {
    std::unique_ptr<Store> store;
    ASSERT_TRUE(Store::Open(options, &store).ok());
    household = store->household_id();
    for (int i = 0; i < 300; ++i) {
      ASSERT_TRUE(store->Put("k" + std::to_string(i), std::string(500, 'a' + i % 26)).ok());
    }
    std::unique_ptr<StoreSnapshot> snapshot;
    ASSERT_TRUE(store->ExportSnapshot(&snapshot).ok());
    backup::Header header;
    header.household_hex = crypto::ToHex(household);
    header.records = snapshot->record_count();
    header.version = "test";
    backup_bytes_ = backup::EncodeStart(header);
    std::string after;
    bool done = false;
    uint64_t count = 0;
    while (!done) {
      std::vector<RawRecord> records;
      ASSERT_TRUE(snapshot->Read(after, 16384, &records, &done).ok());
      for (const RawRecord& record : records) {
        backup_bytes_ += backup::EncodeRecord(record.key, record.value);
        after = record.key;
        ++count;
      }
    }
    backup_bytes_ += backup::EncodeEnd(count);
  }
  std::string file = dir_ + "/household.foyerbk";
  Result fetched = Admin({"backup", file});
  ASSERT_EQ(fetched.code, kExitOk) << fetched.err;
  EXPECT_NE(fetched.err.find("backup: "), std::string::npos);  // progress
  std::string saved;
  ASSERT_TRUE(ReadWholeFile(file, &saved).ok());
  EXPECT_EQ(saved, backup_bytes_);
  struct stat info;
  ASSERT_EQ(stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(Admin({"backup", file}).code, kExitUsage);  // exists, no --force

  std::string fresh = dir_ + "/fresh";
  Result no_key = Admin({"restore", file, "--data-dir", fresh});
  EXPECT_EQ(no_key.code, kExitError);
  EXPECT_NE(no_key.err.find("master key"), std::string::npos);
  Result restored =
      Admin({"restore", file, "--data-dir", fresh, "--key-file", options.data_dir + "/master.key"});
  ASSERT_EQ(restored.code, kExitOk) << restored.err;
  EXPECT_NE(restored.out.find(crypto::ToHex(household)), std::string::npos);

  StoreOptions reopened;
  reopened.data_dir = fresh;
  reopened.key_file = options.data_dir + "/master.key";
  reopened.must_exist = true;
  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::Open(reopened, &store).ok());
  EXPECT_EQ(store->household_id(), household);
  std::string value;
  ASSERT_TRUE(store->Get("k299", &value).ok());
  EXPECT_EQ(value, std::string(500, 'a' + 299 % 26));
  store.reset();

  // A second restore needs --force, and keeps the old database aside.
  Result again =
      Admin({"restore", file, "--data-dir", fresh, "--key-file", options.data_dir + "/master.key"});
  EXPECT_EQ(again.code, kExitError);
  Result forced = Admin({"restore", file, "--data-dir", fresh, "--key-file",
                         options.data_dir + "/master.key", "--force"});
  ASSERT_EQ(forced.code, kExitOk) << forced.err;
  EXPECT_NE(forced.out.find("db.before-restore-"), std::string::npos);

  // Another household's key does not open it, and nothing is installed.
  StoreOptions other;
  other.data_dir = dir_ + "/other";
  {
    std::unique_ptr<Store> other_store;
    ASSERT_TRUE(Store::Open(other, &other_store).ok());
  }
  Result wrong_key = Admin({"restore", file, "--data-dir", dir_ + "/third", "--key-file",
                            other.data_dir + "/master.key"});
  EXPECT_EQ(wrong_key.code, kExitError);
  EXPECT_FALSE(PathExists(dir_ + "/third/db/CURRENT"));
}

TEST_F(RestCommandsTest, TruncatedBackupIsRefused) {
  backup::Header header;
  header.household_hex = std::string(32, 'a');
  header.records = 2;
  backup_bytes_ = backup::EncodeStart(header) + backup::EncodeRecord("k", "v");
  std::string file = dir_ + "/broken";
  Result result = Admin({"backup", file});
  EXPECT_EQ(result.code, kExitError);
  EXPECT_FALSE(PathExists(file));
  EXPECT_FALSE(PathExists(file + ".part"));
}

}  // namespace
}  // namespace admin
}  // namespace foyer
