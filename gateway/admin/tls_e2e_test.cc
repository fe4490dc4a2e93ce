// Issue 3's "Done when", end to end over TLS, as a new household would:
// `foyer-admin setup --non-interactive` makes the CA, the certificate and the
// configuration; a real mosquitto loads the real plugin and the real
// foyer-gateway starts from that configuration (HTTPS, and its MQTT link over
// mqtts:// too); the admin registers with foyer-cli and makes an admin token
// with `foyer-admin token create`; `curl --cacert` lists users, invites one
// and fetches a backup; the invited person registers over mqtts:// with
// foyer-cli and sends a message; wrong (and revoked) tokens get 401, then a
// lockout (429); `foyer-admin restore` puts the backup into a fresh data
// directory and, restarted on it, the message is in the history. A
// certificate from another CA is refused by foyer-cli, foyer-admin, curl, the
// gateway's MQTT link and a TLS client of the secure WebSockets listener.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <thread>

#include "cli_user.h"
#include "files.h"
#include "process.h"
#include "tls_broker_fixture.h"
#include "tls_material.h"

namespace foyer {
namespace admin {
namespace {

using foyer_test::Describe;
using foyer_test::JsonLines;
using foyer_test::Process;
using foyer_test::ProcessOptions;
using foyer_test::ProcessResult;
using foyer_test::RunProcess;
using std::chrono::seconds;

// A TLS handshake with 127.0.0.1:`port`, verifying the server's certificate
// against `ca` for `host`. False with OpenSSL's reason when it fails.
bool TlsHandshake(int port, const std::string& ca, const std::string& host, std::string* why) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                            SSL_CTX_free);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(context.get(), ca.c_str(), nullptr) != 1) {
    *why = "cannot load " + ca;
    return false;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    *why = "cannot connect";
    return false;
  }
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(context.get()), SSL_free);
  SSL_set_fd(ssl.get(), fd);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
  if (host.find_first_not_of("0123456789.") == std::string::npos) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  bool ok = SSL_connect(ssl.get()) == 1;
  if (!ok) {
    char reason[256];
    ERR_error_string_n(ERR_get_error(), reason, sizeof(reason));
    *why = reason;
    ERR_clear_error();
  } else {
    SSL_shutdown(ssl.get());
  }
  ssl.reset();
  close(fd);
  return ok;
}

class TlsEndToEndTest : public TlsBrokerFixture {
 protected:
  void TearDown() override {
    for (auto* gateway : {&gateway_, &untrusting_gateway_}) {
      if (!*gateway) continue;
      ProcessResult stopped = (*gateway)->Stop(seconds(5));
      EXPECT_EQ(stopped.exit_code, 0) << (*gateway)->Stderr();
      if (HasFailure()) std::cerr << "---- gateway log ----\n" << (*gateway)->Stderr();
      gateway->reset();
    }
    TlsBrokerFixture::TearDown();
  }

  // foyer-cli as `user` over mqtts:// with `args`; `env` is added to the
  // environment (FOYER_CACERT, for one). The trust comes from --cacert,
  // FOYER_CACERT or the profile: the household CA is in no system store.
  ProcessResult Cli(const std::string& user, const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env = {}) {
    ProcessOptions options;
    options.argv = {FOYER_CLI_PATH,         "--server",  MqttsUrl(), "--user", user, "--home",
                    dir_ + "/home-" + user, "--timeout", "20"};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env = env;
    options.env["FOYER_PASSWORD"] = "password of " + user;
    return RunProcess(options, seconds(90));
  }

  // foyer-admin with `args`, logging in (token commands) as the admin person
  // of Cli("admin", ...): his profile, his password.
  ProcessResult Admin(const std::vector<std::string>& args) {
    ProcessOptions options;
    options.argv = {FOYER_ADMIN_PATH};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env["FOYER_HOME"] = dir_ + "/home-admin";
    options.env["FOYER_PASSWORD"] = "password of admin";
    return RunProcess(options, seconds(90));
  }

