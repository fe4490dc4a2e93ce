// Runs every ```sh example of docs/admin-api.md, in order, with curl against
// a live system: a real mosquitto loading the real plugin from the build
// tree, the real foyer-gateway binary, free loopback ports, temporary
// directories; everything is stopped at the end. Then checks the downloaded
// backup by restoring it, and the token lockout with curl.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "broker_fixture.h"
#include "foyer/backup_file.h"
#include "foyer/crypto.h"
#include "foyer/store.h"
#include "household.h"
#include "process.h"
#include "raw_client.h"

namespace foyer {
namespace gateway {
namespace {

using foyer_test::Process;
using foyer_test::ProcessOptions;
using foyer_test::ProcessResult;

// The ```sh blocks of a Markdown file, in order.
std::vector<std::string> ShellExamples(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> blocks;
  std::string line, block;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!inside && line == "```sh") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      blocks.push_back(block);
    } else if (inside) {
      block += line + "\n";
    }
  }
  return blocks;
}

// Lines outside the ```sh blocks that start a curl command: examples that
// the test would not run.
std::vector<std::string> CurlOutsideExamples(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  std::string line;
  bool inside_sh = false, inside_other = false;
  while (std::getline(file, line)) {
    if (!inside_sh && !inside_other && line.rfind("```", 0) == 0) {
      (line == "```sh" ? inside_sh : inside_other) = true;
    } else if ((inside_sh || inside_other) && line == "```") {
      inside_sh = inside_other = false;
    } else if (!inside_sh) {
      size_t start = line.find_first_not_of(" \t$>`");
      if (start != std::string::npos && line.compare(start, 5, "curl ") == 0) {
        lines.push_back(line);
      }
    }
  }
  return lines;
}

// The plain (non-regex) paths that gateway/rest_api.cc and gateway_server.cc
// route, e.g. "/api/v1/users".
std::vector<std::string> RoutedPaths() {
  std::vector<std::string> paths;
  for (const char* source : {"/gateway/rest_api.cc", "/gateway/gateway_server.cc"}) {
    std::ifstream file(std::string(FOYER_SOURCE_DIR) + source);
    std::stringstream text;
    text << file.rdbuf();
    std::string code = text.str();
    std::regex route("server\\.(Get|Post|Delete|Put|Patch)\\(\"(/[^\"]*)\"");
    for (auto it = std::sregex_iterator(code.begin(), code.end(), route);
         it != std::sregex_iterator(); ++it) {
      paths.push_back((*it)[2].str());
    }
  }
  return paths;
}

