#include "tls_broker_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "files.h"
#include "test_dir.h"

#if !defined(FOYER_ADMIN_PATH) || !defined(FOYER_PLUGIN_PATH) || !defined(FOYER_MOSQUITTO_PATH)
#error "FOYER_ADMIN_PATH, FOYER_PLUGIN_PATH and FOYER_MOSQUITTO_PATH must be defined by CMake"
#endif

namespace foyer {
namespace admin {

using foyer_test::Process;
using foyer_test::ProcessOptions;
using foyer_test::ProcessResult;
using std::chrono::seconds;

std::vector<int> FreeLoopbackPorts(int count) {
  std::vector<int> fds, ports;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "no free port";
      if (fd >= 0) close(fd);
      break;
    }
    fds.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : fds) close(fd);
  return ports;
}

bool LoopbackAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

void TlsBrokerFixture::SetUp() {
  dir_ = MakeTestDir("tls");
  ports_ = FreeLoopbackPorts(kPortCount);
  ASSERT_EQ(ports_.size(), static_cast<size_t>(kPortCount));
}

void TlsBrokerFixture::TearDown() {
  if (broker_) StopBroker();
  if (HasFailure()) {
    std::string log;
    ReadWholeFile(dir_ + "/broker.log", &log);
    std::cerr << "---- broker log ----\n" << log << "---- end ----\n";
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
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
  return RunProcess(options, seconds(60));
}

void TlsBrokerFixture::StartBroker() {
  broker_ = std::make_unique<Process>();
  ProcessOptions options;
  options.argv = {FOYER_MOSQUITTO_PATH, "-c", dir_ + "/etc/mosquitto.conf"};
  options.output_file = dir_ + "/broker.log";
  std::string error;
  ASSERT_TRUE(broker_->Start(options, &error)) << error;
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(broker_->running()) << "mosquitto exited during start";
    std::string log;
    ReadWholeFile(dir_ + "/broker.log", &log);
    if (log.find(" running") != std::string::npos && LoopbackAccepts(ports_[kMqtts]) &&
        LoopbackAccepts(ports_[kWss])) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "mosquitto did not start within 20 s";
}

void TlsBrokerFixture::StopBroker() {
  ProcessResult stopped = broker_->Stop(seconds(10));
  EXPECT_EQ(stopped.exit_code, 0) << "mosquitto did not stop cleanly";
  broker_.reset();
}

std::string TlsBrokerFixture::MqttsUrl() const {
  return "mqtts://127.0.0.1:" + std::to_string(ports_[kMqtts]);
}

std::string TlsBrokerFixture::AdminInvite() {
  std::string invite;
  EXPECT_TRUE(ReadWholeFile(dir_ + "/data/admin-invite", &invite).ok());
  invite.erase(invite.find_last_not_of(" \r\n") + 1);
  EXPECT_EQ(invite.size(), 44u);
  return invite;
}

}  // namespace admin
}  // namespace foyer
