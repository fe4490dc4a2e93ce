// token create / list / revoke: admin tokens for the REST API. A token cannot
// make tokens (docs/admin-api.md), so these commands do not go through the
// gateway: they log in over MQTT as an admin person, like foyer-cli (profile
// in the home directory, password from --password-file, FOYER_PASSWORD or a
// prompt), and send the plugin ops token_create, token_list, token_revoke
// (docs/protocol.md §7). That is also how the very first token is made.
#include <iostream>

#include "commands.h"
#include "files.h"
#include "foyer/cli/session.h"
#include "table.h"

namespace foyer {
namespace admin {

namespace po = boost::program_options;

namespace {

// Logs in with `session_options` and sends `request`.
Status LoginAndRequest(const cli::SessionOptions& session_options, const nlohmann::json& request,
                       nlohmann::json* response) {
  cli::Session session;
  Status status = cli::OpenSession(session_options, cli::BaseOptions(session_options), &session);
  if (!status.ok()) {
    std::string who = session.profile.user.empty() ? "" : " as " + session.profile.user;
    return Status::FromCode(status.code(), "cannot log in" + who + ": " + status.message());
  }
  return session.client->Request(request, response);
}

// The login options every token command takes, and their description.
struct TokenArgs {
  cli::SessionOptions session;
  po::options_description options{"Login (as an admin person, over MQTT)"};

  TokenArgs() { cli::AddSessionOptions(&options, &session); }
};

// Fills what the command line left empty: --cacert and --timeout are global
// options of foyer-admin (FOYER_ADMIN_CACERT), then the environment of
// foyer-cli (FOYER_SERVER, FOYER_CACERT, FOYER_USER, FOYER_HOME, ...).
void Resolve(const Context& context, cli::SessionOptions* session) {
  session->cacert = context.global.cacert;
  session->timeout_seconds = context.global.timeout_s;
  cli::ResolveSessionOptions(session, context.env);
}

Status Send(const Context& context, const cli::SessionOptions& session,
            const nlohmann::json& request, nlohmann::json* response) {
  if (context.mqtt_request) return context.mqtt_request(session, request, response);
  return LoginAndRequest(session, request, response);
}

std::string Text(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

int RunTokenCreate(const std::vector<std::string>& args, Context& context) {
  TokenArgs token_args;
  po::options_description options("Options");
  options.add_options()("name", po::value<std::string>()->value_name("NAME"),
                        "a name for the token, to list and revoke it (default token-N)")(
      "out", po::value<std::string>()->value_name("FILE"),
      "write the token to FILE (mode 0600, for --token-file) instead of printing it")(
      "force", po::bool_switch(), "with --out: replace an existing FILE");
  options.add(token_args.options);
  po::variables_map values;
  if (!ParseOrHelp(args, "token create [--name NAME] [--out FILE] [login options]", options, {},
                   &values, context)) {
    return kExitOk;
  }
  std::string out_file = values.count("out") ? values["out"].as<std::string>() : "";
  if (!out_file.empty() && PathExists(out_file) && !values["force"].as<bool>()) {
    // Checked before the token exists: a token that cannot be saved is lost.
    throw UsageError(out_file + " exists (--force replaces it)");
  }
  Resolve(context, &token_args.session);
  nlohmann::json request = {{"op", "token_create"}};
  if (values.count("name")) request["name"] = values["name"].as<std::string>();
  nlohmann::json answer;
  Status status = Send(context, token_args.session, request, &answer);
  if (!status.ok()) return ReportError(context, status);
  std::string token = Text(answer, "token");
  std::string name = Text(answer, "name");
  if (token.empty()) {
    return ReportError(context, Status::Internal("the server's answer holds no token"));
  }
  if (!out_file.empty()) {
    status = WriteFileAtomic(out_file, token + "\n", 0600);
    if (!status.ok()) {
      ReportError(context, status);
      *context.err << "foyer-admin: the token " << name
                   << " was made but could not be saved: revoke it with `foyer-admin token "
                      "revoke "
                   << name << "`\n";
      return kExitError;
    }
    if (context.global.json) {
      answer.erase("token");
      answer["file"] = out_file;
      PrintJson(context, answer);
    } else {
      *context.out << "Admin token " << name << " written to " << out_file
                   << " (mode 0600). Use it with --token-file " << out_file << ".\n";
    }
    return kExitOk;
  }
  if (context.global.json) {
    PrintJson(context, answer);
  } else {
    // The token alone on stdout (for `$(...)`), the advice on stderr.
    *context.out << token << "\n";
    *context.err << "Admin token " << name
                 << " created. It is shown only this once: keep it private (a file of mode "
                    "0600 for --token-file, or FOYER_ADMIN_TOKEN). Revoke it with `foyer-admin "
                    "token revoke "
                 << name << "`.\n";
  }
  return kExitOk;
}

int RunTokenList(const std::vector<std::string>& args, Context& context) {
  TokenArgs token_args;
  po::variables_map values;
  if (!ParseOrHelp(args, "token list [login options]", token_args.options, {}, &values, context)) {
    return kExitOk;
  }
  Resolve(context, &token_args.session);
  nlohmann::json answer;
  Status status = Send(context, token_args.session, {{"op", "token_list"}}, &answer);
  if (!status.ok()) return ReportError(context, status);
  nlohmann::json tokens = nlohmann::json::array();
  for (const nlohmann::json& token : answer.value("tokens", nlohmann::json::array())) {
    if (!token.is_object()) continue;
    // Only what the list is for: never a secret, whatever the server sends.
    nlohmann::json shown = nlohmann::json::object();
    for (const char* field : {"name", "creator", "created", "last_used"}) {
      if (token.contains(field)) shown[field] = token[field];
    }
    tokens.push_back(shown);
  }
  if (context.global.json) {
    PrintJson(context, {{"tokens", tokens}});
    return kExitOk;
  }
  Table table({"NAME", "CREATOR", "CREATED", "LAST USED"});
  for (const nlohmann::json& token : tokens) {
    nlohmann::json last_used = token.value("last_used", nlohmann::json());
    bool never = !last_used.is_number() || last_used.get<double>() <= 0;
    table.AddRow({Text(token, "name"), Text(token, "creator"),
                  FormatTime(token.value("created", nlohmann::json())),
                  never ? "never" : FormatTime(last_used)});
  }
  table.Print(*context.out);
  return kExitOk;
}

int RunTokenRevoke(const std::vector<std::string>& args, Context& context) {
  TokenArgs token_args;
  po::options_description options;
  options.add_options()("name", po::value<std::string>()->required(), "");
  options.add(token_args.options);
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map values;
  if (!ParseOrHelp(args, "token revoke NAME [login options]", options, positional, &values,
                   context)) {
    return kExitOk;
  }
  Resolve(context, &token_args.session);
  std::string name = values["name"].as<std::string>();
  nlohmann::json answer;
  Status status =
      Send(context, token_args.session, {{"op", "token_revoke"}, {"name", name}}, &answer);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, answer);
  } else {
    *context.out << "Admin token " << name << " is revoked: the gateway refuses it from now on.\n";
  }
  return kExitOk;
}

}  // namespace admin
}  // namespace foyer
