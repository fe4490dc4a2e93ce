// foyer-cli: global options, login, error reporting.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <utility>

#include "cli.h"
#include "password.h"

namespace foyer {
namespace cli {

po::options_description GlobalDescription(GlobalOptions* into, bool with_timeout) {
  po::options_description options("Global options");
  options.add_options()
      ("server", po::value<std::string>(&into->server)->value_name("URL"),
       "broker address (env FOYER_SERVER; default mqtt://127.0.0.1:1883)")
      ("cacert", po::value<std::string>(&into->cacert)->value_name("FILE"),
       "CA certificate for mqtts:// (env FOYER_CACERT; default: the profile's, else the "
       "system's trust store)")
      ("user", po::value<std::string>(&into->user)->value_name("NAME"),
       "account (env FOYER_USER; default: the only profile in the home directory)")
      ("password-file", po::value<std::string>(&into->password_file)->value_name("PATH"),
       "file holding the password (else env FOYER_PASSWORD, else a prompt on a terminal)")
      ("home", po::value<std::string>(&into->home)->value_name("DIR"),
       "profile directory (env FOYER_HOME; default $HOME/.foyer)")
      ("household", po::value<std::string>(&into->household)->value_name("HEX"),
       "household id for a first login without a profile (env FOYER_HOUSEHOLD)");
  if (with_timeout) {
    options.add_options()("timeout", po::value<int>(&into->timeout_seconds)->value_name("SECONDS"),
                          "how long to wait for the server (default 10)");
  }
  options.add_options()("help,h", "show this help");
  return options;
}

void ResolveGlobals(GlobalOptions* options) {
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
  };
  if (options->server.empty()) options->server = env("FOYER_SERVER");
  if (options->cacert.empty()) options->cacert = env("FOYER_CACERT");
  // Saved in the profile: it must still name the file from another directory.
  if (!options->cacert.empty()) {
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(options->cacert, error);
    if (!error) options->cacert = absolute.lexically_normal().string();
  }
  if (options->user.empty()) options->user = env("FOYER_USER");
  if (options->household.empty()) options->household = env("FOYER_HOUSEHOLD");
  if (options->home.empty()) options->home = env("FOYER_HOME");
  if (options->home.empty()) options->home = env("HOME") + "/.foyer";
  if (options->timeout_seconds < 0) options->timeout_seconds = 10;
}

po::variables_map ParseCommand(const std::vector<std::string>& args,
                               const po::options_description& options,
                               const po::positional_options_description& positional) {
  po::variables_map values;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
  po::notify(values);
  return values;
}

bool ParseArgs(const char* usage, GlobalOptions* globals, po::options_description specific,
               const po::positional_options_description& positional,
               const std::vector<std::string>& args, po::variables_map* values, int* exit,
               bool with_timeout) {
  specific.add(GlobalDescription(globals, with_timeout));
  try {
    *values = ParseCommand(args, specific, positional);
  } catch (const po::error& error) {
    *exit = UsageFail(error.what());
    return false;
  }
  if (values->count("help")) {
    std::cout << "usage: foyer-cli " << usage << "\n" << specific;
    *exit = kExitOk;
    return false;
  }
  ResolveGlobals(globals);
  return true;
}

client::Options BaseOptions(const GlobalOptions& globals) {
  client::Options options;
  if (!globals.server.empty()) options.server = globals.server;
  options.ca_file = globals.cacert;
  options.timeout_ms = globals.timeout_seconds * 1000;
  return options;
}

Status OpenSession(const GlobalOptions& globals, client::Options options, Session* session) {
  session->globals = globals;
  std::string user = globals.user;
  if (user.empty()) {
    std::vector<std::string> profiles = ListProfiles(globals.home);
    if (profiles.empty()) {
      return Status::Invalid("no profile in " + globals.home + ": pass --user (or register)");
    }
    if (profiles.size() > 1) return Status::Invalid("several profiles in " + globals.home +
                                                    ": pass --user");
    user = profiles[0];
  }
  Profile& profile = session->profile;
  Status status = LoadProfile(globals.home, user, &profile);
  const bool is_new = status.code() == Status::Code::kNotFound;
  if (!status.ok() && !is_new) return status;
  profile.user = user;
  if (profile.household.empty()) profile.household = globals.household;
  if (globals.server.empty() && !profile.server.empty()) options.server = profile.server;
  if (globals.cacert.empty() && !profile.cacert.empty()) options.ca_file = profile.cacert;

  client::Credentials credentials;
  credentials.user = user;
  if (!profile.household.empty() &&
      (!crypto::FromHex(profile.household, &credentials.household) ||
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
    status = ReadPassword(globals.password_file, user, false, &credentials.password);
    if (!status.ok()) return status;
  }
  session->pins = std::make_unique<ProfilePins>(globals.home, &profile);
  options.pins = session->pins.get();
  status = client::Client::Connect(options, std::move(credentials), &session->client);
  if (!status.ok()) return status;
  if (is_new || profile.server != options.server || profile.cacert != options.ca_file ||
      profile.role.empty()) {
    client::Identity identity;
    if (session->client->Whoami(&identity).ok()) profile.role = identity.role;
    profile.server = options.server;
    profile.cacert = options.ca_file;
    status = SaveProfile(globals.home, profile);
    if (!status.ok()) return status;
  }
  return Status::OK();
}

int Fail(const Status& status) {
  std::cerr << "foyer-cli: " << status.ToString() << std::endl;
  return client::IsTimeout(status) ? kExitTimeout : kExitError;
}

int UsageFail(const std::string& message) {
  std::cerr << "foyer-cli: " << message << "\n(see foyer-cli --help)" << std::endl;
  return kExitUsage;
}

}  // namespace cli
}  // namespace foyer
