// `foyer-admin expose`'s logic against a fake router (the real miniupnpc
// against a real miniupnpd: expose_miniupnpd_test.sh).
#include "expose_mappings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "test_dir.h"

namespace foyer {
namespace admin {
namespace {

class FakeIgd : public Igd {
 public:
  std::string Describe() const override { return "fake IGD"; }
  std::string LanAddress() const override { return "192.168.1.20"; }
  Status ExternalAddress(std::string* address) override {
    *address = external;
    return Status::OK();
  }
  Status AddMapping(const PortMapping& mapping) override {
    if (refused.count(mapping.external_port)) return Status::IOError("refused by the router");
    mappings[mapping.external_port] = mapping;
    return Status::OK();
  }
  Status GetMapping(uint16_t port, PortMapping* mapping, bool* found) override {
    auto it = mappings.find(port);
    *found = it != mappings.end();
    if (*found) *mapping = it->second;
    return Status::OK();
  }
  Status DeleteMapping(uint16_t port) override {
    mappings.erase(port);
    return Status::OK();
  }

  std::string external = "82.64.1.2";
  std::map<uint16_t, PortMapping> mappings;
  std::set<uint16_t> refused;
};

ExposeOptions Options(ExposeAction action) {
  ExposeOptions options;
  options.action = action;
  options.ports = {8443, 8883, 8884};
  return options;
}

TEST(ExposeTest, MapsEveryPortToThisMachineAndShowsThem) {
  FakeIgd igd;
  std::ostringstream out;
  ASSERT_TRUE(Expose(Options(ExposeAction::kAdd), igd, out).ok()) << out.str();
  ASSERT_EQ(igd.mappings.size(), 3u);
  for (uint16_t port : {8443, 8883, 8884}) {
    EXPECT_EQ(igd.mappings[port].internal_client, "192.168.1.20");
    EXPECT_EQ(igd.mappings[port].internal_port, port);
    EXPECT_EQ(igd.mappings[port].description, "Foyer");
  }
  EXPECT_NE(out.str().find("External address: 82.64.1.2"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("192.168.1.20:8884"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("Warning"), std::string::npos);

  // Again: nothing changes, nothing fails.
  std::ostringstream again;
  ASSERT_TRUE(Expose(Options(ExposeAction::kAdd), igd, again).ok());
  EXPECT_NE(again.str().find("already forwarded to this machine (lease renewed)"),
            std::string::npos);
  EXPECT_EQ(igd.mappings.size(), 3u);
}

TEST(ExposeTest, APortTakenByAnotherMachineUndoesTheRun) {
  FakeIgd igd;
  igd.mappings[8884] = PortMapping{8884, 8884, "192.168.1.99", "camera", 0};
  std::ostringstream out;
  Status status = Expose(Options(ExposeAction::kAdd), igd, out);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("8884"), std::string::npos);
  EXPECT_NE(status.message().find("192.168.1.99"), std::string::npos);
  // 8443 and 8883 were mapped before 8884 failed: removed again; the
  // camera's mapping is untouched.
  ASSERT_EQ(igd.mappings.size(), 1u);
  EXPECT_EQ(igd.mappings[8884].internal_client, "192.168.1.99");
}

TEST(ExposeTest, ARefusedMappingUndoesTheRun) {
  FakeIgd igd;
  igd.refused.insert(8884);
  std::ostringstream out;
  EXPECT_FALSE(Expose(Options(ExposeAction::kAdd), igd, out).ok());
  EXPECT_TRUE(igd.mappings.empty());
}

TEST(ExposeTest, RemoveLeavesOtherMachinesAlone) {
  FakeIgd igd;
  igd.mappings[8443] = PortMapping{8443, 8443, "192.168.1.20", "Foyer", 0};
  igd.mappings[8883] = PortMapping{8883, 8883, "192.168.1.99", "camera", 0};
  std::ostringstream out;
  ASSERT_TRUE(Expose(Options(ExposeAction::kRemove), igd, out).ok());
  ASSERT_EQ(igd.mappings.size(), 1u);
  EXPECT_EQ(igd.mappings.count(8883), 1u);
  EXPECT_NE(out.str().find("left alone"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("(not mapped)"), std::string::npos) << out.str();
}

TEST(ExposeTest, ShowChangesNothingAndWarnsAboutAPrivateExternalAddress) {
  FakeIgd igd;
  igd.external = "100.64.3.4";  // carrier-grade NAT
  std::ostringstream out;
  ASSERT_TRUE(Expose(Options(ExposeAction::kShow), igd, out).ok());
  EXPECT_TRUE(igd.mappings.empty());
  EXPECT_NE(out.str().find("Warning"), std::string::npos) << out.str();
}

TEST(ExposeTest, RefusesANonIpv4LanAddress) {
  FakeIgd igd;
  ExposeOptions options = Options(ExposeAction::kAdd);
  options.lan_address = "fe80::1";
  std::ostringstream out;
  EXPECT_FALSE(Expose(options, igd, out).ok());
  EXPECT_TRUE(igd.mappings.empty());
}

TEST(ExposeTest, PrivateAddresses) {
  for (const char* address : {"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1",
                              "100.64.0.1", "100.127.255.255", "169.254.1.1", "127.0.0.1"}) {
    EXPECT_TRUE(IsPrivateIpv4(address)) << address;
  }
  for (const char* address : {"82.64.1.2", "172.32.0.1", "100.128.0.1", "8.8.8.8", "nonsense"}) {
    EXPECT_FALSE(IsPrivateIpv4(address)) << address;
  }
}

TEST(ExposeTest, PortLists) {
  std::vector<uint16_t> ports;
  ASSERT_TRUE(ParsePortList("8884, 8443,8883,8443", &ports).ok());
  EXPECT_EQ(ports, (std::vector<uint16_t>{8443, 8883, 8884}));
  for (const char* bad : {"", "0", "65536", "84a", "8443,,8883", "-1"}) {
    EXPECT_FALSE(ParsePortList(bad, &ports).ok()) << bad;
  }
}

TEST(ExposeTest, ReadsTheTlsPortsOfASetupConfiguration) {
  const std::string dir = MakeTestDir("expose");
  {
    std::ofstream mosquitto(dir + "/mosquitto.conf");
    mosquitto << "listener 1883 127.0.0.1\nsocket_domain ipv4\n"
                 "listener 9001 ::1\nprotocol websockets\n"
                 "listener 18883 0.0.0.0\nsocket_domain ipv4\ncertfile /x.crt\nkeyfile /x.key\n"
                 "listener 18883 ::\nsocket_domain ipv6\ncertfile /x.crt\n"
                 "listener 18884 ::\nprotocol websockets\ncertfile /x.crt\n";
    std::ofstream foyer(dir + "/foyer.conf");
    foyer << "data_dir = /var/lib/foyer\ninvite_ttl = 604800\n[gateway]\nport = 18443\n"
             "tls_cert = /x.crt\ntls_key = /x.key\n";
  }
  std::vector<uint16_t> ports;
  Status status = ReadExposedPorts(dir, &ports);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(ports, (std::vector<uint16_t>{18443, 18883, 18884}));

  // Plain HTTP gateway: its port is not exposed.
  {
    std::ofstream foyer(dir + "/foyer.conf");
    foyer << "data_dir = /var/lib/foyer\n[gateway]\nport = 8080\n#tls_cert = /x.crt\n";
  }
  ASSERT_TRUE(ReadExposedPorts(dir, &ports).ok());
  EXPECT_EQ(ports, (std::vector<uint16_t>{18883, 18884}));

  // A foyer.conf the gateway itself would refuse is an error, not a guess:
  // expose reads it with the gateway's own option parser.
  for (const char* refused : {"data_dir = /d\n[gateway]\nport = 18443\ntls_cert = /x.crt\n",
                              "data_dir = /d\nport = 1\n[gateway]\nport = 18443\n",
                              "data_dir = /d\n[gateway]\nport = https\n"}) {
    {
      std::ofstream foyer(dir + "/foyer.conf");
      foyer << refused;
    }
    status = ReadExposedPorts(dir, &ports);
    EXPECT_FALSE(status.ok()) << refused;
    EXPECT_NE(status.message().find("foyer.conf"), std::string::npos) << status.ToString();
  }

  EXPECT_FALSE(ReadExposedPorts(dir + "/missing", &ports).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace admin
}  // namespace foyer
