// Configuration reload: mosquitto re-reads its configuration on SIGHUP and
// the plugin re-reads plugin_opt_config's file (MOSQ_EVT_RELOAD). A client
// connected before stays connected, the new limit applies at once, a setting
// that needs a restart is kept (and logged), and a bad file changes nothing.
#include <signal.h>

#include <chrono>
#include <dirent.h>
#include <fstream>
#include <string>
#include <thread>

#include "broker_fixture.h"
#include "household.h"
#include "raw_client.h"

namespace foyer_test {
namespace {

class ReloadTest : public BrokerFixture {
 protected:
  void SetUp() override {
    Prepare();
    config_file_ = temp_dir() + "/foyer.conf";
    WriteConfigFile("max_people = 2\n");
    SetPluginOption("config", config_file_);
    StartBroker();
  }

  void WriteConfigFile(const std::string& text) {
    std::ofstream file(config_file_, std::ios::trunc);
    file << "# the plugin's keys (config/foyer.conf)\n" << text << "[gateway]\nport = 8080\n";
  }

  // The broker started by the fixture: the mosquitto process whose command
  // line names this test's temporary directory.
  pid_t BrokerPid() const {
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return -1;
    pid_t found = -1;
    while (dirent* entry = readdir(proc)) {
      std::string name = entry->d_name;
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::string command_line = ReadFile("/proc/" + name + "/cmdline");
      if (command_line.find("mosquitto") != std::string::npos &&
          command_line.find(temp_dir()) != std::string::npos) {
        found = static_cast<pid_t>(std::stol(name));
        break;
      }
    }
    closedir(proc);
    return found;
  }

  // Sends SIGHUP and waits until the plugin has logged `count` reloads
  // (applied or refused) in total.
  void Reload(int count) {
    pid_t pid = BrokerPid();
    ASSERT_GT(pid, 0) << "cannot find the broker's process";
    ASSERT_EQ(kill(pid, SIGHUP), 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (Reloads() >= count) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "the plugin did not log a reload:\n" << BrokerLog();
  }

  int Reloads() const {
    std::string log = BrokerLog();
    int count = 0;
    for (const char* text : {"foyer: configuration reloaded", "foyer: configuration not reloaded"}) {
      for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) {
        ++count;
      }
    }
    return count;
  }

  static nlohmann::json Invite(RawClient* admin, const std::string& name) {
    return admin->Request({{"op", "invite"}, {"name", name}, {"role", "member"}});
  }

  std::string config_file_;
};

TEST_F(ReloadTest, NewLimitsApplyWhileClientsStayConnected) {
  Household house(server_url(), temp_dir(), admin_invite());
  house.RegisterAdmin();
  RawClient admin(server_uri(), "admin:reload");
  std::string error;
  ASSERT_EQ(admin.Connect("admin", house.AuthKeyHex("admin"), &error), 0) << error;

  // max_people = 2: the admin and one more person.
  nlohmann::json answer = Invite(&admin, "bob");
  ASSERT_TRUE(answer.value("ok", false)) << answer.dump();
  answer = Invite(&admin, "carol");
  ASSERT_FALSE(answer.value("ok", true)) << answer.dump();
  EXPECT_EQ(answer.value("error", ""), "limit") << answer.dump();

  // Raise the limit and change a setting that needs a restart.
  WriteConfigFile("max_people = 3\nsync_ms = 250\n");
  Reload(1);
  EXPECT_TRUE(admin.connected()) << "SIGHUP dropped the connection";
  answer = Invite(&admin, "carol");
  EXPECT_TRUE(answer.value("ok", false)) << "the new max_people did not apply: " << answer.dump();
  EXPECT_NE(BrokerLog().find("sync_ms changed in the configuration: takes effect at the next "
                             "restart"),
            std::string::npos)
      << BrokerLog();

  // A bad file: refused, the previous settings stay.
  WriteConfigFile("max_people = many\n");
  Reload(2);
  EXPECT_NE(BrokerLog().find("configuration not reloaded, the previous settings stay"),
            std::string::npos)
      << BrokerLog();
  EXPECT_TRUE(admin.connected());
  answer = Invite(&admin, "dave");
  EXPECT_EQ(answer.value("error", ""), "limit") << "max_people is no longer 3: " << answer.dump();

  // A good file again: applied.
  WriteConfigFile("max_people = 4\n");
  Reload(3);
  answer = Invite(&admin, "dave");
  EXPECT_TRUE(answer.value("ok", false)) << answer.dump();
  EXPECT_TRUE(admin.connected());
}

}  // namespace
}  // namespace foyer_test
