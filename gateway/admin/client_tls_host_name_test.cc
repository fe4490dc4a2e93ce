// client-lib checks the broker's host name over mqtts://, not only its chain:
// a real mosquitto with the real plugin presents a certificate signed by the
// CA the client trusts. Made for "not-this-host.example" only, it is refused
// at 127.0.0.1 (the invite stays unused: it still works over the plain
// loopback listener); naming 127.0.0.1 (an IP SAN), it is accepted and the
// admin registers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_user.h"
#include "foyer/client.h"
#include "foyer/crypto.h"
#include "tls_broker_fixture.h"
#include "tls_material.h"

namespace foyer {
namespace admin {
namespace {

using foyer_test::Describe;
using foyer_test::ProcessResult;

class ClientTlsHostNameTest : public TlsBrokerFixture {
 protected:
  void SetUp() override {
    TlsBrokerFixture::SetUp();
    ca_ = dir_ + "/ca.crt";
    ASSERT_TRUE(crypto::Init());
    ASSERT_TRUE(GenerateCa({}, ca_, dir_ + "/ca.key").ok());
  }

  // Configures the broker with a certificate from the household CA naming
  // `dns_names` and `ip_addresses`, and starts it.
  void StartWithCertificate(const std::vector<std::string>& dns_names,
                            const std::vector<std::string>& ip_addresses) {
    ServerCertOptions cert;
    cert.common_name = dns_names.front();
    cert.dns_names = dns_names;
    cert.ip_addresses = ip_addresses;
    ASSERT_TRUE(
        GenerateServerCert(cert, ca_, dir_ + "/ca.key", dir_ + "/server.crt", dir_ + "/server.key")
            .ok());
    ProcessResult setup =
        RunAdminSetup({"--tls", "files", "--tls-cert", dir_ + "/server.crt", "--tls-key",
                       dir_ + "/server.key", "--tls-ca", ca_, "--public-host", dns_names.front()});
    ASSERT_EQ(setup.exit_code, 0) << Describe(setup);
    StartBroker();
  }

  // Redeems the admin's invite at `server`, trusting the household CA.
  Status RegisterAdmin(const std::string& server, const std::string& invite) {
    client::Options options;
    options.server = server;
    options.ca_file = ca_;
    options.timeout_ms = 20000;
    client::Registration registration;
    Status status = client::Register(options, invite, "password of admin", &registration);
    if (status.ok()) {
      EXPECT_EQ(registration.role, "admin");
    }
    return status;
  }

  std::string ca_;
};

TEST_F(ClientTlsHostNameTest, RefusesACertificateForAnotherHost) {
  StartWithCertificate({"not-this-host.example"}, {});
  // The chain alone is sound: only the name is wrong.
  ASSERT_TRUE(VerifyServerCert(dir_ + "/server.crt", ca_, "not-this-host.example").ok());
  ASSERT_FALSE(VerifyServerCert(dir_ + "/server.crt", ca_, "127.0.0.1").ok());

  const std::string invite = AdminInvite();
  Status status = RegisterAdmin(MqttsUrl(), invite);
  EXPECT_EQ(status.code(), Status::Code::kIOError) << status.ToString();

  // Nothing reached the plugin: the invite is unused and works in clear on
  // the loopback listener.
  status = RegisterAdmin("mqtt://127.0.0.1:" + std::to_string(ports_[kMqtt]), invite);
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST_F(ClientTlsHostNameTest, AcceptsACertificateNamingTheAddress) {
  StartWithCertificate({"foyer.example"}, {"127.0.0.1"});
  Status status = RegisterAdmin(MqttsUrl(), AdminInvite());
  EXPECT_TRUE(status.ok()) << status.ToString();
}

}  // namespace
}  // namespace admin
}  // namespace foyer
