// foyer-cli internals: global options and the commands (the login session
// is foyer_cli_session: foyer/cli/session.h).
// docs/cli.md is the user's documentation of the interface.
#ifndef FOYER_CLI_CLI_H_
#define FOYER_CLI_CLI_H_

#include <boost/program_options.hpp>
#include <memory>
#include <string>
#include <vector>

#include "foyer/cli/session.h"
#include "foyer/client.h"
#include "foyer/status.h"

namespace foyer {
namespace cli {

namespace po = boost::program_options;

// Exit codes (scripts rely on them).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitTimeout = 3;

// Options valid before and after the command: the session's (session.h)
// plus --cacert and --timeout.
using GlobalOptions = SessionOptions;

// The description of the global options; `with_timeout` false for commands
// that have a --timeout of their own (listen).
po::options_description GlobalDescription(GlobalOptions* into, bool with_timeout);
// Parses a command's arguments (global options allowed too); throws
// po::error on bad usage.
po::variables_map ParseCommand(const std::vector<std::string>& args,
                               const po::options_description& options,
                               const po::positional_options_description& positional);

// Parses a command's `args` with its `specific` options plus the global ones
// (then resolved by ResolveSessionOptions). False when parsing failed (usage error printed) or help
// was shown; *exit is then the exit code.
bool ParseArgs(const char* usage, GlobalOptions* globals, po::options_description specific,
               const po::positional_options_description& positional,
               const std::vector<std::string>& args, po::variables_map* values, int* exit,
               bool with_timeout = true);

// Prints "foyer-cli: <error>" on stderr; returns 3 for a timeout, else 1.
int Fail(const Status& status);
// Prints a usage error; returns 2.
int UsageFail(const std::string& message);

// Commands: `args` are the words after the command name.
int RunRegister(GlobalOptions globals, const std::vector<std::string>& args);
int RunInvite(GlobalOptions globals, const std::vector<std::string>& args);
int RunWhoami(GlobalOptions globals, const std::vector<std::string>& args);
int RunUsers(GlobalOptions globals, const std::vector<std::string>& args);
int RunFingerprint(GlobalOptions globals, const std::vector<std::string>& args);
int RunTrust(GlobalOptions globals, const std::vector<std::string>& args);
int RunConv(GlobalOptions globals, const std::vector<std::string>& args);
int RunSend(GlobalOptions globals, const std::vector<std::string>& args);
int RunListen(GlobalOptions globals, const std::vector<std::string>& args);
int RunHistory(GlobalOptions globals, const std::vector<std::string>& args);
int RunSendFile(GlobalOptions globals, const std::vector<std::string>& args);
int RunFetchFile(GlobalOptions globals, const std::vector<std::string>& args);

}  // namespace cli
}  // namespace foyer

#endif  // FOYER_CLI_CLI_H_
