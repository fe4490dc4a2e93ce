// TlsBrokerFixture: a household configured by the real `foyer-admin setup
// --non-interactive` in a temporary directory, and a real mosquitto loading
// the real plugin from that configuration (TLS listeners on 127.0.0.1).
// It is tests/integration's BrokerFixture with its TLS option
// (UseConfigFile): the same start, wait, stop, log and clean-up.
//
// SetUp() makes the directory and picks six free loopback ports; the test
// runs RunAdminSetup() with its TLS flags, then StartBroker(). TearDown()
// always stops the broker (expecting a clean exit), prints its log when the
// test failed, and removes the directory.
#ifndef FOYER_GATEWAY_ADMIN_TLS_BROKER_FIXTURE_H_
#define FOYER_GATEWAY_ADMIN_TLS_BROKER_FIXTURE_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "broker_fixture.h"
#include "process.h"

namespace foyer {
namespace admin {

class TlsBrokerFixture : public foyer_test::BrokerFixture {
 protected:
  // Indexes into ports_, in the order setup takes them.
  enum Port { kMqtts = 0, kWss, kHttps, kMqtt, kWs, kHttp, kPortCount };

  // Does not start the broker (BrokerFixture::SetUp does): setup comes first.
  void SetUp() override;

  // `foyer-admin setup --non-interactive` into dir_/etc (data in dir_/data)
  // with the ports, this process's user as run user and the build's plugin,
  // followed by `tls_args` (e.g. {"--tls", "generate", "--ip", "127.0.0.1"}).
  foyer_test::ProcessResult RunAdminSetup(const std::vector<std::string>& tls_args);
  // Starts mosquitto with dir_/etc/mosquitto.conf and waits until it serves
  // on both TLS listeners and the loopback one; fails the test otherwise.
  // `data_dir`: the data directory that configuration now names (default
  // dir_/data, as setup wrote it).
  void StartBroker(const std::string& data_dir = "");

  // mqtts://127.0.0.1:<mqtts port>
  std::string MqttsUrl() const;
  // The bootstrap invite the plugin wrote at its first start (44 characters).
  std::string AdminInvite();

  std::string dir_;
  std::vector<int> ports_;
};

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_TLS_BROKER_FIXTURE_H_
