// PluginLink: the gateway's MQTT connection to the broker plugin, as the
// service account `~gateway` (docs/admin-api.md). The credential is read
// from the key file the plugin writes at each start, again before every
// reconnect (a restarted broker has a new one). A background thread keeps
// the link up; calls fail fast with IOError while it is down.
//
// Threads: every method may be called from any thread (HTTP workers).
#ifndef FOYER_GATEWAY_PLUGIN_LINK_H_
#define FOYER_GATEWAY_PLUGIN_LINK_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "foyer/status.h"
#include "foyer/transport.h"

namespace foyer {
namespace client {
class Requester;
}
namespace gateway {

// What the HTTP side needs from the plugin; PluginLink is the real one, tests
// may fake it.
class AdminBackend {
 public:
  virtual ~AdminBackend() = default;
  virtual bool connected() const = 0;
  // The household id (32 hex) learnt at the last connection; empty before.
  virtual std::string household() const = 0;
  // Sends {"op":"admin","token":token,"call":call}: the plugin checks the
  // token and runs `call` with admin rights. The plugin's error codes come
  // back as Status codes (denied, "wrong admin token", for a bad token);
  // IOError when the broker cannot be reached or does not answer in time.
  virtual Status AdminCall(const std::string& token, const nlohmann::json& call,
                           nlohmann::json* result) = 0;
};

// The message of the plugin's answer to a wrong token (broker-plugin/admin_api.cc).
constexpr const char* kWrongTokenMessage = "wrong admin token";

struct PluginLinkOptions {
  std::string broker = "mqtt://127.0.0.1:1883";
  std::string ca_file;
  std::string key_file;
  int timeout_ms = 10000;
  // Pause between connection attempts.
  int retry_ms = 1000;
};

class PluginLink : public AdminBackend {
 public:
  using TransportFactory = std::function<std::unique_ptr<client::Transport>()>;

  // Starts the background connection thread at once. An empty factory uses
  // Paho.
  PluginLink(PluginLinkOptions options, TransportFactory factory = {});
  ~PluginLink() override;
  PluginLink(const PluginLink&) = delete;
  PluginLink& operator=(const PluginLink&) = delete;

  bool connected() const override { return connected_.load(); }
  std::string household() const override;
  // Waits up to `timeout_ms` for the link to be up.
  bool WaitConnected(int timeout_ms);

  Status AdminCall(const std::string& token, const nlohmann::json& call,
                   nlohmann::json* result) override;

 private:
  void Run();
  Status ConnectOnce();
  Status Call(nlohmann::json request, nlohmann::json* result);

  PluginLinkOptions options_;
  TransportFactory factory_;
  std::unique_ptr<client::Requester> requester_;
  mutable std::mutex mutex_;
  std::condition_variable wakeup_;
  std::unique_ptr<client::Transport> transport_;  // guarded by mutex_
  std::string household_;                         // guarded by mutex_
  bool stopping_ = false;                         // guarded by mutex_
  std::atomic<bool> connected_{false};
  std::thread thread_;
};

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_PLUGIN_LINK_H_
