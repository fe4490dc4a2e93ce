#include "broker_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#ifndef FOYER_PLUGIN_PATH
#error "FOYER_PLUGIN_PATH must be defined by CMake"
#endif
#ifndef FOYER_MOSQUITTO_CONF_TEMPLATE
#error "FOYER_MOSQUITTO_CONF_TEMPLATE must be defined by CMake"
#endif
#ifndef FOYER_MOSQUITTO_PATH
#define FOYER_MOSQUITTO_PATH "/usr/sbin/mosquitto"
#endif

namespace foyer_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

}  // namespace

std::vector<int> FreeLoopbackPorts(int count) {
  std::vector<int> sockets;
  std::vector<int> ports;
  for (int i = 0; i < count; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot pick a free loopback port";
      if (fd >= 0) close(fd);
      break;
    }
    sockets.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (int fd : sockets) close(fd);
  return ports;
}

bool PortAcceptsConnections(int port) {
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

namespace {

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string Trim(std::string text) {
  size_t end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  size_t begin = text.find_first_not_of(" \t\r\n");
  return begin == std::string::npos ? std::string() : text.substr(begin);
}

std::string CurrentUserName() {
  passwd* entry = getpwuid(geteuid());
  return entry != nullptr ? entry->pw_name : "root";
}

std::string LastLines(const std::string& text, int count) {
  size_t at = text.size();
  for (int i = 0; i <= count && at != std::string::npos && at > 0; ++i) {
    at = text.rfind('\n', at - 1);
  }
  return at == std::string::npos ? text : text.substr(at + 1);
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

void BrokerFixture::SetUp() {
  Prepare();
  StartBroker();
}

void BrokerFixture::TearDown() {
  if (broker_) StopBroker();
  if (HasFailure()) {
    std::cerr << "---- end of the broker log (" << log_path_ << ") ----\n"
              << LastLines(BrokerLog(), 60) << "---- end ----\n";
  }
  if (!temp_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }
}

void BrokerFixture::SetPluginOption(const std::string& name, const std::string& value) {
  plugin_options_[name] = value;
}

void BrokerFixture::Prepare() {
  if (!temp_dir_.empty()) return;
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/foyer-it-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  ASSERT_NE(mkdtemp(buffer.data()), nullptr) << "mkdtemp " << pattern;
  temp_dir_ = buffer.data();
  data_dir_ = temp_dir_ + "/data";
  config_path_ = temp_dir_ + "/mosquitto.conf";
  log_path_ = temp_dir_ + "/broker.log";
  std::filesystem::create_directory(data_dir_);
  std::filesystem::permissions(data_dir_, std::filesystem::perms::owner_all);
  std::vector<int> ports = FreeLoopbackPorts(2);
  ASSERT_EQ(ports.size(), 2u);
  mqtt_port_ = ports[0];
  ws_port_ = ports[1];
}

void BrokerFixture::UseConfigFile(const std::string& config_path, const std::string& data_dir,
                                  int mqtt_port, const std::vector<int>& ready_ports) {
  external_config_ = true;
  config_path_ = config_path;
  data_dir_ = data_dir;
  mqtt_port_ = mqtt_port;
  ready_ports_ = ready_ports;
}

std::string BrokerFixture::server_url() const {
  return "mqtt://127.0.0.1:" + std::to_string(mqtt_port_);
}

std::string BrokerFixture::server_uri() const {
  return "tcp://127.0.0.1:" + std::to_string(mqtt_port_);
}

std::string BrokerFixture::BrokerLog() const { return ReadFile(log_path_); }

void BrokerFixture::WriteConfig() {
  if (external_config_) return;
  std::string config = ReadFile(FOYER_MOSQUITTO_CONF_TEMPLATE);
  ASSERT_FALSE(config.empty()) << "cannot read " << FOYER_MOSQUITTO_CONF_TEMPLATE;
  config = ReplaceAll(config, "@FOYER_MQTT_PORT@", std::to_string(mqtt_port_));
  config = ReplaceAll(config, "@FOYER_WS_PORT@", std::to_string(ws_port_));
  config = ReplaceAll(config, "@FOYER_PLUGIN@", FOYER_PLUGIN_PATH);
  config = ReplaceAll(config, "@FOYER_DATA_DIR@", data_dir_);
  // The test runs the broker as itself: as root, `user root` keeps mosquitto
  // from switching to an account that may not reach the build tree.
  config = ReplaceAll(config, "@FOYER_RUN_USER@", CurrentUserName());
  for (const auto& [name, value] : plugin_options_) {
    config += "plugin_opt_" + name + " " + value + "\n";
  }
  std::ofstream(config_path_, std::ios::trunc) << config;
}

bool BrokerFixture::WaitUntilServing(size_t log_offset, std::string* why) {
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!broker_->running()) {
      *why = "mosquitto exited during start";
      return false;
    }
    std::string log = BrokerLog();
    bool announced = log.size() > log_offset &&
                     log.find(" running", log_offset) != std::string::npos;
    bool ready = announced && PortAcceptsConnections(mqtt_port_);
    for (int port : ready_ports_) ready = ready && PortAcceptsConnections(port);
    if (ready) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  *why = "mosquitto did not announce it was running within 20 s";
  return false;
}

void BrokerFixture::StartBroker() {
  ASSERT_FALSE(temp_dir_.empty()) << "Prepare() first";
  ASSERT_FALSE(broker_) << "the broker is already running";
  bool first_start = admin_invite_.empty();
  // A port picked as free may be taken by another test before mosquitto binds
  // it: on a first start, try again with new ports.
  for (int attempt = 0; attempt < 3; ++attempt) {
    WriteConfig();
    size_t log_offset = BrokerLog().size();
    broker_ = std::make_unique<Process>();
    ProcessOptions options;
    options.argv = MosquittoCommand({FOYER_MOSQUITTO_PATH, "-c", config_path_});
    options.output_file = log_path_;
    std::string error;
    ASSERT_TRUE(broker_->Start(options, &error)) << error;
    std::string why;
    if (WaitUntilServing(log_offset, &why)) break;
    broker_->Stop(seconds(5));
    broker_.reset();
    std::string log = BrokerLog().substr(log_offset);
    if (first_start && !external_config_ &&
        log.find("Address already in use") != std::string::npos) {
      std::vector<int> ports = FreeLoopbackPorts(2);
      ASSERT_EQ(ports.size(), 2u);
      mqtt_port_ = ports[0];
      ws_port_ = ports[1];
      continue;
    }
    FAIL() << why << "\n" << LastLines(log, 40);
  }
  ASSERT_TRUE(broker_) << "no free port could be bound";
  // The plugin writes the bootstrap invite at its first start (and a new one
  // at each start while the admin has not registered).
  std::string invite = Trim(ReadFile(data_dir_ + "/admin-invite"));
  if (first_start) {
    ASSERT_FALSE(invite.empty()) << "no admin invite in " << data_dir_ << "/admin-invite";
  }
  if (!invite.empty()) admin_invite_ = invite;
}

void BrokerFixture::StopBroker() {
  ASSERT_TRUE(broker_) << "the broker is not running";
  auto started = std::chrono::steady_clock::now();
  ProcessResult result = broker_->Stop(seconds(10));
  bool killed = std::chrono::steady_clock::now() - started >= seconds(10);
  broker_.reset();
  EXPECT_FALSE(killed) << "mosquitto did not stop within 10 s of SIGTERM";
  EXPECT_EQ(result.exit_code, 0) << "mosquitto did not exit cleanly on SIGTERM";
}

void BrokerFixture::RestartBroker() {
  StopBroker();
  StartBroker();
}

}  // namespace foyer_test
