// End to end over TLS, as a new household would: `foyer-admin setup
// --non-interactive` makes the CA, the certificate and the configuration; a
// real mosquitto loads the real plugin from that configuration; foyer-cli
// registers over mqtts:// trusting the household CA (--cacert, FOYER_CACERT,
// then the profile) and sends a message; a client trusting another CA (or
// only the system's store) is refused, on MQTT and on secure WebSockets.
// (The gateway's HTTPS part joins once foyer-gateway exists.)
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
#include <map>

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
};

TEST_F(TlsEndToEndTest, SetupThenRegisterAndTalkOverTls) {
  ProcessResult setup =
      RunAdminSetup({"--tls", "generate", "--hostname", "localhost", "--ip", "127.0.0.1"});
  ASSERT_EQ(setup.exit_code, 0) << Describe(setup);
  EXPECT_NE(setup.out.find("forward TCP " + std::to_string(ports_[kMqtts])), std::string::npos);
  std::string ca = dir_ + "/etc/tls/ca.crt";
  ASSERT_TRUE(VerifyServerCert(dir_ + "/etc/tls/server.crt", ca, "127.0.0.1").ok());
  ASSERT_TRUE(GenerateCa({}, dir_ + "/other-ca.crt", dir_ + "/other-ca.key").ok());

  StartBroker();
  std::string invite = AdminInvite();
  ASSERT_EQ(invite.size(), 44u);

  const std::string other_ca = dir_ + "/other-ca.crt";
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
  ProcessResult invited = Cli("admin", {"invite", "bob"});
  ASSERT_EQ(invited.exit_code, 0) << Describe(invited);
  std::string bob_invite = invited.out.substr(0, invited.out.find_first_of("\r\n"));
  // FOYER_CACERT works like --cacert.
  ProcessResult bob = Cli("bob", {"register", "--invite", bob_invite}, {{"FOYER_CACERT", ca}});
  ASSERT_EQ(bob.exit_code, 0) << Describe(bob);

  ProcessResult created = Cli("admin", {"conv", "create", "--title", "Famille", "--member", "bob"});
  ASSERT_EQ(created.exit_code, 0) << Describe(created);
  std::string conv = created.out.substr(0, created.out.find_first_of("\r\n"));
  ProcessResult sent = Cli("admin", {"send", "--conv", conv, "Bonjour, over TLS"});
  ASSERT_EQ(sent.exit_code, 0) << Describe(sent);
  ProcessResult history = Cli("bob", {"history", "--conv", conv});
  ASSERT_EQ(history.exit_code, 0) << Describe(history);
  std::vector<nlohmann::json> lines = JsonLines(history.out);
  ASSERT_EQ(lines.size(), 1u) << history.out;
  EXPECT_EQ(lines[0].value("text", ""), "Bonjour, over TLS");

  // A registered user given another CA is refused too (it replaces the profile's).
  ProcessResult wrong_ca = Cli("bob", {"whoami", "--cacert", other_ca});
  EXPECT_NE(wrong_ca.exit_code, 0) << Describe(wrong_ca);
  EXPECT_EQ(wrong_ca.out, "");

  // Secure WebSockets: the handshake verifies with the household CA only.
  std::string why;
  EXPECT_TRUE(TlsHandshake(ports_[kWss], ca, "127.0.0.1", &why)) << why;
  EXPECT_FALSE(TlsHandshake(ports_[kWss], other_ca, "127.0.0.1", &why));
  EXPECT_NE(why.find("certificate verify failed"), std::string::npos) << why;
  // The certificate names 127.0.0.1 and localhost, nothing else.
  EXPECT_FALSE(TlsHandshake(ports_[kWss], ca, "foyer.example", &why));

  // The data directory holds no message text.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_ + "/data")) {
    if (!entry.is_regular_file()) continue;
    std::string content;
    ReadWholeFile(entry.path().string(), &content);
    EXPECT_EQ(content.find("over TLS"), std::string::npos) << entry.path();
  }
}

}  // namespace
}  // namespace admin
}  // namespace foyer
