// The gateway's listen addresses: parsing, and serving on IPv4 and IPv6 at
// once (loopback only).
#include "listen_addresses.h"

#include <gtest/gtest.h>

#include <thread>

#include "gateway_server.h"

namespace foyer {
namespace gateway {
namespace {

TEST(ListenAddressesTest, Parses) {
  std::vector<ListenAddress> addresses;
  ASSERT_TRUE(ParseListenAddresses("127.0.0.1, ::1", &addresses).ok());
  ASSERT_EQ(addresses.size(), 2u);
  EXPECT_EQ(addresses[0].host, "127.0.0.1");
  EXPECT_FALSE(addresses[0].ipv6);
  EXPECT_EQ(addresses[1].host, "::1");
  EXPECT_TRUE(addresses[1].ipv6);
  EXPECT_FALSE(addresses[1].dual_stack);

  // "::" takes everything else.
  ASSERT_TRUE(ParseListenAddresses("0.0.0.0,[::],192.168.1.2", &addresses).ok());
  ASSERT_EQ(addresses.size(), 1u);
  EXPECT_EQ(addresses[0].host, "::");
  EXPECT_TRUE(addresses[0].dual_stack);

  ASSERT_TRUE(ParseListenAddresses("localhost", &addresses).ok());
  for (const char* bad : {"", "127.0.0.1,", "127.0.0.1,127.0.0.1", "1.2.3.4:80", "a b", "192.168.1.300"}) {
    EXPECT_FALSE(ParseListenAddresses(bad, &addresses).ok()) << bad;
  }
  EXPECT_EQ(UrlHost("::1"), "[::1]");
  EXPECT_EQ(UrlHost("127.0.0.1"), "127.0.0.1");
}

class NoBackend : public AdminBackend {
 public:
  bool connected() const override { return true; }
  std::string household() const override { return ""; }
  Status AdminCall(const std::string&, const nlohmann::json&, nlohmann::json*) override {
    return Status::IOError("no broker in this test");
  }
};

// One port, answered over 127.0.0.1 and ::1 (two sockets), then over both
// again from one dual-stack socket on "::" (bound, not reached from outside:
// the test only connects to loopback).
TEST(ListenAddressesTest, ServesIpv4AndIpv6) {
  for (const char* listen : {"127.0.0.1,::1", "::"}) {
    GatewayOptions options;
    options.listen = listen;
    options.port = 0;
    options.web_root = "/nonexistent";
    NoBackend backend;
    GatewayServer server(options, &backend);
    Status status = server.Bind();
    ASSERT_TRUE(status.ok()) << listen << ": " << status.ToString();
    std::thread thread([&server] { server.Run(); });
    for (const char* host : {"127.0.0.1", "::1"}) {
      httplib::Client client(host, server.bound_port());
      client.set_connection_timeout(5, 0);
      auto response = client.Get("/healthz");
      EXPECT_TRUE(response) << listen << " not reached over " << host;
      if (response) EXPECT_EQ(response->status, 200) << listen << " over " << host;
    }
    server.Stop();
    thread.join();
  }
}

}  // namespace
}  // namespace gateway
}  // namespace foyer
