#include "broker.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "proc_stats.h"

#ifndef FOYER_MOSQUITTO_EXECUTABLE
#define FOYER_MOSQUITTO_EXECUTABLE "/usr/sbin/mosquitto"
#endif

namespace foyer {
namespace bench {

namespace {

void ReplaceAll(std::string* text, const std::string& from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at + to.size())) {
    text->replace(at, from.size(), to);
  }
}

// Drops the plugin lines (stock) and appends the kind's own lines.
Status RenderConfig(const BrokerOptions& options, int port, int ws_port, std::string* out) {
  std::ifstream in(options.template_path);
  if (!in) return Status::IOError("cannot read " + options.template_path);
  std::string user = getuid() == 0 ? "root" : "";
  std::ostringstream config;
  std::string line;
  while (std::getline(in, line)) {
    if (options.kind == BrokerKind::kStock && line.rfind("plugin", 0) == 0) continue;
    // Unprivileged: mosquitto refuses to switch user, so the line goes.
    if (user.empty() && line.rfind("user ", 0) == 0) continue;
    config << line << '\n';
  }
  if (options.kind == BrokerKind::kStock) {
    config << "password_file " << options.password_file << '\n';
    config << "acl_file " << options.acl_file << '\n';
  }
  std::string text = config.str();
  ReplaceAll(&text, "@FOYER_MQTT_PORT@", std::to_string(port));
  ReplaceAll(&text, "@FOYER_WS_PORT@", std::to_string(ws_port));
  ReplaceAll(&text, "@FOYER_PLUGIN@", options.plugin_path);
  ReplaceAll(&text, "@FOYER_DATA_DIR@", options.data_dir);
  ReplaceAll(&text, "@FOYER_RUN_USER@", user);
  if (text.find('@') != std::string::npos && text.find("@FOYER_") != std::string::npos) {
    return Status::Invalid("the template has a field the benchmark does not know");
  }
  *out = text;
  return Status::OK();
}

bool PortAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

}  // namespace

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

Broker::~Broker() { Stop(); }

Status Broker::Start(const BrokerOptions& options) {
  if (pid_ > 0) return Status::Internal("broker already running");
  port_ = FreePort();
  int ws_port = FreePort();
  if (port_ == 0 || ws_port == 0 || port_ == ws_port) return Status::IOError("no free port");
  std::string config;
  Status status = RenderConfig(options, port_, ws_port, &config);
  if (!status.ok()) return status;
  const std::string config_path = options.run_dir + "/" + options.name + ".conf";
  {
    std::ofstream out(config_path, std::ios::trunc);
    out << config;
    if (!out) return Status::IOError("cannot write " + config_path);
  }
  log_path_ = options.run_dir + "/" + options.name + ".log";
  pid_t child = fork();
  if (child < 0) return Status::IOError("fork failed");
  if (child == 0) {
    int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    execl(FOYER_MOSQUITTO_EXECUTABLE, "mosquitto", "-c", config_path.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  pid_ = child;
  return Status::OK();
}

Status Broker::WaitListening(int timeout_ms) const {
  const int64_t deadline = NowNs() + static_cast<int64_t>(timeout_ms) * 1000000;
  while (NowNs() < deadline) {
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      return Status::IOError("mosquitto exited at start; see " + log_path_);
    }
    if (PortAccepts(port_)) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return Status::IOError("mosquitto did not listen in time; see " + log_path_);
}

Status Broker::Stop() {
  if (pid_ <= 0) return Status::OK();
  Status result;
  int wstatus = 0;
  if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
    result = Status::IOError("mosquitto had exited during the run; see " + log_path_);
  } else {
    kill(pid_, SIGTERM);
    const int64_t deadline = NowNs() + 10'000'000'000LL;
    while (waitpid(pid_, &wstatus, WNOHANG) != pid_) {
      if (NowNs() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &wstatus, 0);
        result = Status::IOError("mosquitto did not stop on SIGTERM");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  pid_ = -1;
  return result;
}

}  // namespace bench
}  // namespace foyer
