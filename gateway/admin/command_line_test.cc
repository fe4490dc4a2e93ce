#include "command_line.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "setup_command.h"
#include "test_dir.h"

namespace foyer {
namespace admin {
namespace {

namespace po = boost::program_options;

EnvFunction FakeEnv(std::map<std::string, std::string> values) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

struct RunResult {
  int code;
  std::string out;
  std::string err;
};

RunResult RunAdmin(const std::vector<std::string>& args, const EnvFunction& env = FakeEnv({})) {
  std::istringstream in;
  std::ostringstream out, err;
  int code = Run(args, in, out, err, env);
  return {code, out.str(), err.str()};
}

TEST(GlobalOptions, DefaultsAndEnvironment) {
  GlobalOptions global = ParseGlobalOptions({"status"}, FakeEnv({}));
  EXPECT_EQ(global.url, "http://127.0.0.1:8080");
  EXPECT_EQ(global.token, "");
  EXPECT_FALSE(global.json);
  EXPECT_EQ(global.rest, std::vector<std::string>{"status"});

  global = ParseGlobalOptions({"status"}, FakeEnv({{"FOYER_ADMIN_URL", "https://h:8443"},
                                                   {"FOYER_ADMIN_TOKEN", "from-env"},
                                                   {"FOYER_ADMIN_CACERT", "/ca.crt"}}));
  EXPECT_EQ(global.url, "https://h:8443");
  EXPECT_EQ(global.token, "from-env");
  EXPECT_EQ(global.cacert, "/ca.crt");
}

TEST(GlobalOptions, CommandLineWinsAndMayFollowTheCommand) {
  GlobalOptions global = ParseGlobalOptions(
      {"user", "invite", "bob", "--role", "device", "--json", "--url", "http://x:1", "--token",
       "t1"},
      FakeEnv({{"FOYER_ADMIN_URL", "http://env:2"}, {"FOYER_ADMIN_TOKEN", "e"}}));
  EXPECT_EQ(global.url, "http://x:1");
  EXPECT_EQ(global.token, "t1");
  EXPECT_TRUE(global.json);
  EXPECT_EQ(global.rest, (std::vector<std::string>{"user", "invite", "bob", "--role", "device"}));
}

TEST(GlobalOptions, TokenFile) {
  std::string dir = MakeTestDir("cli");
  std::ofstream(dir + "/token") << "secret-token\n";
  GlobalOptions global =
      ParseGlobalOptions({"--token-file", dir + "/token", "status"}, FakeEnv({}));
  EXPECT_EQ(global.token, "secret-token");
  EXPECT_THROW(ParseGlobalOptions({"--token-file", dir + "/missing", "status"}, FakeEnv({})),
               UsageError);
  EXPECT_THROW(ParseGlobalOptions({"--token", "a", "--token-file", dir + "/token"}, FakeEnv({})),
               UsageError);
  std::filesystem::remove_all(dir);
}

TEST(GlobalOptions, RefusesBadValuesAndAbbreviations) {
  EXPECT_THROW(ParseGlobalOptions({"--timeout", "0", "status"}, FakeEnv({})), UsageError);
  EXPECT_THROW(ParseGlobalOptions({"--timeout", "soon", "status"}, FakeEnv({})), UsageError);
  // `--tok` is not taken for `--token`: it is left to the command, which refuses it.
  GlobalOptions global = ParseGlobalOptions({"status", "--tok", "x"}, FakeEnv({}));
  EXPECT_EQ(global.token, "");
}

TEST(Run, ExitCodes) {
  EXPECT_EQ(RunAdmin({"--help"}).code, kExitOk);
  EXPECT_EQ(RunAdmin({}).code, kExitUsage);
  RunResult unknown = RunAdmin({"frobnicate"});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_NE(unknown.err.find("unknown command"), std::string::npos);
  RunResult partial = RunAdmin({"user"});
  EXPECT_EQ(partial.code, kExitUsage);
  EXPECT_NE(partial.err.find("list, invite"), std::string::npos);
  RunResult no_token = RunAdmin({"user", "list"});
  EXPECT_EQ(no_token.code, kExitUsage);
  EXPECT_NE(no_token.err.find("no admin token"), std::string::npos);
  EXPECT_EQ(RunAdmin({"user", "invite"}, FakeEnv({{"FOYER_ADMIN_TOKEN", "t"}})).code, kExitUsage);
  EXPECT_EQ(
      RunAdmin({"user", "invite", "bob", "--role", "king"}, FakeEnv({{"FOYER_ADMIN_TOKEN", "t"}}))
          .code,
      kExitUsage);
  EXPECT_EQ(RunAdmin({"user", "list", "extra"}, FakeEnv({{"FOYER_ADMIN_TOKEN", "t"}})).code,
            kExitUsage);
  EXPECT_EQ(RunAdmin({"status", "--bogus"}, FakeEnv({{"FOYER_ADMIN_TOKEN", "t"}})).code,
            kExitUsage);
  EXPECT_EQ(RunAdmin({"--url", "ftp://x", "status"}, FakeEnv({{"FOYER_ADMIN_TOKEN", "t"}})).code,
            kExitUsage);
}

TEST(Run, CommandHelp) {
  RunResult help = RunAdmin({"user", "invite", "--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("--role"), std::string::npos);
  help = RunAdmin({"--help", "restore"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("--data-dir"), std::string::npos);
}

TEST(Run, UnreachableGatewayIsAnError) {
  RunResult result = RunAdmin({"--url", "http://127.0.0.1:1", "--timeout", "2", "status"},
                              FakeEnv({{"FOYER_ADMIN_TOKEN", "t"}}));
  EXPECT_EQ(result.code, kExitError);
  EXPECT_NE(result.err.find("cannot connect"), std::string::npos) << result.err;
}

TEST(Run, SetupWithoutTerminalNeedsNonInteractive) {
  RunResult result = RunAdmin({"setup", "--data-dir", "/tmp/x"});
  EXPECT_EQ(result.code, kExitUsage);
  EXPECT_NE(result.err.find("--non-interactive"), std::string::npos);
}

po::variables_map SetupValues(const std::vector<std::string>& args) {
  po::variables_map values;
  ParseCommandArgs(args, SetupOptionsDescription(), {}, &values);
  return values;
}

TEST(SetupFlags, MakeThePlan) {
  HostNames detected;
  detected.dns_names = {"pi", "pi.local", "localhost"};
  detected.ip_addresses = {"192.168.1.7", "127.0.0.1"};
  SetupPlan plan = PlanFromOptions(
      SetupValues({"--data-dir", "/d", "--config-dir", "/c", "--household", "Dupont",
                   "--mqtts-port", "18883", "--plugin", "/p.so", "--run-user", "root"}),
      FakeEnv({}), detected);
  EXPECT_EQ(plan.data_dir, "/d");
  EXPECT_EQ(plan.config_dir, "/c");
  EXPECT_EQ(plan.household_name, "Dupont");
  EXPECT_EQ(plan.mqtts_port, 18883);
  EXPECT_EQ(plan.wss_port, 8884);
  EXPECT_EQ(plan.https_port, 8443);
  EXPECT_TRUE(plan.generate_tls);
  EXPECT_EQ(plan.dns_names, detected.dns_names);
  EXPECT_EQ(plan.public_host, "192.168.1.7");
  EXPECT_FALSE(plan.use_passphrase);
  EXPECT_TRUE(CheckPlan(plan).ok()) << CheckPlan(plan).ToString();

  plan = PlanFromOptions(SetupValues({"--hostname", "foyer.lan", "--ip", "10.0.0.2", "--ip",
                                      "127.0.0.1", "--passphrase-file", "/pf", "--public-host",
                                      "foyer.lan", "--data-dir", "/d", "--plugin", "/p.so"}),
                         FakeEnv({{"HOME", "/home/x"}}), detected);
  EXPECT_EQ(plan.dns_names, std::vector<std::string>{"foyer.lan"});
  EXPECT_EQ(plan.ip_addresses, (std::vector<std::string>{"10.0.0.2", "127.0.0.1"}));
  EXPECT_TRUE(plan.use_passphrase);
  EXPECT_EQ(plan.passphrase_file, "/pf");
  EXPECT_EQ(plan.public_host, "foyer.lan");
  EXPECT_TRUE(CheckPlan(plan).ok());
}

TEST(SetupFlags, RefusesContradictions) {
  HostNames detected;
  EXPECT_THROW(PlanFromOptions(SetupValues({"--key-file", "/k", "--passphrase-file", "/p"}),
                               FakeEnv({}), detected),
               UsageError);
  EXPECT_THROW(PlanFromOptions(SetupValues({"--tls", "maybe"}), FakeEnv({}), detected), UsageError);
  SetupPlan plan =
      PlanFromOptions(SetupValues({"--data-dir", "/d", "--config-dir", "/c", "--plugin", "/p.so",
                                   "--wss-port", "8883", "--hostname", "h"}),
                      FakeEnv({}), detected);
  EXPECT_NE(CheckPlan(plan).message().find("different"), std::string::npos);
  plan = PlanFromOptions(SetupValues({"--data-dir", "relative", "--config-dir", "/c", "--plugin",
                                      "/p.so", "--hostname", "h"}),
                         FakeEnv({}), detected);
  EXPECT_FALSE(CheckPlan(plan).ok());
  plan = PlanFromOptions(SetupValues({"--data-dir", "/d", "--config-dir", "/c", "--plugin", "/p.so",
                                      "--hostname", "h", "--public-host", "other"}),
                         FakeEnv({}), detected);
  EXPECT_NE(CheckPlan(plan).message().find("not among"), std::string::npos);
  plan = PlanFromOptions(SetupValues({"--data-dir", "/d", "--config-dir", "/c", "--plugin", "/p.so",
                                      "--tls", "files", "--public-host", "h"}),
                         FakeEnv({}), detected);
  EXPECT_NE(CheckPlan(plan).message().find("--tls-cert"), std::string::npos);
}

}  // namespace
}  // namespace admin
}  // namespace foyer
