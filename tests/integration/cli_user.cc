#include "cli_user.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#ifndef FOYER_CLI_PATH
#error "FOYER_CLI_PATH must be defined by CMake"
#endif

namespace foyer_test {

CliUser::CliUser(std::string name, std::string password, std::string home, std::string server)
    : name_(std::move(name)),
      password_(std::move(password)),
      home_(std::move(home)),
      server_(std::move(server)) {
  std::filesystem::create_directories(home_);
  std::filesystem::permissions(home_, std::filesystem::perms::owner_all);
}

ProcessOptions CliUser::Options(const std::vector<std::string>& args) const {
  ProcessOptions options;
  options.argv = TargetCommand({FOYER_CLI_PATH, "--server", server_, "--user", name_, "--home", home_});
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env["FOYER_PASSWORD"] = password_;
  return options;
}

ProcessResult CliUser::Run(const std::vector<std::string>& args,
                           std::chrono::seconds timeout) const {
  return RunProcess(Options(args), timeout);
}

std::unique_ptr<Process> CliUser::Start(const std::vector<std::string>& args) const {
  auto process = std::make_unique<Process>();
  std::string error;
  if (!process->Start(Options(args), &error)) {
    ADD_FAILURE() << "cannot start foyer-cli: " << error;
    return nullptr;
  }
  return process;
}

std::string CliUser::Invite(const std::string& name, const std::string& role_flag) const {
  std::vector<std::string> args = {"invite", name};
  if (!role_flag.empty()) args.push_back(role_flag);
  ProcessResult result = Run(args);
  EXPECT_EQ(result.exit_code, 0) << name_ << " invite " << name << ": " << Describe(result);
  std::string code = result.out;
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r' || code.back() == ' ')) {
    code.pop_back();
  }
  EXPECT_EQ(code.size(), 44u) << "an invite code is 44 characters: [" << code << "]";
  return code;
}

void CliUser::Register(const std::string& invite) const {
  ProcessResult result = Run({"register", "--invite", invite});
  ASSERT_EQ(result.exit_code, 0) << name_ << " register: " << Describe(result);
}

std::string CliUser::CreateConversation(const std::string& title,
                                        const std::vector<std::string>& members) const {
  std::vector<std::string> args = {"conv", "create", "--title", title};
  for (const std::string& member : members) {
    args.push_back("--member");
    args.push_back(member);
  }
  ProcessResult result = Run(args);
  EXPECT_EQ(result.exit_code, 0) << name_ << " conv create: " << Describe(result);
  std::string id = result.out.substr(0, result.out.find_first_of("\r\n"));
  EXPECT_EQ(id.size(), 32u) << "a conversation id is 32 hex: [" << result.out << "]";
  return id;
}

uint64_t CliUser::Send(const std::string& conv, const std::string& text) const {
  ProcessResult result = Run({"send", "--conv", conv, text});
  EXPECT_EQ(result.exit_code, 0) << name_ << " send: " << Describe(result);
  try {
    return std::stoull(result.out);
  } catch (const std::exception&) {
    ADD_FAILURE() << "send did not print a seq: [" << result.out << "]";
    return 0;
  }
}

std::vector<nlohmann::json> CliUser::History(const std::string& conv) const {
  ProcessResult result = Run({"history", "--conv", conv, "--limit", "200"});
  EXPECT_EQ(result.exit_code, 0) << name_ << " history: " << Describe(result);
  return JsonLines(result.out);
}

std::unique_ptr<Process> CliUser::Listen(const std::string& conv, int count,
                                         int timeout_s) const {
  std::unique_ptr<Process> listen =
      Start({"listen", "--conv", conv, "--count", std::to_string(count), "--timeout",
             std::to_string(timeout_s)});
  if (!listen) return nullptr;
  if (!listen->WaitForStderr("ready", std::chrono::seconds(60))) {
    ADD_FAILURE() << name_ << " listen never printed ready: "
                  << Describe(listen->Stop(std::chrono::seconds(2)));
    return nullptr;
  }
  return listen;
}

std::vector<nlohmann::json> ListenOutput(Process* listen) {
  if (listen == nullptr) return {};
  ProcessResult result = listen->Wait(std::chrono::seconds(90));
  EXPECT_EQ(result.exit_code, 0) << "listen: " << Describe(result);
  return JsonLines(result.out);
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
    if (value.is_discarded()) {
      ADD_FAILURE() << "not a JSON line: " << line;
      continue;
    }
    lines.push_back(std::move(value));
  }
  return lines;
}

std::string Describe(const ProcessResult& result) {
  std::ostringstream text;
  text << "exit " << result.exit_code << (result.timed_out ? " (timed out)" : "")
       << "\n  stdout: " << result.out << "\n  stderr: " << result.err;
  return text.str();
}

}  // namespace foyer_test
