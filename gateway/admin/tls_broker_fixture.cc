#include "tls_broker_fixture.h"

#include <pwd.h>
#include <unistd.h>

#include <chrono>

#if !defined(FOYER_ADMIN_PATH) || !defined(FOYER_PLUGIN_PATH)
#error "FOYER_ADMIN_PATH and FOYER_PLUGIN_PATH must be defined by CMake"
#endif

namespace foyer {
namespace admin {

using foyer_test::ProcessOptions;
using foyer_test::ProcessResult;

void TlsBrokerFixture::SetUp() {
  Prepare();
  dir_ = temp_dir();
  ports_ = foyer_test::FreeLoopbackPorts(kPortCount);
  ASSERT_EQ(ports_.size(), static_cast<size_t>(kPortCount));
}

ProcessResult TlsBrokerFixture::RunAdminSetup(const std::vector<std::string>& tls_args) {
  passwd* me = getpwuid(geteuid());
  ProcessOptions options;
  options.argv = {
      FOYER_ADMIN_PATH, "setup", "--non-interactive", "--household", "Test", "--data-dir",
      dir_ + "/data", "--config-dir", dir_ + "/etc", "--listen", "127.0.0.1", "--mqtts-port",
      std::to_string(ports_[kMqtts]), "--wss-port", std::to_string(ports_[kWss]), "--https-port",
      std::to_string(ports_[kHttps]), "--mqtt-port", std::to_string(ports_[kMqtt]), "--ws-port",
      std::to_string(ports_[kWs]), "--http-port", std::to_string(ports_[kHttp]),
      // The test runs the broker as itself (see tests/integration).
      "--run-user", me != nullptr ? me->pw_name : "root", "--plugin", FOYER_PLUGIN_PATH};
  options.argv.insert(options.argv.end(), tls_args.begin(), tls_args.end());
  return RunProcess(options, std::chrono::seconds(60));
}

void TlsBrokerFixture::StartBroker(const std::string& data_dir) {
  UseConfigFile(dir_ + "/etc/mosquitto.conf", data_dir.empty() ? dir_ + "/data" : data_dir,
                ports_[kMqtt], {ports_[kMqtts], ports_[kWss]});
  BrokerFixture::StartBroker();
}

std::string TlsBrokerFixture::MqttsUrl() const {
  return "mqtts://127.0.0.1:" + std::to_string(ports_[kMqtts]);
}

std::string TlsBrokerFixture::AdminInvite() {
  std::string invite = admin_invite();
  EXPECT_EQ(invite.size(), 44u);
  return invite;
}

}  // namespace admin
}  // namespace foyer
