#include "plugin_link.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <utility>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "requester.h"  // client-lib's request/response matching

namespace foyer {
namespace gateway {

namespace {

constexpr const char* kServiceUser = "~gateway";

Status ReadKeyFile(const std::string& path, std::string* key) {
  std::ifstream file(path);
  if (!file) return Status::IOError("cannot read the service credential " + path);
  std::getline(file, *key);
  if (key->size() != 64) return Status::Invalid("the service credential in " + path + " is malformed");
  return Status::OK();
}

// One line on stderr in a single write, so that lines of other threads never
// cut into it.
void LogLine(const std::string& text) {
  std::string line = "foyer-gateway: " + text + "\n";
  std::cerr.write(line.data(), static_cast<std::streamsize>(line.size()));
  std::cerr.flush();
}

}  // namespace

PluginLink::PluginLink(PluginLinkOptions options, TransportFactory factory)
    : options_(std::move(options)),
      factory_(factory ? std::move(factory) : TransportFactory(client::NewPahoTransport)) {
  requester_ = std::make_unique<client::Requester>([this](const std::string& payload) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!transport_ || !connected_.load()) return Status::IOError("the broker is not connected");
    return transport_->Publish(protocol::kRequestTopic, payload, nullptr);
  });
  thread_ = std::thread([this] { Run(); });
}

PluginLink::~PluginLink() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  thread_.join();
  requester_->FailAll(Status::IOError("the gateway is stopping"));
  std::unique_ptr<client::Transport> transport;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    transport = std::move(transport_);
  }
  if (transport) transport->Disconnect();
}

std::string PluginLink::household() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return household_;
}

bool PluginLink::WaitConnected(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!connected_.load()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void PluginLink::Run() {
  // The link's state changes are logged once each (not every retry): the
  // admin sees why the gateway cannot reach the broker, e.g. a certificate
  // that the CA of broker_ca does not vouch for.
  std::string last_error;
  bool was_connected = false;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (!connected_.load()) {
      if (was_connected) {
        LogLine("lost the connection to the broker; reconnecting");
        was_connected = false;
      }
      lock.unlock();
      Status status = ConnectOnce();
      lock.lock();
      if (status.ok() && connected_.load()) {
        LogLine("connected to the broker at " + options_.broker);
        was_connected = true;
        last_error.clear();
      } else if (!status.ok() && !stopping_) {
        if (status.message() != last_error) {
          last_error = status.message();
          LogLine("cannot reach the broker at " + options_.broker + ": " + last_error +
                  " (retrying every " + std::to_string(options_.retry_ms) + " ms)");
        }
        wakeup_.wait_for(lock, std::chrono::milliseconds(options_.retry_ms),
                         [this] { return stopping_; });
      }
      continue;
    }
    wakeup_.wait(lock, [this] { return stopping_ || !connected_.load(); });
  }
}

Status PluginLink::ConnectOnce() {
  std::string key;
  Status status = ReadKeyFile(options_.key_file, &key);
  if (!status.ok()) return status;
  std::unique_ptr<client::Transport> old;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    old = std::move(transport_);
  }
  if (old) old->Disconnect();
  std::unique_ptr<client::Transport> transport = factory_();
  transport->SetHandlers(
      [this](const std::string& topic, const std::string& payload) {
        if (topic == protocol::kResponseTopic) requester_->OnResponse(payload);
      },
      [] {},
      [this](const std::string&) {
        connected_.store(false);
        requester_->FailAll(Status::IOError("the connection to the broker was lost"));
        wakeup_.notify_all();
      });
  client::TransportOptions transport_options;
  transport_options.server = options_.broker;
  transport_options.ca_file = options_.ca_file;
  transport_options.user_name = kServiceUser;
  transport_options.client_id = std::string(kServiceUser) + ":gw-" + crypto::ToHex(crypto::RandomBytes(4));
  transport_options.password = key;
  transport_options.auto_reconnect = false;
  transport_options.connect_timeout_ms = options_.timeout_ms;
  status = transport->Connect(transport_options);
  crypto::Wipe(&transport_options.password);
  crypto::Wipe(&key);
  if (!status.ok()) return status;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    transport_ = std::move(transport);
  }
  connected_.store(true);
  nlohmann::json whoami;
  status = Call(nlohmann::json{{"op", "whoami"}}, &whoami);
  if (!status.ok() || !whoami.value("household", std::string()).size()) {
    connected_.store(false);
    return status.ok() ? Status::Internal("whoami gave no household") : status;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  household_ = whoami["household"].get<std::string>();
  return Status::OK();
}

Status PluginLink::Call(nlohmann::json request, nlohmann::json* result) {
  if (!connected_.load()) return Status::IOError("the broker is not connected");
  return requester_->Call(std::move(request), options_.timeout_ms, result);
}

Status PluginLink::AdminCall(const std::string& token, const nlohmann::json& call,
                             nlohmann::json* result) {
  return Call(nlohmann::json{{"op", "admin"}, {"token", token}, {"call", call}}, result);
}

}  // namespace gateway
}  // namespace foyer
