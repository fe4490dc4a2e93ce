// A raw MQTT 5 client (Paho C++) for the tests that play an attacker or check
// what the broker refuses: every call reports the broker's reason code.
// Thread safety: one test thread; Paho's callback thread only appends to the
// received list.
#ifndef FOYER_TESTS_INTEGRATION_RAW_CLIENT_H_
#define FOYER_TESTS_INTEGRATION_RAW_CLIENT_H_

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <mqtt/async_client.h>
#include <nlohmann/json.hpp>

namespace foyer_test {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
};

class RawClient {
 public:
  // `server_uri` is tcp://127.0.0.1:<port>.
  RawClient(const std::string& server_uri, const std::string& client_id);
  ~RawClient();  // disconnects

  // Connects with MQTT 5. Empty `user` connects anonymously. Returns 0 when
  // accepted, else the CONNACK reason code (or -1 when there was none; `error`
  // then says why).
  int Connect(const std::string& user, const std::string& password, std::string* error = nullptr);
  bool connected() const;
  void Disconnect();

  // Returns the SUBACK reason code (0-2 granted, >= 0x80 refused; -1 on error).
  int Subscribe(const std::string& filter, int qos = 1);
  // Publishes and returns the PUBACK reason code (QoS 1: 0 accepted,
  // >= 0x80 refused; -1 when the client lost its connection or timed out).
  int Publish(const std::string& topic, const std::string& payload, int qos = 1,
              bool retained = false);
  // Sends a request on $CONTROL/foyer/v1 and waits for the response with the
  // same id; null on timeout.
  nlohmann::json Request(nlohmann::json request,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

  std::vector<ReceivedMessage> Received() const;
  // Messages received on topics other than the request response topic.
  size_t ReceivedCount() const;
  // Waits until at least `count` messages (other than responses) arrived.
  bool WaitForMessages(size_t count, std::chrono::milliseconds timeout) const;

 private:
  std::unique_ptr<mqtt::async_client> client_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedMessage> received_;
  std::vector<ReceivedMessage> responses_;
  int next_request_ = 1;
};

}  // namespace foyer_test

#endif  // FOYER_TESTS_INTEGRATION_RAW_CLIENT_H_
