// Transport over Paho MQTT C++ 1.2: MQTT 5, async client, no persistence,
// clean start. Paho throws; every exception is translated to a Status here.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <mqtt/async_client.h>

#include "callback_guard.h"
#include "foyer/transport.h"

namespace foyer {
namespace client {
namespace {

// Paho C accepts tcp:// and ssl://; Foyer documents mqtt:// and mqtts://.
std::string PahoUri(const std::string& server, bool* tls) {
  std::string uri = server;
  if (uri.rfind("mqtt://", 0) == 0) uri = "tcp://" + uri.substr(7);
  if (uri.rfind("mqtts://", 0) == 0) uri = "ssl://" + uri.substr(8);
  if (uri.find("://") == std::string::npos) uri = "tcp://" + uri;
  *tls = uri.rfind("ssl://", 0) == 0;
  return uri;
}

std::string Describe(const mqtt::exception& error) {
  std::string text = error.get_message();
  if (text.empty()) text = error.what();
  const int reason = error.get_reason_code();
  if (reason >= 0x80) text += " (reason " + mqtt::exception::reason_code_str(reason) + ")";
  return text;
}

// Runs a handler on Paho's thread. An exception escaping into Paho C would
// end the process (std::terminate): log it instead. The handlers of
// client-lib's Client catch and report their own; this is the last line.
template <typename Handler>
void Guarded(const char* where, Handler&& handler) noexcept {
  try {
    handler();
  } catch (...) {
    LogCallbackFailure(where, CurrentExceptionKind());
  }
}

// An action listener that calls a function once, then deletes itself.
class OneShotListener : public mqtt::iaction_listener {
 public:
  using Check = std::function<Status(const mqtt::token&)>;
  OneShotListener(Transport::DoneHandler done, Check check)
      : done_(std::move(done)), check_(std::move(check)) {}

  void on_success(const mqtt::token& token) override {
    Guarded("completing an MQTT operation", [&] {
      Status status = check_ ? check_(token) : Status::OK();
      if (done_) done_(status);
    });
    delete this;
  }
  void on_failure(const mqtt::token& token) override {
    Guarded("completing a failed MQTT operation", [&] {
      const int reason = token.get_reason_code();
      Status status =
          reason == 0x87 || reason == 0x8A || reason == 0x97
              ? Status::Denied("the server refused it (reason " +
                               mqtt::exception::reason_code_str(reason) + ")")
              : Status::IOError("MQTT operation failed (code " +
                                std::to_string(token.get_return_code()) + ", reason " +
                                std::to_string(reason) + ")");
      if (done_) done_(status);
    });
    delete this;
  }

 private:
  Transport::DoneHandler done_;
  Check check_;
};

Status CheckSubscribeCodes(const mqtt::token& token) {
  try {
    const mqtt::subscribe_response response = token.get_subscribe_response();
    for (mqtt::ReasonCode code : response.get_reason_codes()) {
      if (code >= 0x80) {
        return Status::Denied("subscription refused (reason " +
                              mqtt::exception::reason_code_str(code) + ")");
      }
    }
  } catch (const std::exception&) {
    // MQTT 3 responses carry no reason codes: success is success.
  }
  return Status::OK();
}

class PahoTransport : public Transport {
 public:
  ~PahoTransport() override { Disconnect(); }

  void SetHandlers(MessageHandler on_message, ConnectedHandler on_connected,
                   LostHandler on_lost) override {
    on_message_ = std::move(on_message);
    on_connected_ = std::move(on_connected);
    on_lost_ = std::move(on_lost);
  }

  Status Connect(const TransportOptions& options) override {
    bool tls = false;
    const std::string uri = PahoUri(options.server, &tls);
    {
      std::lock_guard<std::mutex> lock(gate_mutex_);
      closed_ = false;
    }
    try {
      client_ = std::make_unique<mqtt::async_client>(uri, options.client_id,
                                                     mqtt::create_options(MQTTVERSION_5));
      client_->set_message_callback([this](mqtt::const_message_ptr message) {
        Guarded("handling an MQTT message", [&] {
          Gate gate(this);
          if (gate.open() && on_message_ && message) {
            on_message_(message->get_topic(), message->to_string());
          }
        });
      });
      client_->set_connected_handler([this](const std::string&) {
        Guarded("handling an MQTT connection", [&] {
          Gate gate(this);
          if (gate.open() && on_connected_) on_connected_();
        });
      });
      client_->set_connection_lost_handler([this](const std::string& cause) {
        Guarded("handling a lost MQTT connection", [&] {
          Gate gate(this);
          if (gate.open() && on_lost_) on_lost_(cause);
        });
      });
      auto builder = mqtt::connect_options_builder()
                         .mqtt_version(MQTTVERSION_5)
                         .clean_session(false)
                         .clean_start(true)
                         .user_name(options.user_name)
                         .password(options.password)
                         .keep_alive_interval(std::chrono::seconds(30))
                         .connect_timeout(std::chrono::milliseconds(options.connect_timeout_ms));
      if (options.auto_reconnect) {
        builder.automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(16));
      }
      if (tls) {
        // enable_server_cert_auth checks the chain; verify checks that the
        // certificate names the host of the URI (a DNS name or an IP SAN):
        // without it any certificate from a trusted CA would do.
        auto ssl = mqtt::ssl_options_builder().enable_server_cert_auth(true).verify(true);
        if (!options.ca_file.empty()) ssl.trust_store(options.ca_file);
        builder.ssl(ssl.finalize());
      }
      mqtt::token_ptr token = client_->connect(builder.finalize());
      if (!token->wait_for(std::chrono::milliseconds(options.connect_timeout_ms + 1000))) {
        Disconnect();
        return Status::IOError("timed out: no answer from the MQTT server at " + options.server);
      }
    } catch (const mqtt::exception& error) {
      // MQTT 5 puts the CONNACK reason in the reason code or, depending on
      // the path through Paho C, in the return code.
      const int reason = error.get_reason_code();
      const int code = error.get_return_code();
      client_.reset();
      auto refused = [](int value) {
        return value == 0x86 || value == 0x87 || value == 0x8A || value == 0x85 || value == 0x8C;
      };
      if (refused(reason) || refused(code) || code == 4 || code == 5) {
        return Status::Denied("login refused by the server (bad user name or password, "
                              "disabled account, or too many failed attempts)");
      }
      return Status::IOError("cannot connect to " + options.server + ": " + Describe(error));
    } catch (const std::exception& error) {
      client_.reset();
      return Status::IOError("cannot connect to " + options.server + ": " + error.what());
    }
    return Status::OK();
  }

