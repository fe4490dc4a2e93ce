// A household for the scenarios: the admin registered from the bootstrap
// invite, and people the admin invited who registered with foyer-cli.
#ifndef FOYER_TESTS_INTEGRATION_HOUSEHOLD_H_
#define FOYER_TESTS_INTEGRATION_HOUSEHOLD_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli_user.h"

namespace foyer_test {

class Household {
 public:
  // The admin account's name in the bootstrap invite.
  static constexpr const char* kAdminName = "admin";

  // Users' homes go under `temp_dir`/home-<name>.
  Household(std::string server_url, std::string temp_dir, std::string admin_invite);

  // Registers the admin from the bootstrap invite (test fails on error).
  void RegisterAdmin();
  // The admin invites `name`, who registers; returns him.
  const CliUser& Join(const std::string& name);
  // Makes a CliUser (not registered) with the password the household gives him.
  const CliUser& MakeUser(const std::string& name);

  const CliUser& admin() const { return *users_.at(kAdminName); }
  const CliUser& user(const std::string& name) const { return *users_.at(name); }
  void set_server(const std::string& server_url);

  // 16 raw bytes, from the bootstrap invite code.
  const std::string& household_raw() const { return household_raw_; }
  // The MQTT password (hex auth key) of `name`, derived as a client would.
  std::string AuthKeyHex(const std::string& name) const;
  static std::string PasswordOf(const std::string& name);

 private:
  std::string server_url_;
  std::string temp_dir_;
  std::string admin_invite_;
  std::string household_raw_;
  std::map<std::string, std::unique_ptr<CliUser>> users_;
};

}  // namespace foyer_test

#endif  // FOYER_TESTS_INTEGRATION_HOUSEHOLD_H_
