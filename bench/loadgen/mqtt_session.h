// A blocking MQTT 5 client over libmosquitto for the benchmark's setup and
// request timings: connect, send a request on $CONTROL/foyer/v1 and wait for
// its answer. Single-threaded: every call runs the client's loop itself.
// mosquitto_lib_init() must have been called.
#ifndef FOYER_BENCH_MQTT_SESSION_H_
#define FOYER_BENCH_MQTT_SESSION_H_

#include <cstdint>
#include <map>
#include <string>

#include <mosquitto.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "foyer/status.h"

namespace foyer {
namespace bench {

class MqttSession {
 public:
  explicit MqttSession(std::string client_id);
  ~MqttSession();
  MqttSession(const MqttSession&) = delete;
  MqttSession& operator=(const MqttSession&) = delete;

  // Connects to 127.0.0.1:port and waits for the CONNACK. Denied when the
  // broker refused the login, IOError when it could not be reached.
  Status Connect(int port, const std::string& user, const std::string& password,
                 int timeout_ms = 5000);
  // Publishes `request` (an "id" is added) and waits for the response with
  // that id. A response with ok=false becomes the matching Status.
  // `elapsed_ns` (optional) receives the time from publish to answer.
  Status Request(nlohmann::json request, nlohmann::json* response, int timeout_ms = 10000,
                 int64_t* elapsed_ns = nullptr);
  void Disconnect();

 private:
  static void OnConnect(mosquitto*, void* self, int rc, int flags, const mosquitto_property*);
  static void OnMessage(mosquitto*, void* self, const mosquitto_message* message,
                        const mosquitto_property*);
  Status LoopUntil(const std::function<bool()>& done, int timeout_ms);

  std::string client_id_;
  mosquitto* mosq_ = nullptr;
  int connack_ = -1;
  bool connected_ = false;
  uint64_t next_id_ = 1;
  std::map<std::string, nlohmann::json> responses_;
};

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_MQTT_SESSION_H_
