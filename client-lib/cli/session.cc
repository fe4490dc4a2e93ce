// foyer_cli_session: session options and login (session.h).
#include "foyer/cli/session.h"

#include <filesystem>
#include <utility>
#include <vector>

#include "foyer/cli/password.h"
#include "foyer/crypto.h"

namespace foyer {
namespace cli {

namespace po = boost::program_options;

void AddSessionOptions(po::options_description* options, SessionOptions* into) {
  options->add_options()(
      "server", po::value<std::string>(&into->server)->value_name("URL"),
      "broker address (env FOYER_SERVER; default: the profile's, else mqtt://127.0.0.1:1883)")(
      "user", po::value<std::string>(&into->user)->value_name("NAME"),
      "account (env FOYER_USER; default: the only profile in the home directory)")(
      "password-file", po::value<std::string>(&into->password_file)->value_name("PATH"),
      "file holding the password (else env FOYER_PASSWORD, else a prompt on a terminal)")(
      "home", po::value<std::string>(&into->home)->value_name("DIR"),
      "profile directory (env FOYER_HOME; default $HOME/.foyer)")(
      "household", po::value<std::string>(&into->household)->value_name("HEX"),
      "household id for a first login without a profile (env FOYER_HOUSEHOLD)");
}

const char* CacertHelp() {
  return "CA certificate for mqtts:// (env FOYER_CACERT; default: the profile's, else the "
         "system's trust store)";
}

void ResolveSessionOptions(SessionOptions* options, const EnvFunction& env) {
  auto from_env = [&env](const char* name) {
    const char* value = env ? env(name) : nullptr;
    return value != nullptr ? std::string(value) : std::string();
  };
  if (options->server.empty()) options->server = from_env("FOYER_SERVER");
  if (options->cacert.empty()) options->cacert = from_env("FOYER_CACERT");
  // Saved in the profile: it must still name the file from another directory.
  if (!options->cacert.empty()) {
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(options->cacert, error);
    if (!error) options->cacert = absolute.lexically_normal().string();
  }
  if (options->user.empty()) options->user = from_env("FOYER_USER");
  if (options->household.empty()) options->household = from_env("FOYER_HOUSEHOLD");
  if (options->home.empty()) options->home = from_env("FOYER_HOME");
  if (options->home.empty()) options->home = from_env("HOME") + "/.foyer";
  if (options->timeout_seconds < 0) options->timeout_seconds = 10;
}

client::Options BaseOptions(const SessionOptions& options) {
  client::Options client_options;
  if (!options.server.empty()) client_options.server = options.server;
  client_options.ca_file = options.cacert;
  client_options.timeout_ms = options.timeout_seconds * 1000;
  return client_options;
}

Status OpenSession(const SessionOptions& options, client::Options client_options,
                   Session* session) {
  session->options = options;
  std::string user = options.user;
  if (user.empty()) {
    std::vector<std::string> profiles = ListProfiles(options.home);
    if (profiles.empty()) {
      return Status::Invalid("no profile in " + options.home + ": pass --user (or register)");
    }
    if (profiles.size() > 1) {
      return Status::Invalid("several profiles in " + options.home + ": pass --user");
    }
    user = profiles[0];
  }
  Profile& profile = session->profile;
  Status status = LoadProfile(options.home, user, &profile);
  const bool is_new = status.code() == Status::Code::kNotFound;
  if (!status.ok() && !is_new) return status;
  profile.user = user;
  if (profile.household.empty()) profile.household = options.household;
  if (options.server.empty() && !profile.server.empty()) client_options.server = profile.server;
  if (options.cacert.empty() && !profile.cacert.empty()) client_options.ca_file = profile.cacert;

  client::Credentials credentials;
  credentials.user = user;
  if (!profile.household.empty() && (!crypto::FromHex(profile.household, &credentials.household) ||
                                     credentials.household.size() != 16)) {
    return Status::Invalid("the household id must be 32 hex characters");
  }
  if (profile.is_device()) {
    credentials.auth_key = profile.auth_key.Copy();
    credentials.kek = profile.kek.Copy();
  } else {
    if (credentials.household.empty()) {
      return Status::Invalid("no profile for " + user +
                             " here: pass --household HEX (or FOYER_HOUSEHOLD) to log in");
    }
    status = ReadPassword(options.password_file, user, false, &credentials.password);
    if (!status.ok()) return status;
  }
  session->pins = std::make_unique<ProfilePins>(options.home, &profile);
  client_options.pins = session->pins.get();
  status = client::Client::Connect(client_options, std::move(credentials), &session->client);
  if (!status.ok()) return status;
  if (is_new || profile.server != client_options.server ||
      profile.cacert != client_options.ca_file || profile.role.empty()) {
    client::Identity identity;
    if (session->client->Whoami(&identity).ok()) profile.role = identity.role;
    profile.server = client_options.server;
    profile.cacert = client_options.ca_file;
    status = SaveProfile(options.home, profile);
    if (!status.ok()) return status;
  }
  return Status::OK();
}

}  // namespace cli
}  // namespace foyer