  // Closes the gate and waits for the handlers and operations in progress
  // (on Paho's threads or others), then stops and frees the Paho client:
  // nothing can touch client_ or call a handler once the gate is closed.
  void Disconnect() override {
    {
      std::unique_lock<std::mutex> lock(gate_mutex_);
      closed_ = true;
      gate_idle_.wait(lock, [this] { return inside_ == 0; });
    }
    if (!client_) return;
    try {
      client_->disable_callbacks();
      if (client_->is_connected()) client_->disconnect(1000)->wait_for(std::chrono::seconds(2));
    } catch (const std::exception&) {
      // Already gone: nothing left to do.
    }
    client_.reset();
  }

  bool IsConnected() const override {
    Gate gate(this);
    return gate.open() && client_ && client_->is_connected();
  }

  Status Publish(const std::string& topic, const std::string& payload,
                 DoneHandler done) override {
    Gate gate(this);
    if (!gate.open() || !client_) return Status::IOError("not connected");
    auto* listener = new OneShotListener(std::move(done), nullptr);
    try {
      auto message = mqtt::make_message(topic, payload, 1, false);
      client_->publish(message, nullptr, *listener);
    } catch (const mqtt::exception& error) {
      delete listener;
      return Status::IOError("cannot publish: " + Describe(error));
    }
    return Status::OK();
  }

  Status Subscribe(const std::vector<std::string>& filters, DoneHandler done) override {
    Gate gate(this);
    if (!gate.open() || !client_) return Status::IOError("not connected");
    if (filters.empty()) {
      if (done) done(Status::OK());
      return Status::OK();
    }
    auto* listener = new OneShotListener(std::move(done), CheckSubscribeCodes);
    try {
      auto topics = mqtt::string_collection::create(filters);
      std::vector<int> qos(filters.size(), 1);
      client_->subscribe(topics, qos, nullptr, *listener);
    } catch (const mqtt::exception& error) {
      delete listener;
      return Status::IOError("cannot subscribe: " + Describe(error));
    }
    return Status::OK();
  }

  Status Unsubscribe(const std::vector<std::string>& filters, DoneHandler done) override {
    Gate gate(this);
    if (!gate.open() || !client_) return Status::IOError("not connected");
    auto* listener = new OneShotListener(std::move(done), nullptr);
    try {
      client_->unsubscribe(mqtt::string_collection::create(filters), nullptr, *listener);
    } catch (const mqtt::exception& error) {
      delete listener;
      return Status::IOError("cannot unsubscribe: " + Describe(error));
    }
    return Status::OK();
  }

 private:
  // Counts a handler or an operation in progress while the transport is
  // open; open() is false once Disconnect began (then nothing may be done).
  class Gate {
   public:
    explicit Gate(const PahoTransport* transport) : transport_(transport) {
      std::lock_guard<std::mutex> lock(transport_->gate_mutex_);
      open_ = !transport_->closed_;
      if (open_) ++transport_->inside_;
    }
    ~Gate() {
      if (!open_) return;
      std::lock_guard<std::mutex> lock(transport_->gate_mutex_);
      if (--transport_->inside_ == 0) transport_->gate_idle_.notify_all();
    }
    Gate(const Gate&) = delete;
    Gate& operator=(const Gate&) = delete;
    bool open() const { return open_; }

   private:
    const PahoTransport* transport_;
    bool open_ = false;
  };

  mutable std::mutex gate_mutex_;
  mutable std::condition_variable gate_idle_;
  mutable int inside_ = 0;
  bool closed_ = true;  // until Connect
  std::unique_ptr<mqtt::async_client> client_;
  MessageHandler on_message_;
  ConnectedHandler on_connected_;
  LostHandler on_lost_;
};

}  // namespace

std::unique_ptr<Transport> NewPahoTransport() { return std::make_unique<PahoTransport>(); }

}  // namespace client
}  // namespace foyer
