// Helpers for client-lib's tests: options over a FakeServer and a collector
// of the messages and errors a client reports.
#ifndef FOYER_CLIENT_LIB_TEST_UTIL_H_
#define FOYER_CLIENT_LIB_TEST_UTIL_H_

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "fake_server.h"
#include "foyer/client.h"

namespace foyer {
namespace client {

inline Options FakeOptions(FakeServer* server, KeyPins* pins = nullptr, int timeout_ms = 2000) {
  Options options;
  options.transport_factory = server->Factory();
  options.pins = pins;
  options.timeout_ms = timeout_ms;
  return options;
}

inline Credentials CopyCredentials(const Credentials& credentials) {
  Credentials copy;
  copy.user = credentials.user;
  copy.household = credentials.household;
  copy.auth_key = credentials.auth_key.Copy();
  copy.kek = credentials.kek.Copy();
  return copy;
}

// Records what a client's callbacks report.
class Collector {
 public:
  explicit Collector(Client* client) : client_(client) {
    client->OnMessage([this](const Message& message) { Record(message); });
    client->OnError([this](const MessageError& error) {
      std::lock_guard<std::mutex> lock(mutex_);
      errors_.push_back(error);
      changed_.notify_all();
    });
  }
  ~Collector() {
    client_->OnMessage(nullptr);
    client_->OnError(nullptr);
  }
  // What the OnMessage callback does (for a test's own callback).
  void Record(const Message& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    messages_.push_back(message);
    changed_.notify_all();
  }
  // Waits until at least `messages` messages and `errors` errors arrived.
  bool WaitFor(size_t messages, size_t errors, int timeout_ms = 3000) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
      return messages_.size() >= messages && errors_.size() >= errors;
    });
  }
  std::vector<Message> messages() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
  }
  std::vector<MessageError> errors() {
    std::lock_guard<std::mutex> lock(mutex_);
    return errors_;
  }

 private:
  Client* client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Message> messages_;
  std::vector<MessageError> errors_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_LIB_TEST_UTIL_H_
