// foyer-cli: Foyer from the command line, for scripts and devices.
// Usage and exit codes: docs/cli.md.
#include <sys/resource.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli.h"
#include "foyer/crypto.h"

namespace {

using foyer::cli::GlobalOptions;
using Command = int (*)(GlobalOptions, const std::vector<std::string>&);

const std::map<std::string, Command>& Commands() {
  static const std::map<std::string, Command> commands = {
      {"register", foyer::cli::RunRegister},       {"invite", foyer::cli::RunInvite},
      {"whoami", foyer::cli::RunWhoami},           {"users", foyer::cli::RunUsers},
      {"fingerprint", foyer::cli::RunFingerprint}, {"trust", foyer::cli::RunTrust},
      {"conv", foyer::cli::RunConv},               {"send", foyer::cli::RunSend},
      {"listen", foyer::cli::RunListen},           {"history", foyer::cli::RunHistory},
      {"send-file", foyer::cli::RunSendFile},      {"fetch-file", foyer::cli::RunFetchFile},
  };
  return commands;
}

void PrintHelp(const foyer::cli::po::options_description& globals) {
  std::cout << "usage: foyer-cli [global options] COMMAND [options]\n\n"
               "Commands:\n"
               "  register --invite CODE                     redeem an invite\n"
               "  invite NAME [--device|--admin] [--ttl S]   (admin) print an invite code\n"
               "  whoami                                     user, role, household\n"
               "  users                                      accounts and fingerprints\n"
               "  fingerprint [NAME]                         safety number\n"
               "  trust NAME                                 accept NAME's changed keys\n"
               "  conv create --title T --member NAME...     print the new id\n"
               "  conv list                                  id, title, members\n"
               "  conv add --conv ID NAME [--no-history]\n"
               "  conv remove --conv ID NAME\n"
               "  conv leave --conv ID\n"
               "  send --conv ID [TEXT...]                   (stdin if no TEXT) print the seq\n"
               "  listen [--conv ID] [--count N] [--timeout S]   JSON lines\n"
               "  history --conv ID [--limit N]              JSON lines\n"
               "  send-file --conv ID [--caption T] PATH     print the seq and file id\n"
               "  fetch-file --conv ID --seq N [-o PATH]     save a shared file\n\n"
            << globals
            << "\nExit codes: 0 ok, 1 error, 2 usage, 3 timeout. See docs/cli.md.\n";
}

// Global options that take a value (to find where the command starts).
bool TakesValue(const std::string& option) {
  static const char* const kValued[] = {"--server", "--cacert",    "--user",   "--password-file",
                                        "--home",   "--household", "--timeout"};
  for (const char* valued : kValued) {
    if (option == valued) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // Secrets live in this process's memory: no core dumps.
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (!foyer::crypto::Init()) {
    std::cerr << "foyer-cli: libsodium cannot start" << std::endl;
    return foyer::cli::kExitError;
  }
  std::vector<std::string> words(argv + 1, argv + argc);
  size_t command_at = 0;
  while (command_at < words.size() && words[command_at].rfind("-", 0) == 0) {
    command_at += TakesValue(words[command_at]) ? 2 : 1;
  }
  GlobalOptions globals;
  auto description = foyer::cli::GlobalDescription(&globals, true);
  const std::vector<std::string> prefix(words.begin(),
                                        words.begin() + std::min(command_at, words.size()));
  try {
    foyer::cli::ParseCommand(prefix, description, {});
  } catch (const foyer::cli::po::error& error) {
    return foyer::cli::UsageFail(error.what());
  }
  const bool help = std::find(prefix.begin(), prefix.end(), "-h") != prefix.end() ||
                    std::find(prefix.begin(), prefix.end(), "--help") != prefix.end();
  if (command_at >= words.size()) {
    PrintHelp(description);
    return help ? foyer::cli::kExitOk : foyer::cli::kExitUsage;
  }
  if (help) {
    PrintHelp(description);
    return foyer::cli::kExitOk;
  }
  auto command = Commands().find(words[command_at]);
  if (command == Commands().end()) {
    return foyer::cli::UsageFail("unknown command: " + words[command_at]);
  }
  const std::vector<std::string> rest(words.begin() + command_at + 1, words.end());
  try {
    return command->second(globals, rest);
  } catch (const std::exception& error) {
    std::cerr << "foyer-cli: " << error.what() << std::endl;
    return foyer::cli::kExitError;
  }
}
