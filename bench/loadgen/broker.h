// One mosquitto process for a benchmark run: its configuration is made from
// config/mosquitto.conf.in, the same template for both kinds:
//   kStock: without the plugin lines, plus a password file and an ACL file;
//   kFoyer: with the plugin (its data directory given), as shipped.
// Both listen on 127.0.0.1 only. The broker's log goes to <run_dir>/<name>.log.
#ifndef FOYER_BENCH_BROKER_H_
#define FOYER_BENCH_BROKER_H_

#include <sys/types.h>

#include <string>

#include "foyer/status.h"

namespace foyer {
namespace bench {

enum class BrokerKind { kStock, kFoyer };

struct BrokerOptions {
  BrokerKind kind = BrokerKind::kStock;
  std::string name;           // file name stem for the config and log
  std::string template_path;  // config/mosquitto.conf.in
  std::string run_dir;        // where the config and log are written
  std::string plugin_path;    // kFoyer: foyer_plugin.so
  std::string data_dir;       // kFoyer: the plugin's data directory
  std::string password_file;  // kStock
  std::string acl_file;       // kStock
};

// A free TCP port on 127.0.0.1 (bound then released).
int FreePort();

class Broker {
 public:
  Broker() = default;
  ~Broker();  // stops the process if it runs
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Writes the configuration on fresh ports and starts mosquitto. Does not
  // wait: call WaitListening (or poll a login) afterwards.
  Status Start(const BrokerOptions& options);
  // Waits until the MQTT port accepts TCP connections.
  Status WaitListening(int timeout_ms) const;
  // SIGTERM, then SIGKILL after 10 s. Returns an error when mosquitto exited
  // with a failure before being stopped.
  Status Stop();

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& log_path() const { return log_path_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_BROKER_H_
