#include "command_line.h"

#include <fstream>
#include <iostream>

#include "commands.h"

namespace foyer {
namespace admin {

namespace po = boost::program_options;

namespace {

// No abbreviated long options: `--t` must not silently mean `--token`.
constexpr int kStyle =
    po::command_line_style::default_style & ~po::command_line_style::allow_guessing;

std::string ReadTokenFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw UsageError("cannot read the token file " + path);
  std::string line;
  std::getline(file, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.empty()) throw UsageError("the token file " + path + " is empty");
  return line;
}

void PrintUsage(std::ostream& out) {
  out << "Usage: foyer-admin [options] COMMAND [arguments]\n\nCommands:\n";
  size_t width = 0;
  for (const CommandSpec& spec : Commands())
    width = std::max(width, std::string(spec.synopsis).size());
  for (const CommandSpec& spec : Commands()) {
    std::string synopsis = spec.synopsis;
    out << "  " << synopsis << std::string(width - synopsis.size() + 2, ' ') << spec.summary
        << "\n";
  }
  out << "\n"
      << GlobalOptionsDescription()
      << "\n`foyer-admin COMMAND --help` shows a command's own options.\n"
         "Exit codes: 0 success, 1 the operation failed, 2 wrong command line.\n";
}

}  // namespace

po::options_description GlobalOptionsDescription() {
  po::options_description options("Global options");
  options.add_options()("url", po::value<std::string>()->value_name("URL"),
                        "gateway address (env FOYER_ADMIN_URL; default http://127.0.0.1:8080)")(
      "token", po::value<std::string>()->value_name("TOKEN"),
      "admin token (prefer FOYER_ADMIN_TOKEN or --token-file: a command line is "
      "visible to every user of the machine)")("token-file",
                                               po::value<std::string>()->value_name("FILE"),
                                               "read the admin token from the first line of FILE")(
      "cacert", po::value<std::string>()->value_name("FILE"),
      "CA certificate that the gateway's (and broker's) certificate must chain to "
      "(env FOYER_ADMIN_CACERT; default: the system's trust store)")(
      "json", po::bool_switch(), "print the raw JSON answers instead of tables")(
      "timeout", po::value<int>()->value_name("SECONDS")->default_value(30),
      "how long to wait for the gateway or the broker")(
      "help,h", po::bool_switch(), "show help (after a command: the command's help)");
  return options;
}

GlobalOptions ParseGlobalOptions(const std::vector<std::string>& args, const EnvFunction& env) {
  po::options_description all = GlobalOptionsDescription();
  all.add_options()("words", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("words", -1);
  po::variables_map values;
  GlobalOptions global;
  try {
    po::parsed_options parsed = po::command_line_parser(args)
                                    .options(all)
                                    .positional(positional)
                                    .style(kStyle)
                                    .allow_unregistered()
                                    .run();
    po::store(parsed, values);
    po::notify(values);
    global.rest = po::collect_unrecognized(parsed.options, po::include_positional);
  } catch (const po::error& error) {
    throw UsageError(error.what());
  }
  auto from_env = [&](const char* name) -> std::string {
    const char* value = env ? env(name) : nullptr;
    return value != nullptr ? value : "";
  };
  if (values.count("url")) {
    global.url = values["url"].as<std::string>();
  } else if (!from_env("FOYER_ADMIN_URL").empty()) {
    global.url = from_env("FOYER_ADMIN_URL");
  }
  if (values.count("token") && values.count("token-file")) {
    throw UsageError("give --token or --token-file, not both");
  }
  if (values.count("token")) {
    global.token = values["token"].as<std::string>();
  } else if (values.count("token-file")) {
    global.token = ReadTokenFile(values["token-file"].as<std::string>());
  } else {
    global.token = from_env("FOYER_ADMIN_TOKEN");
  }
  global.cacert =
      values.count("cacert") ? values["cacert"].as<std::string>() : from_env("FOYER_ADMIN_CACERT");
  global.json = values["json"].as<bool>();
  global.help = values["help"].as<bool>();
  global.timeout_s = values["timeout"].as<int>();
  if (global.timeout_s < 1 || global.timeout_s > 3600) {
    throw UsageError("--timeout must be 1..3600 seconds");
  }
  return global;
}

void ParseCommandArgs(const std::vector<std::string>& args, const po::options_description& options,
                      const po::positional_options_description& positional,
                      po::variables_map* values) {
  try {
    po::store(
        po::command_line_parser(args).options(options).positional(positional).style(kStyle).run(),
        *values);
    po::notify(*values);
  } catch (const po::too_many_positional_options_error&) {
    throw UsageError("too many arguments");
  } catch (const po::error& error) {
    throw UsageError(error.what());
  }
}

int Run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err, const EnvFunction& env) {
  Context context;
  context.in = &in;
  context.out = &out;
  context.err = &err;
  context.env = env;
  return RunCommand(args, context);
}

int RunCommand(const std::vector<std::string>& args, Context& context) {
  std::ostream& out = *context.out;
  std::ostream& err = *context.err;
  const EnvFunction& env = context.env;
  try {
    context.global = ParseGlobalOptions(args, env);
    const std::vector<std::string>& rest = context.global.rest;
    if (rest.empty()) {
      PrintUsage(context.global.help ? out : err);
      return context.global.help ? kExitOk : kExitUsage;
    }
    const CommandSpec* match = nullptr;
    bool word_known = false;
    for (const CommandSpec& spec : Commands()) {
      if (rest[0] != spec.word) continue;
      word_known = true;
      std::string subword = spec.subword;
      if (subword.empty() || (rest.size() > 1 && rest[1] == subword)) {
        match = &spec;
        break;
      }
    }
    if (match == nullptr) {
      if (!word_known) throw UsageError("unknown command \"" + rest[0] + "\"");
      std::string known;
      for (const CommandSpec& spec : Commands()) {
        if (rest[0] == spec.word) known += std::string(known.empty() ? "" : ", ") + spec.subword;
      }
      throw UsageError("\"" + rest[0] + "\" needs one of: " + known);
    }
    size_t skip = std::string(match->subword).empty() ? 1 : 2;
    std::vector<std::string> command_args(rest.begin() + static_cast<long>(skip), rest.end());
    if (context.global.help) {
      command_args.push_back("--help");
    }
    return match->run(command_args, context);
  } catch (const UsageError& error) {
    err << "foyer-admin: " << error.what() << "\n(see `foyer-admin --help`)\n";
    return kExitUsage;
  }
}

}  // namespace admin
}  // namespace foyer
