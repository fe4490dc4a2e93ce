// The commands that call the gateway's admin REST API: status, users,
// conversations.
#include <algorithm>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "table.h"

namespace foyer {
namespace admin {

namespace po = boost::program_options;

namespace {

// The number in `object[name]`, 0 when absent or not a number.
uint64_t Number(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number()) return 0;
  return it->is_number_unsigned() ? it->get<uint64_t>()
                                  : static_cast<uint64_t>(std::max<int64_t>(0, it->get<int64_t>()));
}

std::string Text(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool Flag(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// Parses "COMMAND NAME" and returns NAME, or "" after printing help.
std::string ParseName(const std::vector<std::string>& args, const std::string& synopsis,
                      const Context& context) {
  po::options_description options;
  options.add_options()("name", po::value<std::string>()->required());
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map values;
  if (!ParseOrHelp(args, synopsis, options, positional, &values, context)) return "";
  return values["name"].as<std::string>();
}

void PrintInvite(const Context& context, const nlohmann::json& answer, const std::string& what) {
  std::ostream& out = *context.out;
  out << what << "\n"
      << "  code     " << Text(answer, "code") << "\n";
  if (!Text(answer, "link").empty()) out << "  link     " << Text(answer, "link") << "\n";
  out << "  expires  " << FormatTime(answer.value("expires", nlohmann::json())) << "\n"
      << "Give the code (or the link) to the person, privately: whoever holds it can register"
         " as this user until it expires.\n";
}

// POST /api/v1/users/NAME/ACTION (or DELETE) and a one-line confirmation.
int RunUserAction(const std::vector<std::string>& args, Context& context, const std::string& action,
                  const std::string& done) {
  std::string name = ParseName(args, "user " + action + " NAME", context);
  if (name.empty()) return kExitOk;
  auto gateway = ConnectGateway(context);
  nlohmann::json answer;
  std::string path = "/api/v1/users/" + EscapePathSegment(name);
  Status status = action == "delete"
                      ? gateway->Delete(path, &answer)
                      : gateway->Post(path + "/" + action, nlohmann::json::object(), &answer);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, answer);
  } else {
    *context.out << name << " " << done << "\n";
  }
  return kExitOk;
}

}  // namespace

int RunStatus(const std::vector<std::string>& args, Context& context) {
  po::variables_map values;
  if (!ParseOrHelp(args, "status", {}, {}, &values, context)) return kExitOk;
  auto gateway = ConnectGateway(context);
  nlohmann::json answer;
  Status status = gateway->Get("/api/v1/status", &answer);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, answer);
    return kExitOk;
  }
  Table table({"", ""});
  table.AddRow({"household", Text(answer, "household")});
  table.AddRow({"version", Text(answer, "version")});
  table.AddRow({"uptime", FormatDuration(Number(answer, "uptime_s"))});
  table.AddRow({"people", std::to_string(Number(answer, "users"))});
  table.AddRow({"devices", std::to_string(Number(answer, "devices"))});
  table.AddRow({"connected", std::to_string(Number(answer, "connected"))});
  table.AddRow({"messages", std::to_string(Number(answer, "messages"))});
  table.AddRow({"disk", FormatBytes(Number(answer, "disk_bytes"))});
  std::ostringstream text;
  table.Print(text);
  // The header row of a key/value table is empty: drop it.
  std::string printed = text.str();
  *context.out << printed.substr(printed.find('\n') + 1);
  return kExitOk;
}

int RunUserList(const std::vector<std::string>& args, Context& context) {
  po::variables_map values;
  if (!ParseOrHelp(args, "user list", {}, {}, &values, context)) return kExitOk;
  auto gateway = ConnectGateway(context);
  nlohmann::json answer;
  Status status = gateway->Get("/api/v1/users", &answer);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, answer);
    return kExitOk;
  }
  Table table({"NAME", "ROLE", "STATE", "ONLINE", "CREATED", "LAST SEEN"});
  for (const nlohmann::json& user : answer.value("users", nlohmann::json::array())) {
    if (!user.is_object()) continue;
    std::string state = Flag(user, "disabled")     ? "disabled"
                        : Flag(user, "registered") ? "active"
                                                   : "invited";
    table.AddRow({Text(user, "name"), Text(user, "role"), state,
                  Flag(user, "online") ? "yes" : "no",
                  FormatTime(user.value("created", nlohmann::json())),
                  FormatTime(user.value("last_seen", nlohmann::json()))});
  }
  table.Print(*context.out);
  return kExitOk;
}

