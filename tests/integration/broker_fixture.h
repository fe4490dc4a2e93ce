// BrokerFixture: a real /usr/sbin/mosquitto loading the real foyer plugin from
// the build tree, on free loopback ports, with a fresh temporary data
// directory, configured from config/mosquitto.conf.in like scripts/start.
//
// SetUp() starts the broker and reads the admin's bootstrap invite; TearDown()
// always stops it (SIGTERM, then SIGKILL), checks that it stopped cleanly,
// prints the end of its log when the test failed, and removes the temporary
// directory. RestartBroker() keeps the data directory and the ports.
#ifndef FOYER_TESTS_INTEGRATION_BROKER_FIXTURE_H_
#define FOYER_TESTS_INTEGRATION_BROKER_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "process.h"

namespace foyer_test {

class BrokerFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Extra plugin_opt_<name> lines for the next start (e.g. invite_ttl).
  // Call before StartBroker(); a fixture that needs them overrides SetUp().
  void SetPluginOption(const std::string& name, const std::string& value);

  // Creates the temporary directory and picks the ports (SetUp does it).
  void Prepare();
  // The TLS option: start the broker from `config_path`, a mosquitto.conf
  // written by someone else (`foyer-admin setup` writes TLS listeners), instead
  // of config/mosquitto.conf.in. `data_dir` is the plugin's data directory it
  // names, `mqtt_port` its plain loopback MQTT port (server_url()), and the
  // broker serves once every port of `ready_ports` accepts connections too.
  // Call after Prepare(), before StartBroker(); SetPluginOption() then has no
  // effect. May be called again (e.g. after moving the data directory).
  void UseConfigFile(const std::string& config_path, const std::string& data_dir, int mqtt_port,
                     const std::vector<int>& ready_ports);
  // Starts the broker and waits until it serves; fails the test if not.
  void StartBroker();
  // Stops the broker: SIGTERM, then SIGKILL after 10 s. Expects a clean exit.
  void StopBroker();
  void RestartBroker();

  int mqtt_port() const { return mqtt_port_; }
  std::string server_url() const;  // mqtt://127.0.0.1:<port>
  std::string server_uri() const;  // tcp://127.0.0.1:<port> (Paho)
  const std::string& temp_dir() const { return temp_dir_; }
  const std::string& data_dir() const { return data_dir_; }
  // The bootstrap invite code written by the plugin at its first start.
  const std::string& admin_invite() const { return admin_invite_; }
  std::string BrokerLog() const;

 private:
  void WriteConfig();
  bool WaitUntilServing(size_t log_offset, std::string* why);

  std::string temp_dir_;
  std::string data_dir_;
  std::string config_path_;
  bool external_config_ = false;
  std::vector<int> ready_ports_;
  std::string log_path_;
  int mqtt_port_ = 0;
  int ws_port_ = 0;
  std::map<std::string, std::string> plugin_options_;
  std::unique_ptr<Process> broker_;
  std::string admin_invite_;
};

// Reads a whole file ("" when it cannot be read).
std::string ReadFile(const std::string& path);

// Binds `count` sockets to 127.0.0.1:0 at once (so the ports differ), frees
// them and returns their ports.
std::vector<int> FreeLoopbackPorts(int count);
// True when 127.0.0.1:`port` accepts a TCP connection.
bool PortAcceptsConnections(int port);

}  // namespace foyer_test

#endif  // FOYER_TESTS_INTEGRATION_BROKER_FIXTURE_H_
