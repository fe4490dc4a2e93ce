// FakeServer: an in-memory stand-in for mosquitto + the Foyer plugin, for
// client-lib's unit tests. It hands out Transports (the client's seam) that
// talk to it, answers the requests client-lib makes, checks and stamps
// envelopes, and delivers to subscribers from its own thread, as Paho does.
// It checks only what the tests need; the real plugin is tested in tests/.
#ifndef FOYER_CLIENT_LIB_FAKE_SERVER_H_
#define FOYER_CLIENT_LIB_FAKE_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "foyer/client.h"
#include "foyer/transport.h"

namespace foyer {
namespace client {

class FakeTransport;

class FakeServer {
 public:
  FakeServer();
  ~FakeServer();

  // A transport factory for Options::transport_factory.
  std::function<std::unique_ptr<Transport>()> Factory();
  // Makes a registered device account and returns its credentials.
  Credentials AddDevice(const std::string& name, const std::string& role = "device");
  // Makes an invite for `name`; returns its code.
  std::string AddInvite(const std::string& name, const std::string& role);
  // Replaces the public keys (and bundle) of `name`, as a hostile server would.
  void ReplaceKeys(const std::string& name);

  // Knobs.
  std::atomic<bool> drop_responses{false};  // requests get no answer
  std::atomic<bool> drop_sends{false};      // envelopes are acked but lost
  // Publish, Subscribe or Unsubscribe called on a transport after its
  // Disconnect began (with Paho, a use of a freed client).
  std::atomic<int> late_calls{0};

  // Drops the connections of `user` (on_lost), then reconnects them
  // (on_connected), as Paho's automatic reconnect does.
  void DropAndReconnect(const std::string& user);
  // Delivers `payload` on foyer/c/<conv>/m to the conversation's subscribers,
  // unchecked.
  void Inject(const std::string& conv, const std::string& payload);
  // Stored envelopes of `conv`, as JSON with seq.
  std::vector<nlohmann::json> Stored(const std::string& conv);
  // Flips a byte of a stored file chunk (file ops of protocol §10: ids are
  // 32 hex, chunks kept as sent, no limits).
  void CorruptFileChunk(const std::string& file, size_t index);
  // Waits until the delivery thread has run everything queued so far.
  void Flush();

  // Used by FakeTransport.
  Status Login(FakeTransport* transport, const std::string& user, const std::string& password);
  void Logout(FakeTransport* transport);
  void HandlePublish(FakeTransport* transport, const std::string& topic, const std::string& payload,
                     Transport::DoneHandler done);
  void Post(std::function<void()> task);

 private:
  struct User {
    std::string role;
    std::string auth_key_hex;
    std::string x25519, ed25519, bundle;  // b64
  };
  struct Conv {
    std::vector<std::string> members;
    uint32_t epoch = 1;
    nlohmann::json title;
    std::vector<nlohmann::json> keys;  // with "to"
    std::vector<nlohmann::json> messages;
    bool rotate = false;
  };

  nlohmann::json Handle(const std::string& user, const nlohmann::json& request);
  nlohmann::json HandleConv(const std::string& user, const std::string& op,
                            const nlohmann::json& request);
  nlohmann::json HandleFile(const std::string& user, const std::string& op,
                            const nlohmann::json& request);
  nlohmann::json ConvJson(const std::string& id, const Conv& conv);
  void DeliverLocked(const std::string& topic, const std::string& payload);
  void NotifyLocked(const std::string& user, const nlohmann::json& event);
  void Run();

  std::mutex mutex_;
  std::string household_;
  std::map<std::string, User> users_;
  std::map<std::string, std::pair<std::string, std::string>> invites_;  // secret hex -> name, role
  std::map<std::string, Conv> convs_;
  struct File {
    std::string conv;
    uint64_t size = 0;
    std::vector<std::string> chunks;  // raw
  };
  std::map<std::string, File> files_;  // by id
  std::map<FakeTransport*, std::string> sessions_;  // transport -> user

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<std::function<void()>> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_LIB_FAKE_SERVER_H_
