// foyer-cli: global options, command parsing, error reporting.
#include <iostream>

#include "cli.h"

namespace foyer {
namespace cli {

po::options_description GlobalDescription(GlobalOptions* into, bool with_timeout) {
  po::options_description options("Global options");
  AddSessionOptions(&options, into);
  options.add_options()("cacert", po::value<std::string>(&into->cacert)->value_name("FILE"),
                        CacertHelp());
  if (with_timeout) {
    options.add_options()("timeout", po::value<int>(&into->timeout_seconds)->value_name("SECONDS"),
                          "how long to wait for the server (default 10)");
  }
  options.add_options()("help,h", "show this help");
  return options;
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
  ResolveSessionOptions(globals);
  return true;
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