  // curl with `args` (no shell); -sS, and the HTTP status after the body.
  // Without a preloaded library: Debian's curl hangs at start with the ASan
  // runtime that `scripts/test --sanitize` preloads.
  ProcessResult Curl(const std::vector<std::string>& args) {
    ProcessOptions options;
    options.argv = {"/usr/bin/env", "-u", "LD_PRELOAD", FOYER_CURL_PATH, "-sS", "--max-time", "20",
                    "-w", "\n%{http_code}"};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    return RunProcess(options, seconds(30));
  }
  // The HTTP status curl printed last ("000" when there was no answer).
  static std::string HttpCode(const ProcessResult& result) {
    return result.out.substr(result.out.find_last_of('\n') + 1);
  }
  static std::string Body(const ProcessResult& result) {
    return result.out.substr(0, result.out.find_last_of('\n'));
  }
  std::string HttpsUrl(const std::string& path) const {
    return "https://127.0.0.1:" + std::to_string(ports_[kHttps]) + path;
  }

  // Starts foyer-gateway with `args`; waits until it serves and returns the
  // address it printed.
  std::unique_ptr<Process> StartGateway(const std::vector<std::string>& args, std::string* url) {
    auto gateway = std::make_unique<Process>();
    ProcessOptions options;
    options.argv = {FOYER_GATEWAY_PATH, "--web_root=" + dir_ + "/web"};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    std::string error;
    EXPECT_TRUE(gateway->Start(options, &error)) << error;
    EXPECT_TRUE(gateway->WaitForStderr(" (web root ", seconds(10))) << gateway->Stderr();
    std::smatch match;
    std::string log = gateway->Stderr();
    EXPECT_TRUE(std::regex_search(log, match, std::regex("serving (https?://[0-9.]+:\\d+)")))
        << log;
    if (!match.empty()) *url = match[1].str();
    return gateway;
  }

  std::unique_ptr<Process> gateway_;
  std::unique_ptr<Process> untrusting_gateway_;
};

