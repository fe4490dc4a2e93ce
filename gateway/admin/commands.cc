// The command table and what the commands share.
#include "commands.h"

#include <algorithm>
#include <iostream>

namespace foyer {
namespace admin {

namespace po = boost::program_options;

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> commands = {
      {"status", "", "status", "server status: version, uptime, accounts, disk use", RunStatus},
      {"user", "list", "user list", "every account with its role, state and last login",
       RunUserList},
      {"user", "invite", "user invite NAME [--role R] [--ttl S]",
       "invite a person or device (prints a one-time code and link)", RunUserInvite},
      {"user", "disable", "user disable NAME", "disconnect an account and refuse its logins",
       RunUserDisable},
      {"user", "enable", "user enable NAME", "allow a disabled account again", RunUserEnable},
      {"user", "delete", "user delete NAME", "delete an account (removed from conversations)",
       RunUserDelete},
      {"user", "reset", "user reset NAME", "a new invite for an account (lost password)",
       RunUserReset},
      {"conv", "list", "conv list", "conversations: members, message counts and sizes",
       RunConvList},
      {"backup", "", "backup FILE", "download an encrypted snapshot of the store", RunBackup},
      {"restore", "", "restore FILE --data-dir DIR",
       "put a backup into a stopped instance's data directory", RunRestore},
      {"token", "create", "token create [--name NAME] [--out FILE]",
       "make an admin token for the REST API (logs in over MQTT as an admin)", RunTokenCreate},
      {"token", "list", "token list", "admin tokens: name, creator, created, last used",
       RunTokenList},
      {"token", "revoke", "token revoke NAME", "revoke an admin token at once", RunTokenRevoke},
      {"setup", "", "setup [--non-interactive ...]",
       "first-run wizard: configuration, master key, TLS certificates", RunSetup},
      {"expose", "", "expose [--remove | --show]",
       "map the TLS ports on the home router (UPnP IGD), or remove the mappings", RunExpose},
  };
  return commands;
}

bool ParseOrHelp(const std::vector<std::string>& args, const std::string& synopsis,
                 po::options_description options,
                 const po::positional_options_description& positional, po::variables_map* values,
                 const Context& context) {
  if (std::find(args.begin(), args.end(), "--help") != args.end() ||
      std::find(args.begin(), args.end(), "-h") != args.end()) {
    *context.out << "Usage: foyer-admin [global options] " << synopsis << "\n";
    if (!options.options().empty()) {
      // Positional arguments have no description: leave them out of the list.
      po::options_description shown("Options");
      for (const auto& option : options.options()) {
        if (!option->description().empty()) shown.add(option);
      }
      *context.out << "\n" << shown;
    }
    *context.out << "\n(`foyer-admin --help` lists the global options.)\n";
    return false;
  }
  ParseCommandArgs(args, options, positional, values);
  return true;
}

std::unique_ptr<RestClient> ConnectGateway(const Context& context) {
  if (context.global.token.empty()) {
    throw UsageError(
        "no admin token: set FOYER_ADMIN_TOKEN or give --token-file FILE "
        "(make one with `foyer-admin token create`)");
  }
  RestOptions options;
  options.url = context.global.url;
  options.token = context.global.token;
  options.cacert = context.global.cacert;
  options.timeout_s = context.global.timeout_s;
  std::unique_ptr<RestClient> client;
  Status status = RestClient::Create(options, &client);
  if (!status.ok()) throw UsageError(status.message());
  return client;
}

int ReportError(const Context& context, const Status& status) {
  *context.err << "foyer-admin: " << status.message() << "\n";
  return kExitError;
}

void PrintJson(const Context& context, const nlohmann::json& value) {
  *context.out << value.dump(2) << "\n";
}

}  // namespace admin
}  // namespace foyer
