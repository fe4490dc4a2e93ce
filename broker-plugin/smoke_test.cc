// Smoke test: the real foyer_plugin.so in a real mosquitto on a free loopback
// port with a temporary data dir. The end-to-end scenarios live in tests/.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer {
namespace plugin {
namespace {

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

bool CanConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Runs a program (no shell), returns its exit code.
int RunProgram(const std::vector<std::string>& argv) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class SmokeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(FOYER_MOSQUITTO_EXECUTABLE) || RunProgram({"mosquitto_pub", "--help"}) == 127) {
      GTEST_SKIP() << "mosquitto or mosquitto-clients missing";
    }
    char pattern[] = "/tmp/foyer-smoke-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    port_ = FreePort();
    ASSERT_GT(port_, 0);
    std::ofstream conf(dir_ + "/mosquitto.conf");
    conf << "listener " << port_ << " 127.0.0.1\n"
         << "persistence false\n"
         << "log_dest stderr\n"
         << "log_type all\n"
         // As root, mosquitto would switch to user mosquitto, who cannot
         // enter this private temporary directory.
         << (::geteuid() == 0 ? "user root\n" : "")
         << "plugin " << FOYER_PLUGIN_PATH << "\n"
         << "plugin_opt_data_dir " << dir_ << "/data\n";
    conf.close();
    broker_ = ::fork();
    if (broker_ == 0) {
      int log = ::open((dir_ + "/broker.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(log, 1);
      ::dup2(log, 2);
      std::string conf_path = dir_ + "/mosquitto.conf";
      ::execl(FOYER_MOSQUITTO_EXECUTABLE, "mosquitto", "-c", conf_path.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ASSERT_GT(broker_, 0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!CanConnect(port_) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_TRUE(CanConnect(port_)) << ReadFile(dir_ + "/broker.log");
  }

  void TearDown() override {
    if (broker_ > 0) {
      ::kill(broker_, SIGTERM);
      ::waitpid(broker_, nullptr, 0);
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  int Publish(const std::string& user, const std::string& password, const std::string& client_id,
              const std::string& topic, const std::string& message) {
    std::vector<std::string> argv = {"mosquitto_pub", "-h", "127.0.0.1", "-p",
                                     std::to_string(port_), "-V", "5", "-q", "1",
                                     "-t", topic, "-m", message};
    if (!user.empty()) argv.insert(argv.end(), {"-u", user, "-P", password, "-i", client_id});
    return RunProgram(argv);
  }

  std::string dir_;
  int port_ = 0;
  pid_t broker_ = -1;
};

TEST_F(SmokeTest, AdminInviteAnonymousAndInviteSession) {
  std::string invite_path = dir_ + "/data/admin-invite";
  struct stat info;
  ASSERT_EQ(::stat(invite_path.c_str(), &info), 0) << ReadFile(dir_ + "/broker.log");
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::string code = ReadFile(invite_path);
  ASSERT_EQ(code.size(), 45u);
  code.pop_back();
  EXPECT_NE(ReadFile(dir_ + "/broker.log").find("foyer: admin invite: " + code), std::string::npos);

  // Anonymous, a wrong password and a wrong invite secret are refused at connect.
  EXPECT_NE(Publish("", "", "", "foyer/p/x", "{}"), 0);
  EXPECT_NE(Publish("admin", std::string(64, 'a'), "admin", "foyer/p/admin", "{}"), 0);
  EXPECT_NE(Publish("~invite", std::string(32, 'a'), "~invite:smoke", "$CONTROL/foyer/v1", "{}"), 0);

  // The right invite secret opens a session whose request reaches the plugin.
  std::string household, secret;
  ASSERT_TRUE(protocol::DecodeInviteCode(code, &household, &secret).ok());
  EXPECT_EQ(Publish("~invite", crypto::ToHex(secret), "~invite:smoke", "$CONTROL/foyer/v1",
                    R"({"id":"1","op":"invite_info"})"),
            0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string done = "foyer: request invite_info from ~invite done";
  while (ReadFile(dir_ + "/broker.log").find(done) == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::string log = ReadFile(dir_ + "/broker.log");
  EXPECT_NE(log.find(done), std::string::npos) << log;
  // The secret never reaches the log.
  EXPECT_EQ(log.find(crypto::ToHex(secret)), std::string::npos);
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
