// The commands of foyer-admin, one table for dispatch and help.
#ifndef FOYER_GATEWAY_ADMIN_COMMANDS_H_
#define FOYER_GATEWAY_ADMIN_COMMANDS_H_

#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command_line.h"
#include "foyer/cli/session.h"
#include "foyer/status.h"
#include "rest_client.h"

namespace foyer {
namespace admin {

// Sends one op of docs/protocol.md §7 over MQTT, logged in as a person with
// resolved `session` options (the token commands). OK with the response, or
// the login's or the server's error.
using MqttRequestFunction = std::function<Status(
    const cli::SessionOptions& session, const nlohmann::json& request, nlohmann::json* response)>;

// What every command gets.
struct Context {
  GlobalOptions global;
  std::istream* in = nullptr;
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;
  EnvFunction env;
  // Null: a real login through foyer_cli_session (OpenSession). Tests set
  // their own.
  MqttRequestFunction mqtt_request;
};

// A command returns its exit code; it throws UsageError for a wrong command
// line and prints its own errors otherwise.
using CommandFunction = int (*)(const std::vector<std::string>& args, Context& context);

struct CommandSpec {
  const char* word;      // "user"
  const char* subword;   // "list", or "" for a one-word command
  const char* synopsis;  // "user invite NAME [--role ROLE] [--ttl SECONDS]"
  const char* summary;
  CommandFunction run;
};

const std::vector<CommandSpec>& Commands();

// Run() with a context made by the caller (tests set mqtt_request): parses
// the global options in `args` into context.global and runs the command.
int RunCommand(const std::vector<std::string>& args, Context& context);

// rest_commands.cc
int RunStatus(const std::vector<std::string>& args, Context& context);
int RunUserList(const std::vector<std::string>& args, Context& context);
int RunUserInvite(const std::vector<std::string>& args, Context& context);
int RunUserDisable(const std::vector<std::string>& args, Context& context);
int RunUserEnable(const std::vector<std::string>& args, Context& context);
int RunUserDelete(const std::vector<std::string>& args, Context& context);
int RunUserReset(const std::vector<std::string>& args, Context& context);
int RunConvList(const std::vector<std::string>& args, Context& context);

// Parses a command's arguments (see ParseCommandArgs). With --help, prints
// `synopsis` and the options instead and returns false.
bool ParseOrHelp(const std::vector<std::string>& args, const std::string& synopsis,
                 boost::program_options::options_description options,
                 const boost::program_options::positional_options_description& positional,
                 boost::program_options::variables_map* values, const Context& context);

// backup_commands.cc
int RunBackup(const std::vector<std::string>& args, Context& context);
int RunRestore(const std::vector<std::string>& args, Context& context);

// token_commands.cc (over MQTT as an admin person, not through the gateway)
int RunTokenCreate(const std::vector<std::string>& args, Context& context);
int RunTokenList(const std::vector<std::string>& args, Context& context);
int RunTokenRevoke(const std::vector<std::string>& args, Context& context);

// setup_command.cc
int RunSetup(const std::vector<std::string>& args, Context& context);

// expose_command.cc
int RunExpose(const std::vector<std::string>& args, Context& context);

// Shared by the commands: a REST client for the global options (UsageError
// when no token was given), and the error printer (returns kExitError).
std::unique_ptr<RestClient> ConnectGateway(const Context& context);
int ReportError(const Context& context, const Status& status);
// Prints `value` as indented JSON.
void PrintJson(const Context& context, const nlohmann::json& value);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_COMMANDS_H_