class DocsExamplesTest : public foyer_test::BrokerFixture {
 protected:
  void SetUp() override {
    BrokerFixture::SetUp();
    if (HasFatalFailure()) return;
    foyer_test::Household household(server_url(), temp_dir(), admin_invite());
    household.RegisterAdmin();
    ASSERT_FALSE(HasFatalFailure());
    foyer_test::RawClient admin(server_uri(), "admin:docs");
    ASSERT_EQ(admin.Connect("admin", household.AuthKeyHex("admin")), 0);
    nlohmann::json response = admin.Request({{"op", "token_create"}, {"name", "docs"}});
    ASSERT_EQ(response.value("ok", false), true) << response.dump();
    token_ = response["token"];
    admin.Disconnect();

    std::string web_root = temp_dir() + "/web";
    std::filesystem::create_directories(web_root);
    std::ofstream(web_root + "/index.html") << "<!doctype html><title>Foyer</title>";
    gateway_ = std::make_unique<Process>();
    ProcessOptions options;
    options.argv = {FOYER_GATEWAY_PATH, "--listen=127.0.0.1", "--port=0",
                    "--data_dir=" + data_dir(), "--broker=" + server_url(),
                    "--web_root=" + web_root, "--ws_url=ws://127.0.0.1:9001"};
    std::string error;
    ASSERT_TRUE(gateway_->Start(options, &error)) << error;
    ASSERT_TRUE(gateway_->WaitForStderr(" (web root ", std::chrono::seconds(10)))
        << gateway_->Stderr();
    std::smatch match;
    std::string log = gateway_->Stderr();
    ASSERT_TRUE(std::regex_search(log, match, std::regex("serving http://127\\.0\\.0\\.1:(\\d+)")));
    url_ = "http://127.0.0.1:" + match[1].str();
    // Wait until the gateway has reached the broker.
    for (int i = 0; i < 100 && Curl("-o /dev/null -w '%{http_code}' " + url_ + "/healthz").out != "200"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  void TearDown() override {
    if (gateway_) {
      ProcessResult result = gateway_->Stop(std::chrono::seconds(5));
      EXPECT_EQ(result.exit_code, 0) << gateway_->Stderr();
      if (HasFailure()) std::cerr << "gateway log:\n" << gateway_->Stderr();
    }
    BrokerFixture::TearDown();
  }

  // Runs a shell script in the temporary directory with FOYER_URL and FOYER_TOKEN.
  ProcessResult Shell(const std::string& script) {
    ProcessOptions options;
    options.argv = {"/bin/bash", "-c",
                    "set -euo pipefail\ncd '" + temp_dir() + "'\n" + script};
    options.env["FOYER_URL"] = url_;
    options.env["FOYER_TOKEN"] = token_;
    return foyer_test::RunProcess(options, std::chrono::seconds(60));
  }
  ProcessResult Curl(const std::string& args) { return Shell("curl -sS " + args); }

  std::string token_;
  std::string url_;
  std::unique_ptr<Process> gateway_;
};

TEST_F(DocsExamplesTest, EveryCurlExampleRuns) {
  std::vector<std::string> examples = ShellExamples(FOYER_SOURCE_DIR "/docs/admin-api.md");
  ASSERT_GE(examples.size(), 10u);
  std::string all;
  for (const std::string& example : examples) {
    all += example;
    EXPECT_NE(example.find("curl --fail-with-body"), std::string::npos) << example;
    ProcessResult result = Shell(example);
    EXPECT_EQ(result.exit_code, 0) << example << "\nstdout: " << result.out
                                   << "\nstderr: " << result.err;
  }
  // No curl example of the page escapes this test (e.g. in a ```text block).
  for (const std::string& line : CurlOutsideExamples(FOYER_SOURCE_DIR "/docs/admin-api.md")) {
    ADD_FAILURE() << "a curl command outside the ```sh blocks is never run: " << line;
  }
  // Every route the gateway serves (but the web client's own files) has an example.
  std::vector<std::string> routed = RoutedPaths();
  EXPECT_GE(routed.size(), 7u) << "the route pattern no longer matches the gateway's code";
  for (const std::string& path : routed) {
    if (path == "/config.json") continue;  // the web client's, documented with the headers
    EXPECT_NE(all.find(path), std::string::npos) << "no example for " << path;
  }
  // Every call of the API has an example.
  for (const char* call : {"/healthz", "/metrics", "/api/v1/status", "/api/v1/users\"",
                           "-d '{\"name\"", "/disable", "/enable", "/reset", "-X DELETE",
                           "/api/v1/conversations", "/api/v1/backup"}) {
    EXPECT_NE(all.find(call), std::string::npos) << "no example for " << call;
  }

  // The downloaded backup is complete and restores into an equal store.
  std::ifstream in(temp_dir() + "/foyer.backup", std::ios::binary);
  ASSERT_TRUE(in);
  backup::Reader reader(&in);
  backup::Header header;
  ASSERT_TRUE(reader.ReadStart(&header).ok());
  StoreOptions options;
  options.data_dir = temp_dir() + "/restored";
  options.key_file = data_dir() + "/master.key";
  std::unique_ptr<StoreImport> import;
  ASSERT_TRUE(StoreImport::Begin(options, &import).ok());
  bool end = false;
  while (!end) {
    RawRecord record;
    Status status = reader.Next(&record, &end);
    ASSERT_TRUE(status.ok()) << status.ToString();
    if (!end) ASSERT_TRUE(import->Add(record.key, record.value).ok());
  }
  EXPECT_GT(header.records, 3u);
  std::string household;
  Status status = import->Finish(&household);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(crypto::ToHex(household), header.household_hex);
}

TEST_F(DocsExamplesTest, WrongTokensGet401ThenALockout) {
  std::string wrong = "foyer_" + std::string(43, 'Z');
  for (int i = 0; i < 5; ++i) {
    ProcessResult result =
        Curl("-o /dev/null -w '%{http_code}' -H 'Authorization: Bearer " + wrong + "' " + url_ +
             "/api/v1/users");
    EXPECT_EQ(result.out, "401") << i << result.err;
  }
  ProcessResult locked = Curl("-i -H \"Authorization: Bearer $FOYER_TOKEN\" " + url_ +
                              "/api/v1/users");
  EXPECT_NE(locked.out.find("HTTP/1.1 429"), std::string::npos) << locked.out;
  EXPECT_NE(locked.out.find("Retry-After: "), std::string::npos) << locked.out;
  EXPECT_NE(locked.out.find("\"locked_out\""), std::string::npos) << locked.out;
}

}  // namespace
}  // namespace gateway
}  // namespace foyer