TEST_F(TlsEndToEndTest, NewHouseholdFromSetupToRestoreOverTls) {
  // 1. Setup writes a TLS configuration.
  ProcessResult setup =
      RunAdminSetup({"--tls", "generate", "--hostname", "localhost", "--ip", "127.0.0.1"});
  ASSERT_EQ(setup.exit_code, 0) << Describe(setup);
  EXPECT_NE(setup.out.find("forward TCP " + std::to_string(ports_[kMqtts])), std::string::npos);
  const std::string ca = dir_ + "/etc/tls/ca.crt";
  ASSERT_TRUE(VerifyServerCert(dir_ + "/etc/tls/server.crt", ca, "127.0.0.1").ok());
  const std::string other_ca = dir_ + "/other-ca.crt";
  ASSERT_TRUE(GenerateCa({}, other_ca, dir_ + "/other-ca.key").ok());

  // 2. The broker starts on it; the admin registers over mqtts://.
  StartBroker();
  std::string invite = AdminInvite();
  ASSERT_EQ(invite.size(), 44u);
  // No CA given: the system's trust store does not know the household CA.
  ProcessResult untrusted = Cli("admin", {"register", "--invite", invite});
  EXPECT_NE(untrusted.exit_code, 0) << Describe(untrusted);
  // The wrong CA: the TLS handshake fails, nothing is registered.
  ProcessResult refused = Cli("admin", {"register", "--invite", invite, "--cacert", other_ca});
  EXPECT_NE(refused.exit_code, 0) << Describe(refused);
  ProcessResult registered = Cli("admin", {"--cacert", ca, "register", "--invite", invite});
  ASSERT_EQ(registered.exit_code, 0) << Describe(registered);
  // The profile keeps the CA file: later commands need no --cacert.
  std::string profile;
  ASSERT_TRUE(ReadWholeFile(dir_ + "/home-admin/admin.json", &profile).ok());
  EXPECT_EQ(nlohmann::json::parse(profile).value("cacert", ""), ca);

  // 3. The first admin token, made over MQTT (no token needed for that).
  // Another CA is refused and makes no token.
  ProcessResult wrong_ca_token =
      Admin({"token", "create", "--name", "laptop", "--cacert", other_ca});
  EXPECT_EQ(wrong_ca_token.exit_code, 1) << Describe(wrong_ca_token);
  EXPECT_EQ(wrong_ca_token.out, "");
  const std::string token_file = dir_ + "/admin-token";
  ProcessResult made = Admin({"token", "create", "--name", "laptop", "--out", token_file});
  ASSERT_EQ(made.exit_code, 0) << Describe(made);
  std::string token;
  ASSERT_TRUE(ReadWholeFile(token_file, &token).ok());
  token.erase(token.find_last_not_of("\n") + 1);
  ASSERT_EQ(token.rfind("foyer_", 0), 0u) << "not a token";
  EXPECT_EQ(made.out.find(token), std::string::npos) << "--out must not print the token";
  const std::string bearer = "Authorization: Bearer " + token;

  // 4. foyer-gateway starts from the same configuration: HTTPS with the
  // server certificate; its MQTT link over mqtts:// verifies the household CA.
  std::filesystem::create_directories(dir_ + "/web");
  std::ofstream(dir_ + "/web/index.html") << "<!doctype html><title>Foyer</title>";
  std::string url;
  gateway_ = StartGateway({"--config=" + dir_ + "/etc/foyer.conf", "--broker=" + MqttsUrl(),
                           "--broker_ca=" + ca},
                          &url);
  ASSERT_EQ(url, HttpsUrl("")) << "the gateway must serve HTTPS on the configured port";
  std::string health;
  for (int i = 0; i < 100 && health != "200"; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    health = HttpCode(Curl({"--cacert", ca, "-o", "/dev/null", HttpsUrl("/healthz")}));
  }
  ASSERT_EQ(health, "200") << gateway_->Stderr();
  // Over TLS the security headers include HSTS; the CSP lets the web client
  // reach only the broker's secure WebSockets listener.
  ProcessResult headers = Curl({"--cacert", ca, "-i", HttpsUrl("/healthz")});
  EXPECT_NE(headers.out.find("Strict-Transport-Security: max-age="), std::string::npos)
      << headers.out;
  EXPECT_NE(headers.out.find(":" + std::to_string(ports_[kWss])), std::string::npos)
      << headers.out;
  EXPECT_NE(headers.out.find("connect-src 'self' wss://"), std::string::npos) << headers.out;
  EXPECT_NE(headers.out.find("frame-ancestors 'none'"), std::string::npos) << headers.out;

  // 5. curl --cacert: list users, invite one, fetch a backup.
  ProcessResult users = Curl({"--cacert", ca, "-H", bearer, HttpsUrl("/api/v1/users")});
  ASSERT_EQ(HttpCode(users), "200") << Describe(users);
  nlohmann::json listed = nlohmann::json::parse(Body(users));
  ASSERT_EQ(listed["users"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["users"][0]["name"], "admin");
  ProcessResult invited =
      Curl({"--cacert", ca, "-H", bearer, "-H", "Content-Type: application/json", "-d",
            R"({"name":"bob","role":"member"})", HttpsUrl("/api/v1/users")});
  ASSERT_EQ(HttpCode(invited), "201") << Describe(invited);
  nlohmann::json bob_invite = nlohmann::json::parse(Body(invited));
  std::string bob_code = bob_invite.value("code", "");
  ASSERT_EQ(bob_code.size(), 44u) << bob_invite.dump();
  EXPECT_EQ(bob_invite.value("link", "").rfind("https://", 0), 0u) << bob_invite.dump();

  // 6. foyer-cli over mqtts:// registers the invite and sends a message.
  ProcessResult bob = Cli("bob", {"register", "--invite", bob_code}, {{"FOYER_CACERT", ca}});
  ASSERT_EQ(bob.exit_code, 0) << Describe(bob);
  ProcessResult created = Cli("bob", {"conv", "create", "--title", "Famille", "--member", "admin"});
  ASSERT_EQ(created.exit_code, 0) << Describe(created);
  std::string conv = created.out.substr(0, created.out.find_first_of("\r\n"));
  ProcessResult sent = Cli("bob", {"send", "--conv", conv, "Bonjour, over TLS"});
  ASSERT_EQ(sent.exit_code, 0) << Describe(sent);
  ProcessResult read = Cli("admin", {"history", "--conv", conv});
  ASSERT_EQ(read.exit_code, 0) << Describe(read);
  ASSERT_EQ(JsonLines(read.out).size(), 1u) << read.out;
  EXPECT_EQ(JsonLines(read.out)[0].value("text", ""), "Bonjour, over TLS");

  const std::string backup = dir_ + "/household.foyerbk";
  ProcessResult fetched =
      Curl({"--cacert", ca, "-H", bearer, "-o", backup, HttpsUrl("/api/v1/backup")});
  ASSERT_EQ(HttpCode(fetched), "200") << Describe(fetched);
  std::string backup_bytes;
  ASSERT_TRUE(ReadWholeFile(backup, &backup_bytes).ok());
  ASSERT_EQ(backup_bytes.rfind("FOYERBK1", 0), 0u);
  EXPECT_EQ(backup_bytes.find("Bonjour"), std::string::npos) << "the backup must stay sealed";

  // The token list shows the token's use, never the token.
  ProcessResult tokens = Admin({"--json", "token", "list"});
  ASSERT_EQ(tokens.exit_code, 0) << Describe(tokens);
  EXPECT_EQ(tokens.out.find(token), std::string::npos);
  nlohmann::json token_list = nlohmann::json::parse(tokens.out);
  ASSERT_EQ(token_list["tokens"].size(), 1u) << tokens.out;
  EXPECT_EQ(token_list["tokens"][0]["name"], "laptop");
  EXPECT_EQ(token_list["tokens"][0]["creator"], "admin");
  EXPECT_GT(token_list["tokens"][0].value("last_used", 0.0), 0.0) << tokens.out;

  // 7. Curl refuses the gateway's certificate with another CA (or none).
  ProcessResult curl_other = Curl({"--cacert", other_ca, "-H", bearer, HttpsUrl("/api/v1/users")});
  EXPECT_EQ(curl_other.exit_code, 60) << Describe(curl_other);  // CURLE_PEER_FAILED_VERIFICATION
  ProcessResult curl_system = Curl({"-H", bearer, HttpsUrl("/api/v1/users")});
  EXPECT_EQ(curl_system.exit_code, 60) << Describe(curl_system);

  // 8. A revoked token, then wrong ones: 401, then a lockout (429).
  ProcessResult revoked = Admin({"token", "revoke", "laptop"});
  ASSERT_EQ(revoked.exit_code, 0) << Describe(revoked);
  for (int i = 0; i < 5; ++i) {
    std::string header = i == 0 ? bearer : "Authorization: Bearer foyer_" + std::string(43, 'A' + i);
    ProcessResult wrong = Curl({"--cacert", ca, "-H", header, HttpsUrl("/api/v1/users")});
    EXPECT_EQ(HttpCode(wrong), "401") << i << " " << Describe(wrong);
    EXPECT_NE(wrong.out.find("\"unauthorized\""), std::string::npos) << wrong.out;
  }
  ProcessResult locked = Curl({"--cacert", ca, "-i", "-H", bearer, HttpsUrl("/api/v1/users")});
  EXPECT_EQ(HttpCode(locked), "429") << Describe(locked);
  EXPECT_NE(locked.out.find("Retry-After: "), std::string::npos) << locked.out;
  EXPECT_NE(locked.out.find("\"locked_out\""), std::string::npos) << locked.out;

  // 9. A gateway whose MQTT link trusts another CA never reaches the broker.
  std::string untrusting_url;
  untrusting_gateway_ = StartGateway(
      {"--listen=127.0.0.1", "--port=0", "--data_dir=" + dir_ + "/data",
       "--broker=" + MqttsUrl(), "--broker_ca=" + other_ca},
      &untrusting_url);
  ASSERT_FALSE(untrusting_url.empty());
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ProcessResult unhealthy = Curl({untrusting_url + "/healthz"});
    ASSERT_EQ(HttpCode(unhealthy), "503") << Describe(unhealthy);
    EXPECT_NE(unhealthy.out.find("\"disconnected\""), std::string::npos) << unhealthy.out;
  }
  // It says why, once.
  EXPECT_NE(untrusting_gateway_->Stderr().find("cannot reach the broker at " + MqttsUrl()),
            std::string::npos)
      << untrusting_gateway_->Stderr();
  EXPECT_NE(gateway_->Stderr().find("connected to the broker at " + MqttsUrl()), std::string::npos)
      << gateway_->Stderr();

  // Secure WebSockets: the handshake verifies with the household CA only.
  std::string why;
  EXPECT_TRUE(TlsHandshake(ports_[kWss], ca, "127.0.0.1", &why)) << why;
  EXPECT_FALSE(TlsHandshake(ports_[kWss], other_ca, "127.0.0.1", &why));
  EXPECT_NE(why.find("certificate verify failed"), std::string::npos) << why;
  // The certificate names 127.0.0.1 and localhost, nothing else.
  EXPECT_FALSE(TlsHandshake(ports_[kWss], ca, "foyer.example", &why));
  // A registered user given another CA is refused too (it replaces the profile's).
  ProcessResult wrong_ca = Cli("bob", {"whoami", "--cacert", other_ca});
  EXPECT_NE(wrong_ca.exit_code, 0) << Describe(wrong_ca);
  EXPECT_EQ(wrong_ca.out, "");

  // 10. Restore the backup into a fresh data directory of a stopped
  // instance, as docs/admin-api.md says; restarted on it, the message is there.
  for (auto* gateway : {&gateway_, &untrusting_gateway_}) {
    EXPECT_EQ((*gateway)->Stop(seconds(5)).exit_code, 0);
    gateway->reset();
  }
  StopBroker();
  const std::string old_data = dir_ + "/data.old", fresh = dir_ + "/data.restored";
  std::filesystem::rename(dir_ + "/data", old_data);
  std::filesystem::create_directories(fresh);
  std::filesystem::copy_file(old_data + "/master.key", fresh + "/master.key");
  ProcessResult restored = Admin({"restore", backup, "--data-dir", fresh});
  ASSERT_EQ(restored.exit_code, 0) << Describe(restored);
  EXPECT_NE(restored.err.find("restore: "), std::string::npos) << restored.err;  // progress
  std::string config;
  ASSERT_TRUE(ReadWholeFile(dir_ + "/etc/foyer.conf", &config).ok());
  for (const std::string key : {"data_dir = ", "key_file = "}) {
    size_t at = config.find(key + dir_ + "/data");
    ASSERT_NE(at, std::string::npos) << key << " not in foyer.conf:\n" << config;
    config.replace(at + key.size(), (dir_ + "/data").size(), fresh);
  }
  std::ofstream(dir_ + "/etc/foyer.conf", std::ios::trunc) << config;
  StartBroker(fresh);
  ProcessResult history = Cli("bob", {"history", "--conv", conv});
  ASSERT_EQ(history.exit_code, 0) << Describe(history);
  std::vector<nlohmann::json> lines = JsonLines(history.out);
  ASSERT_EQ(lines.size(), 1u) << history.out;
  EXPECT_EQ(lines[0].value("text", ""), "Bonjour, over TLS");
  EXPECT_EQ(lines[0].value("sender", ""), "bob");

  // No data directory holds message text.
  for (const std::string& data : {old_data, fresh}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
      if (!entry.is_regular_file()) continue;
      std::string content;
      ReadWholeFile(entry.path().string(), &content);
      EXPECT_EQ(content.find("over TLS"), std::string::npos) << entry.path();
    }
  }
}

}  // namespace
}  // namespace admin
}  // namespace foyer
