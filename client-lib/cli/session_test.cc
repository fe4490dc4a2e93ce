// foyer_cli_session: profiles on disk, option resolution, and a login from a
// device profile over client-lib's fake server.
#include "foyer/cli/session.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "fake_server.h"
#include "foyer/crypto.h"

namespace foyer {
namespace cli {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    char pattern[] = "/tmp/foyer-cli-session-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    home_ = std::string(pattern) + "/home";
  }
  void TearDown() override {
    std::filesystem::remove_all(std::filesystem::path(home_).parent_path());
  }

  EnvFunction Env() {
    return [this](const char* name) -> const char* {
      auto it = env_.find(name);
      return it == env_.end() ? nullptr : it->second.c_str();
    };
  }

  std::string home_;
  std::map<std::string, std::string> env_;
};

TEST_F(SessionTest, ProfileRoundTripKeepsTheCaFileAndDeviceKeys) {
  Profile profile;
  profile.user = "thermostat";
  profile.household = std::string(32, 'a');
  profile.role = "device";
  profile.server = "mqtts://192.168.1.10:8883";
  profile.cacert = "/etc/foyer/ca.crt";
  profile.pins["alice"] = "12345";
  profile.auth_key = crypto::Secret::Random(32);
  profile.kek = crypto::Secret::Random(32);
  ASSERT_TRUE(SaveProfile(home_, profile).ok());

  struct stat info {};
  ASSERT_EQ(stat((home_ + "/thermostat.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  Profile loaded;
  ASSERT_TRUE(LoadProfile(home_, "thermostat", &loaded).ok());
  EXPECT_EQ(loaded.server, profile.server);
  EXPECT_EQ(loaded.cacert, "/etc/foyer/ca.crt");
  EXPECT_EQ(loaded.pins, profile.pins);
  EXPECT_TRUE(loaded.is_device());
  EXPECT_EQ(loaded.kek.view(), profile.kek.view());
  EXPECT_EQ(ListProfiles(home_), std::vector<std::string>{"thermostat"});
  EXPECT_EQ(LoadProfile(home_, "nobody", &loaded).code(), Status::Code::kNotFound);
}

TEST_F(SessionTest, ResolveTakesTheEnvironmentWhenNothingIsGiven) {
  env_ = {{"FOYER_SERVER", "mqtts://foyer.home:8883"},
          {"FOYER_CACERT", "certs/../ca.crt"},
          {"FOYER_USER", "alice"},
          {"HOME", "/home/alice"}};
  SessionOptions options;
  ResolveSessionOptions(&options, Env());
  EXPECT_EQ(options.server, "mqtts://foyer.home:8883");
  // Relative paths become absolute: the profile keeps them.
  EXPECT_EQ(options.cacert, (std::filesystem::current_path() / "ca.crt").string());
  EXPECT_EQ(options.user, "alice");
  EXPECT_EQ(options.home, "/home/alice/.foyer");
  EXPECT_EQ(options.timeout_seconds, 10);

  client::Options client_options = BaseOptions(options);
  EXPECT_EQ(client_options.server, "mqtts://foyer.home:8883");
  EXPECT_EQ(client_options.ca_file, options.cacert);
  EXPECT_EQ(client_options.timeout_ms, 10000);
}

TEST_F(SessionTest, ResolveKeepsWhatTheCommandLineGave) {
  env_ = {{"FOYER_SERVER", "mqtt://env:1883"}, {"FOYER_CACERT", "/env/ca.crt"}};
  SessionOptions options;
  options.server = "mqtt://flag:1883";
  options.cacert = "/flag/ca.crt";
  options.home = "/flag/home";
  options.timeout_seconds = 3;
  ResolveSessionOptions(&options, Env());
  EXPECT_EQ(options.server, "mqtt://flag:1883");
  EXPECT_EQ(options.cacert, "/flag/ca.crt");
  EXPECT_EQ(options.home, "/flag/home");
  EXPECT_EQ(options.timeout_seconds, 3);
}

TEST_F(SessionTest, OpensTheOnlyProfileAndSavesANewCaFile) {
  client::FakeServer server;
  client::Credentials credentials = server.AddDevice("thermostat", "device");
  Profile profile;
  profile.user = "thermostat";
  profile.household = crypto::ToHex(credentials.household);
  profile.role = "device";
  profile.server = "mqtt://127.0.0.1:1883";
  profile.auth_key = std::move(credentials.auth_key);
  profile.kek = std::move(credentials.kek);
  ASSERT_TRUE(SaveProfile(home_, profile).ok());

  SessionOptions options;
  options.home = home_;
  options.cacert = "/new/ca.crt";
  ResolveSessionOptions(&options, Env());
  client::Options client_options = BaseOptions(options);
  client_options.transport_factory = server.Factory();
  Session session;
  Status status = OpenSession(options, client_options, &session);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(session.client->user(), "thermostat");
  session.client.reset();

  Profile saved;
  ASSERT_TRUE(LoadProfile(home_, "thermostat", &saved).ok());
  EXPECT_EQ(saved.cacert, "/new/ca.crt");
  EXPECT_EQ(saved.server, "mqtt://127.0.0.1:1883");  // kept: no --server given
  EXPECT_EQ(saved.role, "device");
}

TEST_F(SessionTest, APersonWithoutAPasswordSourceIsRefusedBeforeConnecting) {
  Profile profile;
  profile.user = "bob";
  profile.household = std::string(32, 'b');
  profile.role = "member";
  ASSERT_TRUE(SaveProfile(home_, profile).ok());
  unsetenv("FOYER_PASSWORD");
  SessionOptions options;
  options.home = home_;
  options.user = "bob";
  ResolveSessionOptions(&options, Env());
  client::Options client_options = BaseOptions(options);
  client_options.transport_factory = [] { return std::unique_ptr<client::Transport>(); };
  Session session;
  if (isatty(STDIN_FILENO)) GTEST_SKIP() << "stdin is a terminal: a prompt would be shown";
  EXPECT_EQ(OpenSession(options, client_options, &session).code(), Status::Code::kInvalid);
}

}  // namespace
}  // namespace cli
}  // namespace foyer
