// token create / list / revoke with a stand-in for the MQTT login (the real
// login against a live broker is in tls_e2e_test.cc).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "commands.h"
#include "files.h"
#include "test_dir.h"

namespace foyer {
namespace admin {
namespace {

constexpr char kSecret[] = "foyer_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

class TokenCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTestDir("token"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  struct Result {
    int code;
    std::string out;
    std::string err;
  };
  // Runs foyer-admin with `args`; the MQTT side answers `answer_` (or
  // `error_`) and records what it was asked.
  Result Admin(const std::vector<std::string>& args) {
    std::istringstream in;
    std::ostringstream out, err;
    Context context;
    context.in = &in;
    context.out = &out;
    context.err = &err;
    context.env = [this](const char* name) -> const char* {
      auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    };
    context.mqtt_request = [this](const cli::SessionOptions& session,
                                  const nlohmann::json& request, nlohmann::json* response) {
      sessions_.push_back(session);
      requests_.push_back(request);
      if (!error_.ok()) return error_;
      *response = answer_;
      return Status::OK();
    };
    int code = RunCommand(args, context);
    return {code, out.str(), err.str()};
  }

  std::string dir_;
  std::map<std::string, std::string> env_;
  nlohmann::json answer_;
  Status error_;
  std::vector<cli::SessionOptions> sessions_;
  std::vector<nlohmann::json> requests_;
};

TEST_F(TokenCommandsTest, CreatePrintsTheTokenOnceOnStdout) {
  answer_ = {{"ok", true}, {"token", kSecret}, {"name", "laptop"}, {"created", 1767225600000}};
  Result result = Admin({"token", "create", "--name", "laptop"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out, std::string(kSecret) + "\n");
  // The advice goes to stderr, without the secret.
  EXPECT_NE(result.err.find("shown only this once"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("token revoke laptop"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find(kSecret), std::string::npos);
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0], (nlohmann::json{{"op", "token_create"}, {"name", "laptop"}}));

  // Without --name the server picks one.
  answer_["name"] = "token-1";
  result = Admin({"token", "create"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(requests_.back(), (nlohmann::json{{"op", "token_create"}}));
  EXPECT_NE(result.err.find("token-1"), std::string::npos);

  result = Admin({"--json", "token", "create"});
  ASSERT_EQ(result.code, kExitOk);
  EXPECT_EQ(nlohmann::json::parse(result.out).value("token", ""), kSecret);
}

TEST_F(TokenCommandsTest, LoginOptionsFromTheCommandLineAndTheEnvironment) {
  answer_ = {{"ok", true}, {"tokens", nlohmann::json::array()}};
  ASSERT_EQ(Admin({"token", "list", "--server", "mqtts://h:8883", "--user", "alice",
                   "--password-file", "/pw", "--home", dir_, "--household", "ab", "--cacert",
                   "/etc/foyer/tls/ca.crt", "--timeout", "7"})
                .code,
            kExitOk);
  ASSERT_EQ(sessions_.size(), 1u);
  EXPECT_EQ(sessions_[0].server, "mqtts://h:8883");
  EXPECT_EQ(sessions_[0].user, "alice");
  EXPECT_EQ(sessions_[0].password_file, "/pw");
  EXPECT_EQ(sessions_[0].home, dir_);
  EXPECT_EQ(sessions_[0].household, "ab");
  EXPECT_EQ(sessions_[0].cacert, "/etc/foyer/tls/ca.crt");
  EXPECT_EQ(sessions_[0].timeout_seconds, 7);

  // foyer-admin's FOYER_ADMIN_CACERT first, then foyer-cli's variables; the
  // home directory defaults to $HOME/.foyer like foyer-cli's.
  env_ = {{"FOYER_SERVER", "mqtts://env:8883"},
          {"FOYER_USER", "admin"},
          {"FOYER_ADMIN_CACERT", "/admin-ca.crt"},
          {"FOYER_CACERT", "/cli-ca.crt"},
          {"HOME", "/home/me"}};
  ASSERT_EQ(Admin({"token", "list"}).code, kExitOk);
  EXPECT_EQ(sessions_[1].server, "mqtts://env:8883");
  EXPECT_EQ(sessions_[1].user, "admin");
  EXPECT_EQ(sessions_[1].cacert, "/admin-ca.crt");
  EXPECT_EQ(sessions_[1].home, "/home/me/.foyer");
  env_.erase("FOYER_ADMIN_CACERT");
  ASSERT_EQ(Admin({"token", "list"}).code, kExitOk);
  EXPECT_EQ(sessions_[2].cacert, "/cli-ca.crt");
}

TEST_F(TokenCommandsTest, CreateIntoAPrivateFile) {
  answer_ = {{"ok", true}, {"token", kSecret}, {"name", "ops"}, {"created", 1767225600000}};
  std::string file = dir_ + "/admin-token";
  Result result = Admin({"token", "create", "--name", "ops", "--out", file});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out.find(kSecret), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("--token-file " + file), std::string::npos) << result.out;
  std::string content;
  ASSERT_TRUE(ReadWholeFile(file, &content).ok());
  EXPECT_EQ(content, std::string(kSecret) + "\n");
  struct stat info {};
  ASSERT_EQ(stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // The file works as --token-file.
  EXPECT_EQ(ParseGlobalOptions({"--token-file", file, "status"}, nullptr).token, kSecret);

  // An existing file is refused before any token is made.
  size_t asked = requests_.size();
  result = Admin({"token", "create", "--out", file});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("--force"), std::string::npos) << result.err;
  EXPECT_EQ(requests_.size(), asked);
  result = Admin({"--json", "token", "create", "--out", file, "--force"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out.find(kSecret), std::string::npos) << result.out;
  EXPECT_EQ(nlohmann::json::parse(result.out).value("file", ""), file);

  // A file that cannot be written: the message says which token to revoke.
  result = Admin({"token", "create", "--out", dir_ + "/missing/dir/token"});
  EXPECT_EQ(result.code, kExitError);
  EXPECT_NE(result.err.find("token revoke ops"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find(kSecret), std::string::npos);
}

TEST_F(TokenCommandsTest, ListShowsNamesAndDatesNeverSecrets) {
  // Even if a server sent more, only name, creator and dates are shown.
  answer_ = {{"ok", true},
             {"tokens",
              {{{"name", "laptop"},
                {"creator", "admin"},
                {"created", 1767225600000},
                {"last_used", 0},
                {"hash", "c2VjcmV0"}},
               {{"name", "ops"},
                {"creator", "alice"},
                {"created", 1767225600000},
                {"last_used", 1767312000000},
                {"token", kSecret}}}}};
  Result result = Admin({"token", "list"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(result.out.substr(0, result.out.find('\n')),
            "NAME    CREATOR  CREATED           LAST USED");
  EXPECT_NE(result.out.find("laptop  admin"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("never"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("ops     alice"), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find(kSecret), std::string::npos);
  EXPECT_EQ(result.out.find("c2VjcmV0"), std::string::npos);
  EXPECT_EQ(requests_.back(), (nlohmann::json{{"op", "token_list"}}));

  result = Admin({"token", "list", "--json"});
  ASSERT_EQ(result.code, kExitOk);
  nlohmann::json parsed = nlohmann::json::parse(result.out);
  ASSERT_EQ(parsed["tokens"].size(), 2u);
  EXPECT_EQ(parsed["tokens"][1]["last_used"], 1767312000000);
  EXPECT_EQ(result.out.find(kSecret), std::string::npos);
  EXPECT_EQ(result.out.find("c2VjcmV0"), std::string::npos);
}

TEST_F(TokenCommandsTest, RevokeAndErrors) {
  answer_ = {{"ok", true}, {"name", "laptop"}};
  Result result = Admin({"token", "revoke", "laptop"});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_NE(result.out.find("laptop is revoked"), std::string::npos) << result.out;
  EXPECT_EQ(requests_.back(), (nlohmann::json{{"op", "token_revoke"}, {"name", "laptop"}}));

  // A wrong command line never reaches the server.
  size_t asked = requests_.size();
  EXPECT_EQ(Admin({"token", "revoke"}).code, kExitUsage);
  EXPECT_EQ(Admin({"token", "revoke", "a", "b"}).code, kExitUsage);
  EXPECT_EQ(Admin({"token", "create", "--bogus"}).code, kExitUsage);
  result = Admin({"token"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("create, list, revoke"), std::string::npos) << result.err;
  EXPECT_EQ(requests_.size(), asked);

  // The server's refusal (or the login's) is printed, exit code 1.
  error_ = Status::NotFound("no token named zed");
  result = Admin({"token", "revoke", "zed"});
  EXPECT_EQ(result.code, kExitError);
  EXPECT_NE(result.err.find("no token named zed"), std::string::npos) << result.err;
  error_ = Status::Denied("op 'token_create' needs the admin role");
  result = Admin({"token", "create"});
  EXPECT_EQ(result.code, kExitError);
  EXPECT_NE(result.err.find("needs the admin role"), std::string::npos) << result.err;
  EXPECT_EQ(result.out, "");
}

TEST_F(TokenCommandsTest, HelpNamesTheLoginOptions) {
  Result result = Admin({"token", "create", "--help"});
  ASSERT_EQ(result.code, kExitOk);
  for (const char* option : {"--name", "--out", "--server", "--user", "--password-file", "--home"}) {
    EXPECT_NE(result.out.find(option), std::string::npos) << option << "\n" << result.out;
  }
  EXPECT_TRUE(requests_.empty());
  result = Admin({"--help"});
  EXPECT_NE(result.out.find("token create"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("token revoke NAME"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace admin
}  // namespace foyer
