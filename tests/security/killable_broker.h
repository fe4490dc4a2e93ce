// KillableBroker: a real mosquitto with the real plugin, like the
// integration BrokerFixture, for the tests that crash it (SIGKILL), expect it
// to refuse to start, or run it on a data directory they prepared (a small
// tmpfs, a read-only mount, damaged files). Start() reports a refusal
// instead of failing the test; the destructor always kills the broker and
// removes the temporary directory (after unmounting what was mounted there).
#ifndef FOYER_TESTS_SECURITY_KILLABLE_BROKER_H_
#define FOYER_TESTS_SECURITY_KILLABLE_BROKER_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "process.h"

namespace foyer_test {

class KillableBroker {
 public:
  // Makes the temporary directory (with data/) and picks the ports.
  KillableBroker();
  ~KillableBroker();
  KillableBroker(const KillableBroker&) = delete;
  KillableBroker& operator=(const KillableBroker&) = delete;

  // plugin_opt_<name> <value> for the next Start.
  void SetPluginOption(const std::string& name, const std::string& value);
  // Starts mosquitto and waits until it serves. False when it exits or does
  // not announce itself within `timeout` (`why` then holds the log's end).
  bool Start(std::string* why, std::chrono::seconds timeout = std::chrono::seconds(20));
  // SIGKILL, and reap.
  void Kill();
  // SIGTERM; the exit code (-1 when it had to be killed after 10 s).
  int Stop();
  bool running();

  int port() const { return port_; }
  std::string server_url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  std::string server_uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  const std::string& temp_dir() const { return temp_dir_; }
  const std::string& data_dir() const { return data_dir_; }
  // The admin's bootstrap invite ("" once the admin registered).
  std::string AdminInvite() const;
  std::string Log() const;
  // The log written since the last Start.
  std::string LogSinceStart() const;
  // The broker's resident set size in KiB (0 when not running).
  long RssKib();

  // Mounts a tmpfs of `bytes` on data_dir() (needs root). False (and `why`)
  // when it cannot; the destructor unmounts it.
  bool MountSmallDataDir(size_t bytes, std::string* why);
  // Remounts that tmpfs read-only or read-write.
  bool RemountDataDir(bool read_only, std::string* why);

 private:
  std::string temp_dir_;
  std::string data_dir_;
  std::string config_path_;
  std::string log_path_;
  size_t log_offset_ = 0;
  int port_ = 0;
  int ws_port_ = 0;
  bool mounted_ = false;
  std::map<std::string, std::string> plugin_options_;
  std::unique_ptr<Process> broker_;
};

}  // namespace foyer_test

#endif  // FOYER_TESTS_SECURITY_KILLABLE_BROKER_H_
