// A person using the real foyer-cli binary: each user has his own FOYER_HOME
// in the test's temporary directory and his password in FOYER_PASSWORD.
#ifndef FOYER_TESTS_INTEGRATION_CLI_USER_H_
#define FOYER_TESTS_INTEGRATION_CLI_USER_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.h"

namespace foyer_test {

class CliUser {
 public:
  // `server` is mqtt://127.0.0.1:<port>; `home` is created if missing.
  CliUser(std::string name, std::string password, std::string home, std::string server);

  const std::string& name() const { return name_; }
  const std::string& password() const { return password_; }
  const std::string& home() const { return home_; }
  void set_server(std::string server) { server_ = std::move(server); }
  void set_password(std::string password) { password_ = std::move(password); }

  // Runs `foyer-cli --server S --user NAME --home HOME <args>` to its end.
  ProcessResult Run(const std::vector<std::string>& args,
                    std::chrono::seconds timeout = std::chrono::seconds(90)) const;
  // Starts it in the background (for `listen`).
  std::unique_ptr<Process> Start(const std::vector<std::string>& args) const;

  // Shortcuts that fail the current test when the command fails.
  std::string Invite(const std::string& name, const std::string& role_flag = "") const;
  void Register(const std::string& invite) const;
  std::string CreateConversation(const std::string& title,
                                 const std::vector<std::string>& members) const;
  uint64_t Send(const std::string& conv, const std::string& text) const;
  std::vector<nlohmann::json> History(const std::string& conv) const;
  // Starts `listen --conv C --count N --timeout S` and waits until it prints
  // `ready` on stderr (subscribed). Null (and a test failure) otherwise.
  std::unique_ptr<Process> Listen(const std::string& conv, int count, int timeout_s = 60) const;

 private:
  ProcessOptions Options(const std::vector<std::string>& args) const;

  std::string name_;
  std::string password_;
  std::string home_;
  std::string server_;
};

// Parses JSON lines (blank lines skipped); a line that is not JSON fails the test.
std::vector<nlohmann::json> JsonLines(const std::string& text);
// Waits for a `listen` started by CliUser::Listen, expects exit 0, and
// returns the JSON lines it printed.
std::vector<nlohmann::json> ListenOutput(Process* listen);
// Text of a process result for failure messages.
std::string Describe(const ProcessResult& result);

}  // namespace foyer_test

#endif  // FOYER_TESTS_INTEGRATION_CLI_USER_H_
