#include "setup_plan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "expose_mappings.h"
#include "files.h"
#include "setup_wizard.h"
#include "test_dir.h"
#include "tls_material.h"

namespace foyer {
namespace admin {
namespace {

namespace po = boost::program_options;

std::string Read(const std::string& path) {
  std::string content;
  EXPECT_TRUE(ReadWholeFile(path, &content).ok()) << path;
  return content;
}

unsigned ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

class SetupPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTestDir("setup");
    plan_.household_name = "Dupont";
    plan_.data_dir = dir_ + "/data";
    plan_.config_dir = dir_ + "/etc";
    plan_.dns_names = {"foyer.local", "localhost"};
    plan_.ip_addresses = {"192.168.1.20", "127.0.0.1"};
    plan_.public_host = "192.168.1.20";
    plan_.run_user = "root";
    plan_.plugin_path = "/opt/foyer/lib/foyer_plugin.so";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
  SetupPlan plan_;
};

TEST(RenderTemplate, FillsFieldsAndRefusesUnknownOnes) {
  std::string out;
  ASSERT_TRUE(
      RenderTemplate("a @X@ b @Y_Z@ mail@example.org", {{"X", "1"}, {"Y_Z", "two"}}, &out).ok());
  EXPECT_EQ(out, "a 1 b two mail@example.org");
  EXPECT_FALSE(RenderTemplate("@MISSING@", {}, &out).ok());
}

TEST(Templates, EveryFieldIsKnown) {
  // Both embedded templates render with the fields ApplyPlan provides (the
  // test below applies a plan); here: they are not empty and hold fields.
  EXPECT_NE(MosquittoTlsTemplate().find("@FOYER_TLS_LISTENERS@"), std::string::npos);
  EXPECT_NE(FoyerConfTemplate().find("@FOYER_DATA_DIR@"), std::string::npos);
}

TEST_F(SetupPlanTest, WritesMosquittoConfWithTlsListeners) {
  SetupResult result;
  Status status = ApplyPlan(plan_, &result);
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::string conf = Read(result.mosquitto_conf);
  EXPECT_EQ(conf.find('@'), std::string::npos) << "a field was left unfilled";
  EXPECT_NE(conf.find("listener 1883 127.0.0.1\nsocket_domain ipv4\n"), std::string::npos);
  EXPECT_NE(conf.find("listener 9001 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n"),
            std::string::npos);
  // The default listen address "::": MQTT/TLS on IPv4 and IPv6 (two
  // listeners), secure WebSockets on one dual-stack listener.
  EXPECT_NE(conf.find("listener 8883 0.0.0.0\nsocket_domain ipv4\ncertfile " + result.tls_cert +
                      "\nkeyfile " + result.tls_key + "\n"),
            std::string::npos);
  EXPECT_NE(conf.find("listener 8883 ::\nsocket_domain ipv6\ncertfile " + result.tls_cert +
                      "\nkeyfile " + result.tls_key + "\n"),
            std::string::npos);
  EXPECT_NE(conf.find("listener 8884 ::\nprotocol websockets\nsocket_domain ipv6\ncertfile "),
            std::string::npos);
  EXPECT_EQ(conf.find("listener 8884 0.0.0.0"), std::string::npos)
      << "an IPv4 websockets listener would collide with the dual-stack one";
  EXPECT_NE(conf.find("plugin /opt/foyer/lib/foyer_plugin.so\n"), std::string::npos);
  EXPECT_NE(conf.find("plugin_opt_config " + result.foyer_conf + "\n"), std::string::npos);
  EXPECT_NE(conf.find("user root\n"), std::string::npos);
  // Every listener is followed by its socket_domain (websockets honour the
  // address only with it).
  std::regex listener(
      "listener [0-9]+ [^\n]+\n(protocol websockets\n)?socket_domain ipv(4|6)\n");
  auto begin = std::sregex_iterator(conf.begin(), conf.end(), listener);
  EXPECT_EQ(std::distance(begin, std::sregex_iterator()), 5);
  size_t listeners = 0;
  for (size_t at = conf.find("\nlistener "); at != std::string::npos;
       at = conf.find("\nlistener ", at + 1)) {
    ++listeners;
  }
  EXPECT_EQ(listeners, 5u);
}

TEST_F(SetupPlanTest, ListensOnEachGivenAddress) {
  plan_.listen_address = "192.168.1.20,2a01:e0a:1::20";
  SetupResult result;
  Status status = ApplyPlan(plan_, &result);
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::string conf = Read(result.mosquitto_conf);
  for (const char* expected :
       {"listener 8883 192.168.1.20\nsocket_domain ipv4\ncertfile ",
        "listener 8883 2a01:e0a:1::20\nsocket_domain ipv6\ncertfile ",
        "listener 8884 192.168.1.20\nprotocol websockets\nsocket_domain ipv4\ncertfile ",
        "listener 8884 2a01:e0a:1::20\nprotocol websockets\nsocket_domain ipv6\ncertfile "}) {
    EXPECT_NE(conf.find(expected), std::string::npos) << expected << "\n" << conf;
  }
  EXPECT_NE(Read(result.foyer_conf).find("listen = 192.168.1.20,2a01:e0a:1::20\n"),
            std::string::npos);

  for (const char* bad : {"192.168.1.300", "192.168.1.20,,::1", "::1,::1", ""}) {
    plan_.listen_address = bad;
    plan_.force = true;
    EXPECT_FALSE(ApplyPlan(plan_, &result).ok()) << bad;
  }
}

TEST_F(SetupPlanTest, WritesFoyerConfThatParsesAsIni) {
  SetupResult result;
  ASSERT_TRUE(ApplyPlan(plan_, &result).ok());
  std::ifstream file(result.foyer_conf);
  po::options_description options;
  options.add_options()("data_dir", po::value<std::string>())("key_file", po::value<std::string>())(
      "gateway.port", po::value<std::string>())("gateway.tls_cert", po::value<std::string>())(
      "gateway.public_url", po::value<std::string>());
  po::variables_map values;
  po::store(po::parse_config_file(file, options, true), values);
  EXPECT_EQ(values["data_dir"].as<std::string>(), plan_.data_dir);
  EXPECT_EQ(values["key_file"].as<std::string>(), plan_.data_dir + "/master.key");
  EXPECT_EQ(values["gateway.port"].as<std::string>(), "8443");
  EXPECT_EQ(values["gateway.tls_cert"].as<std::string>(), result.tls_cert);
  EXPECT_EQ(values["gateway.public_url"].as<std::string>(), "https://192.168.1.20:8443");
  EXPECT_EQ(ModeOf(result.foyer_conf), 0644u);
}

// What setup writes is what `foyer-admin expose` and the gateway read: the
// gateway's HTTPS port and the broker's TLS listeners.
TEST_F(SetupPlanTest, ExposeReadsTheTlsPortsOfTheWrittenConfiguration) {
  SetupResult result;
  ASSERT_TRUE(ApplyPlan(plan_, &result).ok());
  std::vector<uint16_t> ports;
  Status status = ReadExposedPorts(plan_.config_dir, &ports);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_NE(std::find(ports.begin(), ports.end(), 8443), ports.end());
  EXPECT_GE(ports.size(), 2u) << "the broker's TLS listeners are missing";
}

TEST_F(SetupPlanTest, CertificateNamesTheHostAndKeysArePrivate) {
  SetupResult result;
  ASSERT_TRUE(ApplyPlan(plan_, &result).ok());
  EXPECT_TRUE(VerifyServerCert(result.tls_cert, result.ca_cert, "192.168.1.20").ok());
  EXPECT_TRUE(VerifyServerCert(result.tls_cert, result.ca_cert, "foyer.local").ok());
  EXPECT_EQ(ModeOf(result.tls_key), 0600u);
  EXPECT_EQ(ModeOf(plan_.config_dir + "/tls/ca.key"), 0600u);
  EXPECT_EQ(ModeOf(plan_.data_dir), 0700u);
  EXPECT_FALSE(result.reused_ca);
  EXPECT_EQ(result.ca_fingerprint.size(), 95u);
}

TEST_F(SetupPlanTest, KeepsConfigurationUnlessForcedAndKeepsTheCa) {
  SetupResult first;
  ASSERT_TRUE(ApplyPlan(plan_, &first).ok());
  SetupResult second;
  EXPECT_EQ(ApplyPlan(plan_, &second).code(), Status::Code::kConflict);
  plan_.force = true;
  plan_.ip_addresses.push_back("10.0.0.9");
  ASSERT_TRUE(ApplyPlan(plan_, &second).ok());
  EXPECT_TRUE(second.reused_ca);
  EXPECT_EQ(second.ca_fingerprint, first.ca_fingerprint);
  EXPECT_TRUE(VerifyServerCert(second.tls_cert, second.ca_cert, "10.0.0.9").ok());
}

TEST_F(SetupPlanTest, PassphraseIsWrittenPrivately) {
  plan_.use_passphrase = true;
  plan_.passphrase_file = plan_.config_dir + "/passphrase";
  plan_.passphrase = "correct horse battery staple";
  SetupResult result;
  ASSERT_TRUE(ApplyPlan(plan_, &result).ok());
  EXPECT_EQ(Read(plan_.passphrase_file), "correct horse battery staple\n");
  EXPECT_EQ(ModeOf(plan_.passphrase_file), 0600u);
  std::string conf = Read(result.foyer_conf);
  EXPECT_NE(conf.find("passphrase_file = " + plan_.passphrase_file + "\n"), std::string::npos);
  EXPECT_EQ(conf.find("key_file"), std::string::npos);
  EXPECT_EQ(conf.find("correct horse"), std::string::npos);
}

TEST_F(SetupPlanTest, GivenFilesAreChecked) {
  ASSERT_TRUE(MakeDirectory(dir_ + "/own", 0700).ok());
  ASSERT_TRUE(GenerateCa({}, dir_ + "/own/ca.crt", dir_ + "/own/ca.key").ok());
  ServerCertOptions server;
  server.dns_names = {"house.example"};
  ASSERT_TRUE(GenerateServerCert(server, dir_ + "/own/ca.crt", dir_ + "/own/ca.key",
                                 dir_ + "/own/s.crt", dir_ + "/own/s.key")
                  .ok());
  plan_.generate_tls = false;
  plan_.public_host = "house.example";
  plan_.tls_cert = dir_ + "/own/s.crt";
  plan_.tls_key = dir_ + "/own/ca.key";  // the wrong key
  SetupResult result;
  EXPECT_FALSE(ApplyPlan(plan_, &result).ok());
  EXPECT_FALSE(PathExists(plan_.config_dir + "/mosquitto.conf"));
  plan_.tls_key = dir_ + "/own/s.key";
  plan_.tls_ca = dir_ + "/own/ca.crt";
  ASSERT_TRUE(ApplyPlan(plan_, &result).ok());
  EXPECT_EQ(result.tls_cert, plan_.tls_cert);
  EXPECT_NE(Read(result.mosquitto_conf).find("keyfile " + plan_.tls_key), std::string::npos);
  EXPECT_FALSE(PathExists(plan_.config_dir + "/tls/ca.key"));
}

TEST_F(SetupPlanTest, WizardAnswersMakeThePlan) {
  std::istringstream answers(
      "Martin\n"        // household
      "\n"              // data dir: keep
      "\n"              // config dir: keep
      "passphrase\n"    // master key
      "\n"              // passphrase file: keep the default
      "short\nshort\n"  // too short: asked again
      "a long passphrase\na long passphrase\n"
      "99999\n18883\n"  // out of range, then a port
      "\n\n"            // wss, https
      "generate\n"
      "pi.local, localhost\n"
      "10.1.1.5,127.0.0.1\n"
      "\n");  // public host: the default
  std::ostringstream shown;
  Prompter prompter(&answers, &shown);
  ASSERT_TRUE(RunWizard(&prompter, &plan_).ok()) << shown.str();
  EXPECT_EQ(plan_.household_name, "Martin");
  EXPECT_EQ(plan_.data_dir, dir_ + "/data");
  EXPECT_TRUE(plan_.use_passphrase);
  EXPECT_EQ(plan_.passphrase_file, dir_ + "/etc/passphrase");
  EXPECT_EQ(plan_.passphrase, "a long passphrase");
  EXPECT_EQ(plan_.mqtts_port, 18883);
  EXPECT_EQ(plan_.dns_names, (std::vector<std::string>{"pi.local", "localhost"}));
  EXPECT_EQ(plan_.ip_addresses, (std::vector<std::string>{"10.1.1.5", "127.0.0.1"}));
  EXPECT_EQ(plan_.public_host, "10.1.1.5");
  EXPECT_NE(shown.str().find("At least 12 characters"), std::string::npos);
  EXPECT_NE(shown.str().find("a number from 1 to 65535"), std::string::npos);
  EXPECT_TRUE(CheckPlan(plan_).ok());
}

TEST_F(SetupPlanTest, WizardStopsAtTheEndOfInput) {
  std::istringstream answers("Martin\n");
  std::ostringstream shown;
  Prompter prompter(&answers, &shown);
  EXPECT_EQ(RunWizard(&prompter, &plan_).code(), Status::Code::kIOError);
}

TEST_F(SetupPlanTest, NextStepsNameThePortsAndTheAddress) {
  SetupResult result;
  ASSERT_TRUE(ApplyPlan(plan_, &result).ok());
  std::ostringstream text;
  PrintNextSteps(plan_, result, text);
  EXPECT_NE(text.str().find("forward TCP 8883 (MQTT/TLS), 8884 (secure WebSockets) and 8443"),
            std::string::npos);
  EXPECT_NE(text.str().find("https://192.168.1.20:8443"), std::string::npos);
  EXPECT_NE(text.str().find(result.ca_fingerprint), std::string::npos);
  EXPECT_NE(text.str().find(plan_.data_dir + "/admin-invite"), std::string::npos);
}

}  // namespace
}  // namespace admin
}  // namespace foyer
