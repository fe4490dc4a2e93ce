// foyer-admin's command line: global options (gateway address, token, CA,
// output format), then a command of one or two words and its own options.
//
//   foyer-admin [global options] COMMAND [SUBCOMMAND] [arguments and options]
//
// Global options may also follow the command. Exit codes: 0 success, 1 the
// operation failed, 2 the command line is wrong.
#ifndef FOYER_GATEWAY_ADMIN_COMMAND_LINE_H_
#define FOYER_GATEWAY_ADMIN_COMMAND_LINE_H_

#include <boost/program_options.hpp>
#include <functional>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "foyer/status.h"

namespace foyer {
namespace admin {

enum ExitCode { kExitOk = 0, kExitError = 1, kExitUsage = 2 };

// A wrong command line: printed with a hint, exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads an environment variable (nullptr when unset); tests pass their own.
using EnvFunction = std::function<const char*(const char*)>;

struct GlobalOptions {
  // Gateway address: --url, else FOYER_ADMIN_URL.
  std::string url = "http://127.0.0.1:8080";
  // Admin token: --token, --token-file (first line), else FOYER_ADMIN_TOKEN.
  std::string token;
  // CA certificate for https:// and mqtts://: --cacert, else FOYER_ADMIN_CACERT.
  std::string cacert;
  // Print the gateway's JSON instead of tables.
  bool json = false;
  // Seconds to wait for the gateway (or the broker).
  int timeout_s = 30;
  bool help = false;
  // The command words and everything after them, in order.
  std::vector<std::string> rest;
};

// The global options' description (for --help and for parsing).
boost::program_options::options_description GlobalOptionsDescription();

// Parses `args` (argv without the program name). Throws UsageError.
GlobalOptions ParseGlobalOptions(const std::vector<std::string>& args, const EnvFunction& env);

// Parses a command's own arguments against `options` and `positional` into
// `values` (notify() done). Throws UsageError on an unknown option, a missing
// value, or too many arguments.
void ParseCommandArgs(const std::vector<std::string>& args,
                      const boost::program_options::options_description& options,
                      const boost::program_options::positional_options_description& positional,
                      boost::program_options::variables_map* values);

// Runs foyer-admin; returns the exit code. `in` is where the setup wizard
// reads answers when it is interactive.
int Run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err, const EnvFunction& env);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_COMMAND_LINE_H_
