// foyer_cli_session: logging in as a person or device from a command line,
// shared by foyer-cli and foyer-admin (docs/cli.md: where the server, the CA,
// the user, the household and the password come from; the profiles).
#ifndef FOYER_CLI_SESSION_SESSION_H_
#define FOYER_CLI_SESSION_SESSION_H_

#include <boost/program_options.hpp>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "foyer/cli/profile.h"
#include "foyer/client.h"
#include "foyer/status.h"

namespace foyer {
namespace cli {

// Where to log in and as whom. Empty strings: not given.
struct SessionOptions {
  std::string server;
  std::string cacert;  // absolute once resolved
  std::string user;
  std::string password_file;
  std::string home;
  std::string household;
  int timeout_seconds = -1;  // -1: not given
};

// Adds --server, --user, --password-file, --home and --household, stored
// into `into`, to `options` (the program adds --cacert and --timeout where
// its own global options are).
void AddSessionOptions(boost::program_options::options_description* options, SessionOptions* into);
// The --cacert option's description, for programs that offer it.
const char* CacertHelp();

// Reads an environment variable (nullptr when unset).
using EnvFunction = std::function<const char*(const char*)>;
// Fills unset fields from FOYER_SERVER, FOYER_CACERT, FOYER_USER,
// FOYER_HOUSEHOLD, FOYER_HOME (else $HOME/.foyer) and the default timeout
// (10 s); makes the CA path absolute (it is saved in the profile).
void ResolveSessionOptions(SessionOptions* options, const EnvFunction& env = std::getenv);

// client::Options for resolved `options` (server, CA file, timeout).
client::Options BaseOptions(const SessionOptions& options);

// A logged-in client with its profile.
struct Session {
  SessionOptions options;
  Profile profile;
  std::unique_ptr<ProfilePins> pins;
  std::unique_ptr<client::Client> client;
};

// Logs in with resolved `options`: the user is the only profile in the home
// directory when none is given; the server and CA file come from the
// profile when not given; a person's password from ReadPassword (password.h).
// Saves the profile after a person's first login, and when the server, the
// CA file or the role changed. Denied when the server refused the login.
Status OpenSession(const SessionOptions& options, client::Options client_options, Session* session);

}  // namespace cli
}  // namespace foyer

#endif  // FOYER_CLI_SESSION_SESSION_H_
