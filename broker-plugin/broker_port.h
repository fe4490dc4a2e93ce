// BrokerPort: what the plugin's core needs from the broker. plugin.cc adapts
// mosquitto to it; unit tests use a fake that records what was sent.
//
// Threads: the core calls the port only from the broker's network thread
// (inside a callback), as mosquitto requires.
#ifndef FOYER_BROKER_PLUGIN_BROKER_PORT_H_
#define FOYER_BROKER_PLUGIN_BROKER_PORT_H_

#include <string>

namespace foyer {
namespace plugin {

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError };

class BrokerPort {
 public:
  virtual ~BrokerPort() = default;
  // Delivers `payload` (QoS 1, not retained) to the one client `client_id`,
  // whether or not it subscribed. Dropped when that client is not connected.
  virtual void PublishTo(const std::string& client_id, const std::string& topic,
                         const std::string& payload) = 0;
  // Publishes to every subscriber of `topic` (QoS 1, not retained); READ
  // access is checked per subscriber.
  virtual void Publish(const std::string& topic, const std::string& payload) = 0;
  // Disconnects every session of `user_name` (without sending its will).
  virtual void KickUser(const std::string& user_name) = 0;
  // Never pass message contents, passwords, keys or tokens.
  virtual void Log(LogLevel level, const std::string& text) = 0;
};

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_BROKER_PORT_H_
