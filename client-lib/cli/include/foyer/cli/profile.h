// Profiles of foyer-cli and foyer-admin: one JSON file per user in the home
// directory (<home>/<user>.json, mode 0600, written atomically). A profile
// holds the household id, role, server, CA file and pinned fingerprints; a
// device's profile also holds its auth_key and kek (it is the device's key
// file). Never a password.
#ifndef FOYER_CLI_SESSION_PROFILE_H_
#define FOYER_CLI_SESSION_PROFILE_H_

#include <map>
#include <string>
#include <vector>

#include "foyer/crypto.h"
#include "foyer/key_pins.h"
#include "foyer/status.h"

namespace foyer {
namespace cli {

struct Profile {
  std::string user;
  std::string household;  // hex
  std::string role;
  std::string server;
  std::string cacert;  // CA file for mqtts:// (absolute path), or empty
  std::map<std::string, std::string> pins;
  crypto::Secret auth_key;  // devices only
  crypto::Secret kek;       // devices only

  bool is_device() const { return !auth_key.empty() && !kek.empty(); }
};

// The user names that have a profile in `home`.
std::vector<std::string> ListProfiles(const std::string& home);
// NotFound when there is no profile for `user`.
Status LoadProfile(const std::string& home, const std::string& user, Profile* profile);
// Writes the profile (creating `home` with mode 0700 if needed).
Status SaveProfile(const std::string& home, const Profile& profile);

// Pins kept in a profile, saved to its file at each change.
class ProfilePins : public client::KeyPins {
 public:
  ProfilePins(std::string home, Profile* profile) : home_(std::move(home)), profile_(profile) {}
  std::map<std::string, std::string> Load() override { return profile_->pins; }
  Status Save(const std::string& name, const std::string& fingerprint) override;

 private:
  std::string home_;
  Profile* profile_;
};

}  // namespace cli
}  // namespace foyer

#endif  // FOYER_CLI_SESSION_PROFILE_H_
