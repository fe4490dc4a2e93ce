// Transport: the MQTT seam of client-lib. The client talks to the broker only
// through this interface, so that tests can replace Paho with a fake (in the
// manner of Paho's own iasync_client).
//
// Threading: handlers may be called from the transport's own thread (Paho's
// callback thread). They must not block on the transport (no waiting for a
// publish or subscribe to complete from inside a handler).
#ifndef FOYER_TRANSPORT_H_
#define FOYER_TRANSPORT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "foyer/status.h"

namespace foyer {
namespace client {

struct TransportOptions {
  // Broker address: mqtt://host:port, mqtts://host:port (tcp:// and ssl:// too).
  std::string server = "mqtt://127.0.0.1:1883";
  // MQTT client id, user name and password.
  std::string client_id;
  std::string user_name;
  std::string password;
  // CA certificate file for mqtts:// (empty: the system's trust store).
  std::string ca_file;
  // How long Connect waits for CONNACK.
  int connect_timeout_ms = 10000;
  // Reconnect by itself after a lost connection (the connected handler runs
  // again after each reconnect; the session always starts clean).
  bool auto_reconnect = true;
};

class Transport {
 public:
  // A message arrived on `topic` (any topic: responses come without a subscription).
  using MessageHandler = std::function<void(const std::string& topic, const std::string& payload)>;
  // The connection is up: after the first Connect and after every reconnect.
  using ConnectedHandler = std::function<void()>;
  // The connection was lost (auto_reconnect may bring it back).
  using LostHandler = std::function<void(const std::string& cause)>;
  // Completion of an asynchronous operation: OK when the broker acknowledged
  // it, an error when it refused it (e.g. PUBACK 0x87) or the connection failed.
  using DoneHandler = std::function<void(const Status& status)>;

  virtual ~Transport() = default;

  // Installs the handlers; call before Connect.
  virtual void SetHandlers(MessageHandler on_message, ConnectedHandler on_connected,
                           LostHandler on_lost) = 0;
  // Connects and waits for the broker's answer. Denied when the broker
  // refused the login, IOError when it could not be reached.
  virtual Status Connect(const TransportOptions& options) = 0;
  // Disconnects (no reconnect afterwards). Waits for the handlers and
  // operations in progress on other threads (so a handler must not call it);
  // handlers are not called once it returns, and later operations fail.
  virtual void Disconnect() = 0;
  virtual bool IsConnected() const = 0;
  // Publishes at QoS 1, not retained. Returns an error when the message could
  // not be queued (e.g. disconnected); otherwise `done` (may be empty) is
  // called once the broker acknowledged or refused it.
  virtual Status Publish(const std::string& topic, const std::string& payload,
                         DoneHandler done) = 0;
  // Subscribes at QoS 1; `done` gets an error if the broker refused any filter.
  virtual Status Subscribe(const std::vector<std::string>& filters, DoneHandler done) = 0;
  virtual Status Unsubscribe(const std::vector<std::string>& filters, DoneHandler done) = 0;
};

// The Paho MQTT C++ (MQTT 5, async client, no persistence) implementation.
std::unique_ptr<Transport> NewPahoTransport();

}  // namespace client
}  // namespace foyer

#endif  // FOYER_TRANSPORT_H_