int RunUserInvite(const std::vector<std::string>& args, Context& context) {
  po::options_description options("Options");
  options.add_options()("name", po::value<std::string>()->required(), "")(
      "role", po::value<std::string>()->default_value("member")->value_name("ROLE"),
      "member, admin or device")(
      "ttl", po::value<uint64_t>()->value_name("SECONDS"),
      "how long the invite stays valid (60..2592000; default: the server's, 7 days)");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map values;
  if (!ParseOrHelp(args, "user invite NAME [--role member|admin|device] [--ttl SECONDS]", options,
                   positional, &values, context)) {
    return kExitOk;
  }
  std::string role = values["role"].as<std::string>();
  if (role != "member" && role != "admin" && role != "device") {
    throw UsageError("--role must be member, admin or device");
  }
  nlohmann::json body = {{"name", values["name"].as<std::string>()}, {"role", role}};
  if (values.count("ttl")) body["ttl"] = values["ttl"].as<uint64_t>();
  auto gateway = ConnectGateway(context);
  nlohmann::json answer;
  Status status = gateway->Post("/api/v1/users", body, &answer);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, answer);
  } else {
    PrintInvite(context, answer,
                "Invited " + Text(answer, "user") + " (" + Text(answer, "role") + ").");
  }
  return kExitOk;
}

int RunUserDisable(const std::vector<std::string>& args, Context& context) {
  return RunUserAction(args, context, "disable",
                       "is disabled: disconnected, and cannot log in until enabled.");
}

int RunUserEnable(const std::vector<std::string>& args, Context& context) {
  return RunUserAction(args, context, "enable", "is enabled.");
}

int RunUserDelete(const std::vector<std::string>& args, Context& context) {
  return RunUserAction(args, context, "delete", "is deleted and removed from every conversation.");
}

int RunUserReset(const std::vector<std::string>& args, Context& context) {
  std::string name = ParseName(args, "user reset NAME", context);
  if (name.empty()) return kExitOk;
  auto gateway = ConnectGateway(context);
  nlohmann::json answer;
  Status status = gateway->Post("/api/v1/users/" + EscapePathSegment(name) + "/reset",
                                nlohmann::json::object(), &answer);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, answer);
    return kExitOk;
  }
  PrintInvite(context, answer,
              "New invite for " + name +
                  ". The account keeps its conversations; the person registers again with this "
                  "code. Old messages stay readable only if he registers with the key bundle "
                  "he kept (see docs/setup.md).");
  return kExitOk;
}

int RunConvList(const std::vector<std::string>& args, Context& context) {
  po::variables_map values;
  if (!ParseOrHelp(args, "conv list", {}, {}, &values, context)) return kExitOk;
  auto gateway = ConnectGateway(context);
  nlohmann::json answer;
  Status status = gateway->Get("/api/v1/conversations", &answer);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, answer);
    return kExitOk;
  }
  Table table({"CONVERSATION", "MEMBERS", "EPOCH", "MESSAGES", "SIZE", "LAST ACTIVITY"});
  for (const nlohmann::json& conv : answer.value("conversations", nlohmann::json::array())) {
    if (!conv.is_object()) continue;
    std::string members;
    for (const nlohmann::json& member : conv.value("members", nlohmann::json::array())) {
      members += (members.empty() ? "" : ",") + Cell(member);
    }
    table.AddRow({Text(conv, "conv"), members, std::to_string(Number(conv, "epoch")),
                  std::to_string(Number(conv, "messages")), FormatBytes(Number(conv, "bytes")),
                  FormatTime(conv.value("last_activity", nlohmann::json()))});
  }
  table.Print(*context.out);
  return kExitOk;
}

}  // namespace admin
}  // namespace foyer
