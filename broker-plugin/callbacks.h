// The mosquitto side of the plugin: the BrokerPort over mosquitto's broker
// functions, and one callback per event, each translating to Server calls.
// No exception crosses into the broker: each callback catches and denies.
#ifndef FOYER_BROKER_PLUGIN_CALLBACKS_H_
#define FOYER_BROKER_PLUGIN_CALLBACKS_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "broker_port.h"
#include "server.h"

namespace foyer {
namespace plugin {

class MosquittoPort : public BrokerPort {
 public:
  void PublishTo(const std::string& client_id, const std::string& topic,
                 const std::string& payload) override;
  void Publish(const std::string& topic, const std::string& payload) override;
  void KickUser(const std::string& user_name) override;
  void Log(LogLevel level, const std::string& text) override;
};

// The userdata of every callback.
struct PluginContext {
  MosquittoPort port;
  std::unique_ptr<Server> server;
  // The plugin_opt_ pairs given at start, parsed again on MOSQ_EVT_RELOAD.
  std::vector<std::pair<std::string, std::string>> options;
};

// MOSQ_FUNC_generic_callback signatures: (event, event_data, userdata).
int OnBasicAuth(int event, void* event_data, void* userdata);
int OnAclCheck(int event, void* event_data, void* userdata);
int OnMessage(int event, void* event_data, void* userdata);
int OnControl(int event, void* event_data, void* userdata);
int OnDisconnect(int event, void* event_data, void* userdata);
// SIGHUP: re-reads the options (plugin_opt_config's file) and applies what
// can change at run time (Server::Reload); a bad file changes nothing.
int OnReload(int event, void* event_data, void* userdata);

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_CALLBACKS_H_
