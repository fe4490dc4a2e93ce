// foyer-gateway's options: the shared INI file, command-line overrides, help.
#include "gateway_options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace foyer {
namespace gateway {
namespace {

Status Parse(std::vector<const char*> args, GatewayOptions* options, bool* help = nullptr) {
  args.insert(args.begin(), "foyer-gateway");
  bool ignored = false;
  std::string text;
  return ParseGatewayOptions(static_cast<int>(args.size()), args.data(), options,
                             help ? help : &ignored, &text);
}

std::string WriteTemp(const std::string& text) {
  char pattern[] = "/tmp/foyer-gw-conf-XXXXXX";
  int fd = ::mkstemp(pattern);
  ::close(fd);
  std::ofstream(pattern) << text;
  return pattern;
}

TEST(GatewayOptionsTest, DefaultFileOfTheRepository) {
  GatewayOptions options;
  Status status = Parse({"--config", FOYER_SOURCE_DIR "/config/foyer.conf"}, &options);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(options.data_dir, "var");
  EXPECT_EQ(options.KeyFile(), "var/gateway.key");
  EXPECT_EQ(options.port, 8080);
  EXPECT_EQ(options.ws_url, "ws://127.0.0.1:9001");
  EXPECT_FALSE(options.tls());
}

TEST(GatewayOptionsTest, CommandLineOverridesTheFile) {
  std::string path = WriteTemp(
      "data_dir = /srv/foyer\nmax_people = 9\n[gateway]\nport = 8443\nhousehold = Les Martin\n"
      "tls_cert = /c.pem\ntls_key = /k.pem\n[admin]\nwhatever = 1\n");
  GatewayOptions options;
  Status status = Parse({"--config", path.c_str(), "--port=9443", "--listen", "0.0.0.0"}, &options);
  std::remove(path.c_str());
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(options.port, 9443);
  EXPECT_EQ(options.listen, "0.0.0.0");
  EXPECT_EQ(options.household, "Les Martin");
  EXPECT_EQ(options.KeyFile(), "/srv/foyer/gateway.key");
  EXPECT_TRUE(options.tls());
  EXPECT_EQ(options.PublicUrl(), "https://0.0.0.0:9443");
}

TEST(GatewayOptionsTest, Refusals) {
  GatewayOptions options;
  EXPECT_FALSE(Parse({"--data_dir=/d", "--bogus=1"}, &options).ok());
  EXPECT_FALSE(Parse({}, &options).ok());  // no credential file
  EXPECT_FALSE(Parse({"--data_dir=/d", "--tls_cert=/c.pem"}, &options).ok());
  EXPECT_FALSE(Parse({"--data_dir=/d", "--ws_url=http://x"}, &options).ok());
  EXPECT_FALSE(Parse({"--data_dir=/d", "--port=70000"}, &options).ok());
  std::string path = WriteTemp("[gateway]\nprot = 1\n");
  Status status = Parse({"--data_dir=/d", "--config", path.c_str()}, &options);
  std::remove(path.c_str());
  EXPECT_NE(status.message().find("prot"), std::string::npos) << status.ToString();
  path = WriteTemp("colour = blue\n");
  EXPECT_FALSE(Parse({"--data_dir=/d", "--config", path.c_str()}, &options).ok());
  std::remove(path.c_str());
}

TEST(GatewayOptionsTest, HelpListsEveryOptionWithDefaults) {
  GatewayOptions options;
  bool help = false;
  std::string text;
  const char* args[] = {"foyer-gateway", "--help"};
  ASSERT_TRUE(ParseGatewayOptions(2, args, &options, &help, &text).ok());
  EXPECT_TRUE(help);
  for (const char* option : {"--config", "--listen", "--port", "--tls_cert", "--tls_key",
                             "--web_root", "--broker", "--broker_ca", "--ws_url", "--public_url",
                             "--household", "--data_dir", "--gateway_key_file",
                             "--max_body_bytes", "--request_timeout_ms", "--threads"}) {
    EXPECT_NE(text.find(option), std::string::npos) << option;
  }
  EXPECT_NE(text.find("(=8080)"), std::string::npos);
  EXPECT_NE(text.find("(=65536)"), std::string::npos);
}

}  // namespace
}  // namespace gateway
}  // namespace foyer
