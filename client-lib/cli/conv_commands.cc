// foyer-cli: conv create | list | add | remove | leave.
#include <iostream>

#include "cli.h"

namespace foyer {
namespace cli {
namespace {

// Titles are shown on one tab-separated line: no control characters.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return text;
}

int Create(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string title;
  std::vector<std::string> members;
  po::options_description specific("conv create");
  specific.add_options()("title", po::value<std::string>(&title)->default_value(""), "title")
      ("member", po::value<std::vector<std::string>>(&members)->multitoken()->composing(),
       "member (repeat or list several; you are added yourself)");
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("conv create --title T --member NAME...", &globals, specific, {}, args, &values,
                 &exit)) {
    return exit;
  }
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  std::string conv;
  status = session.client->CreateConversation(title, members, &conv);
  if (!status.ok()) return Fail(status);
  std::cout << conv << std::endl;
  return kExitOk;
}

int List(GlobalOptions globals, const std::vector<std::string>& args) {
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("conv list", &globals, po::options_description("conv list"), {}, args, &values,
                 &exit)) {
    return exit;
  }
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  std::vector<client::Conversation> convs;
  status = session.client->ListConversations(&convs);
  if (!status.ok()) return Fail(status);
  for (const auto& conv : convs) {
    std::string members;
    for (const auto& member : conv.members) members += (members.empty() ? "" : ",") + member;
    std::cout << conv.id << "\t" << OneLine(conv.title) << "\t" << members << "\n";
  }
  std::cout << std::flush;
  return kExitOk;
}

// add, remove, leave: --conv ID and (except leave) a user name.
int Membership(const std::string& action, GlobalOptions globals,
               const std::vector<std::string>& args) {
  std::string conv, name;
  po::options_description specific("conv " + action);
  specific.add_options()("conv", po::value<std::string>(&conv)->required()->value_name("ID"),
                         "conversation id");
  po::positional_options_description positional;
  if (action != "leave") {
    specific.add_options()("name", po::value<std::string>(&name)->required(), "user");
    positional.add("name", 1);
  }
  if (action == "add") {
    specific.add_options()("no-history", "do not share earlier messages (starts a new epoch)");
  }
  const std::string usage = action == "leave" ? "conv leave --conv ID"
                            : action == "add" ? "conv add --conv ID NAME [--no-history]"
                                              : "conv remove --conv ID NAME";
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs(usage.c_str(), &globals, specific, positional, args, &values, &exit)) return exit;
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  if (action == "add") {
    status = session.client->AddMember(conv, name, values.count("no-history") == 0);
  } else if (action == "remove") {
    status = session.client->RemoveMember(conv, name);
  } else {
    status = session.client->Leave(conv);
  }
  return status.ok() ? kExitOk : Fail(status);
}

}  // namespace

int RunConv(GlobalOptions globals, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << "usage: foyer-cli conv create|list|add|remove|leave [options]\n";
    return args.empty() ? kExitUsage : kExitOk;
  }
  const std::string action = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (action == "create") return Create(globals, rest);
  if (action == "list") return List(globals, rest);
  if (action == "add" || action == "remove" || action == "leave") {
    return Membership(action, globals, rest);
  }
  return UsageFail("unknown conv command: " + action);
}

}  // namespace cli
}  // namespace foyer
