#include "raw_client.h"

namespace foyer_test {
namespace {

constexpr char kRequestTopic[] = "$CONTROL/foyer/v1";
constexpr char kResponseTopic[] = "$CONTROL/foyer/v1/response";
constexpr auto kAckTimeout = std::chrono::seconds(10);

// The broker's reason code carried by a Paho exception: the MQTT 5 reason
// code, else a positive return code (a CONNACK code); -1 for a client error.
int ReasonOf(const mqtt::exception& exception) {
  if (exception.get_reason_code() > 0) return exception.get_reason_code();
  if (exception.get_return_code() > 0) return exception.get_return_code();
  return -1;
}

}  // namespace

RawClient::RawClient(const std::string& server_uri, const std::string& client_id)
    : client_(std::make_unique<mqtt::async_client>(server_uri, client_id,
                                                   mqtt::create_options(MQTTVERSION_5))) {
  client_->set_message_callback([this](mqtt::const_message_ptr message) {
    std::lock_guard<std::mutex> lock(mutex_);
    ReceivedMessage received{message->get_topic(), message->get_payload_str()};
    if (received.topic == kResponseTopic) {
      responses_.push_back(std::move(received));
    } else {
      received_.push_back(std::move(received));
    }
    changed_.notify_all();
  });
}

RawClient::~RawClient() { Disconnect(); }

int RawClient::Connect(const std::string& user, const std::string& password, std::string* error) {
  auto builder = mqtt::connect_options_builder()
                     .mqtt_version(MQTTVERSION_5)
                     .clean_start(true)
                     .connect_timeout(std::chrono::seconds(10))
                     .automatic_reconnect(false);
  if (!user.empty()) builder.user_name(user).password(password);
  try {
    client_->connect(builder.finalize())->wait_for(kAckTimeout);
    if (!client_->is_connected()) {
      if (error != nullptr) *error = "no CONNACK within 10 s";
      return -1;
    }
    return 0;
  } catch (const mqtt::exception& exception) {
    if (error != nullptr) *error = exception.what();
    return ReasonOf(exception);
  }
}

bool RawClient::connected() const { return client_->is_connected(); }

void RawClient::Disconnect() {
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(kAckTimeout);
  } catch (const mqtt::exception&) {
    // Already gone: nothing to do.
  }
}

int RawClient::Subscribe(const std::string& filter, int qos) {
  try {
    mqtt::token_ptr token = client_->subscribe(filter, qos);
    if (!token->wait_for(kAckTimeout)) return -1;
    std::vector<mqtt::ReasonCode> codes = token->get_subscribe_response().get_reason_codes();
    return codes.empty() ? -1 : static_cast<int>(codes[0]);
  } catch (const mqtt::exception& exception) {
    return ReasonOf(exception);
  }
}

int RawClient::Publish(const std::string& topic, const std::string& payload, int qos,
                       bool retained) {
  try {
    mqtt::delivery_token_ptr token =
        client_->publish(topic, payload.data(), payload.size(), qos, retained);
    if (!token->wait_for(kAckTimeout)) return -1;
    return static_cast<int>(token->get_reason_code());
  } catch (const mqtt::exception& exception) {
    return ReasonOf(exception);
  }
}

nlohmann::json RawClient::Request(nlohmann::json request, std::chrono::milliseconds timeout) {
  std::string id = "t" + std::to_string(next_request_++);
  request["id"] = id;
  if (Publish(kRequestTopic, request.dump()) != 0) return nullptr;
  std::unique_lock<std::mutex> lock(mutex_);
  nlohmann::json found;
  changed_.wait_for(lock, timeout, [&] {
    for (const ReceivedMessage& response : responses_) {
      nlohmann::json value = nlohmann::json::parse(response.payload, nullptr, false);
      if (value.is_object() && value.value("id", "") == id) {
        found = std::move(value);
        return true;
      }
    }
    return false;
  });
  return found;
}

std::vector<ReceivedMessage> RawClient::Received() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

size_t RawClient::ReceivedCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_.size();
}

bool RawClient::WaitForMessages(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
}

}  // namespace foyer_test
