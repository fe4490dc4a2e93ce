#include "killable_broker.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "broker_fixture.h"  // ReadFile

#ifndef FOYER_PLUGIN_PATH
#error "FOYER_PLUGIN_PATH must be defined by CMake"
#endif

namespace foyer_test {
namespace {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) close(fd);
  return port;
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

KillableBroker::KillableBroker() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/foyer-sec-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) return;
  temp_dir_ = buffer.data();
  data_dir_ = temp_dir_ + "/data";
  config_path_ = temp_dir_ + "/mosquitto.conf";
  log_path_ = temp_dir_ + "/broker.log";
  std::filesystem::create_directory(data_dir_);
  std::filesystem::permissions(data_dir_, std::filesystem::perms::owner_all);
  port_ = FreePort();
  ws_port_ = FreePort();
}

KillableBroker::~KillableBroker() {
  if (broker_) Kill();
  if (mounted_) umount2(data_dir_.c_str(), MNT_DETACH);
  if (!temp_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
  }
}

void KillableBroker::SetPluginOption(const std::string& name, const std::string& value) {
  plugin_options_[name] = value;
}

bool KillableBroker::Start(std::string* why, std::chrono::seconds timeout) {
  if (broker_) Kill();
  std::string config = ReadFile(FOYER_MOSQUITTO_CONF_TEMPLATE);
  passwd* entry = getpwuid(geteuid());
  config = ReplaceAll(config, "@FOYER_MQTT_PORT@", std::to_string(port_));
  config = ReplaceAll(config, "@FOYER_WS_PORT@", std::to_string(ws_port_));
  config = ReplaceAll(config, "@FOYER_PLUGIN@", FOYER_PLUGIN_PATH);
  config = ReplaceAll(config, "@FOYER_DATA_DIR@", data_dir_);
  config = ReplaceAll(config, "@FOYER_RUN_USER@", entry != nullptr ? entry->pw_name : "root");
  for (const auto& [name, value] : plugin_options_) {
    config += "plugin_opt_" + name + " " + value + "\n";
  }
  std::ofstream(config_path_, std::ios::trunc) << config;
  log_offset_ = ReadFile(log_path_).size();
  broker_ = std::make_unique<Process>();
  ProcessOptions options;
  options.argv = {FOYER_MOSQUITTO_PATH, "-c", config_path_};
  options.output_file = log_path_;
  std::string error;
  if (!broker_->Start(options, &error)) {
    *why = "cannot start mosquitto: " + error;
    broker_.reset();
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!broker_->running()) {
      *why = "mosquitto exited during start:\n" + LogSinceStart();
      broker_.reset();
      return false;
    }
    if (LogSinceStart().find(" running") != std::string::npos && Accepts(port_)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  *why = "mosquitto did not start in time:\n" + LogSinceStart();
  Kill();
  return false;
}

void KillableBroker::Kill() {
  if (!broker_) return;
  kill(broker_->pid(), SIGKILL);
  broker_->Wait(std::chrono::seconds(10));
  broker_.reset();
}

int KillableBroker::Stop() {
  if (!broker_) return -1;
  ProcessResult result = broker_->Stop(std::chrono::seconds(10));
  broker_.reset();
  return result.exit_code;
}

bool KillableBroker::running() { return broker_ && broker_->running(); }

std::string KillableBroker::AdminInvite() const {
  std::string invite = ReadFile(data_dir_ + "/admin-invite");
  while (!invite.empty() && (invite.back() == '\n' || invite.back() == ' ')) invite.pop_back();
  return invite;
}

std::string KillableBroker::Log() const { return ReadFile(log_path_); }

std::string KillableBroker::LogSinceStart() const {
  std::string log = Log();
  return log.size() > log_offset_ ? log.substr(log_offset_) : std::string();
}

long KillableBroker::RssKib() {
  if (!running()) return 0;
  std::ifstream status("/proc/" + std::to_string(broker_->pid()) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

bool KillableBroker::MountSmallDataDir(size_t bytes, std::string* why) {
  std::string options = "size=" + std::to_string(bytes) + ",mode=0700";
  if (mount("tmpfs", data_dir_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
    *why = std::string("cannot mount a tmpfs (needs root): ") + std::strerror(errno);
    return false;
  }
  mounted_ = true;
  return true;
}

bool KillableBroker::RemountDataDir(bool read_only, std::string* why) {
  unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
  if (mount("tmpfs", data_dir_.c_str(), "tmpfs", flags, nullptr) != 0) {
    *why = std::string("cannot remount the data directory: ") + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace foyer_test
