#include "mqtt_session.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include <functional>
#include <string>

#include "foyer/protocol.h"
#include "proc_stats.h"

namespace foyer {
namespace bench {

MqttSession::MqttSession(std::string client_id) : client_id_(std::move(client_id)) {
  mosq_ = mosquitto_new(client_id_.c_str(), true, this);
  if (mosq_ == nullptr) return;
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_connect_v5_callback_set(mosq_, &MqttSession::OnConnect);
  mosquitto_message_v5_callback_set(mosq_, &MqttSession::OnMessage);
}

MqttSession::~MqttSession() {
  Disconnect();
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
}

void MqttSession::OnConnect(mosquitto*, void* self, int rc, int, const mosquitto_property*) {
  auto* session = static_cast<MqttSession*>(self);
  session->connack_ = rc;
  session->connected_ = rc == 0;
}

void MqttSession::OnMessage(mosquitto*, void* self, const mosquitto_message* message,
                            const mosquitto_property*) {
  auto* session = static_cast<MqttSession*>(self);
  if (std::string(message->topic) != protocol::kResponseTopic) return;
  nlohmann::json response = nlohmann::json::parse(
      static_cast<const char*>(message->payload),
      static_cast<const char*>(message->payload) + message->payloadlen, nullptr, false);
  if (!response.is_object() || !response.contains("id") || !response["id"].is_string()) return;
  const std::string id = response["id"].get<std::string>();
  session->responses_[id] = std::move(response);
}

Status MqttSession::LoopUntil(const std::function<bool()>& done, int timeout_ms) {
  const int64_t deadline = NowNs() + static_cast<int64_t>(timeout_ms) * 1000000;
  while (!done()) {
    if (NowNs() > deadline) return Status::IOError("timed out waiting for the broker");
    int rc = mosquitto_loop(mosq_, 1, 1);
    if (rc != MOSQ_ERR_SUCCESS && !done()) {
      if (connack_ > 0) return Status::Denied("login refused");
      return Status::IOError(std::string("connection lost: ") + mosquitto_strerror(rc));
    }
  }
  return Status::OK();
}

Status MqttSession::Connect(int port, const std::string& user, const std::string& password,
                            int timeout_ms) {
  if (mosq_ == nullptr) return Status::Internal("mosquitto_new failed");
  connack_ = -1;
  connected_ = false;
  mosquitto_username_pw_set(mosq_, user.c_str(), password.c_str());
  int rc = mosquitto_connect(mosq_, "127.0.0.1", port, 60);
  if (rc != MOSQ_ERR_SUCCESS) return Status::IOError(mosquitto_strerror(rc));
  Status status = LoopUntil([this] { return connack_ >= 0; }, timeout_ms);
  if (!status.ok()) return status;
  if (!connected_) return Status::Denied("login refused (reason " + std::to_string(connack_) + ")");
  return Status::OK();
}

Status MqttSession::Request(nlohmann::json request, nlohmann::json* response, int timeout_ms,
                            int64_t* elapsed_ns) {
  if (!connected_) return Status::IOError("not connected");
  const std::string id = client_id_ + "-" + std::to_string(next_id_++);
  request["id"] = id;
  const std::string payload = request.dump();
  const int64_t start = NowNs();
  int rc = mosquitto_publish(mosq_, nullptr, protocol::kRequestTopic,
                             static_cast<int>(payload.size()), payload.data(), 1, false);
  if (rc != MOSQ_ERR_SUCCESS) return Status::IOError(mosquitto_strerror(rc));
  Status status = LoopUntil([&] { return responses_.count(id) != 0; }, timeout_ms);
  if (elapsed_ns != nullptr) *elapsed_ns = NowNs() - start;
  if (!status.ok()) return status;
  nlohmann::json answer = std::move(responses_[id]);
  responses_.erase(id);
  if (!answer.value("ok", false)) {
    return Status::FromCode(Status::CodeFromName(answer.value("error", "internal")),
                            request.value("op", "?") + ": " + answer.value("message", ""));
  }
  if (response != nullptr) *response = std::move(answer);
  return Status::OK();
}

void MqttSession::Disconnect() {
  if (mosq_ == nullptr || !connected_) return;
  mosquitto_disconnect(mosq_);
  for (int i = 0; i < 20 && mosquitto_loop(mosq_, 1, 1) == MOSQ_ERR_SUCCESS; ++i) {
  }
  connected_ = false;
}

}  // namespace bench
}  // namespace foyer
