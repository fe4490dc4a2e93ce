// Requester: request/response matching over $CONTROL/foyer/v1 (docs/protocol.md
// §7). Call() publishes a request with a unique id and waits for the response
// with the same id; OnResponse() is fed every payload that arrives on the
// response topic (from the transport's thread).
#ifndef FOYER_CLIENT_LIB_REQUESTER_H_
#define FOYER_CLIENT_LIB_REQUESTER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "foyer/status.h"

namespace foyer {
namespace client {

// The message of every timeout Status made by client-lib starts with this.
extern const char* const kTimeoutPrefix;
Status TimeoutError(const std::string& what);

class Requester {
 public:
  // Publishes a request payload on the request topic; an error when it could
  // not be queued.
  using PublishFunction = std::function<Status(const std::string& payload)>;

  explicit Requester(PublishFunction publish);

  // Sends `request` (a JSON object; its "id" is set here) and waits up to
  // `timeout_ms`. OK with the whole response in `response` when ok is true;
  // the server's error (code and message) when it is false; a timeout error
  // when no answer came.
  Status Call(nlohmann::json request, int timeout_ms, nlohmann::json* response);

  // Routes a response payload; false if it matches no pending request.
  bool OnResponse(const std::string& payload);

  // Fails every pending request now and every later Call at once, without
  // publishing (shutdown: nothing may reach the transport after this).
  void FailAll(const Status& status);

 private:
  struct Pending {
    bool done = false;
    Status status;
    nlohmann::json response;
  };

  PublishFunction publish_;
  std::string prefix_;
  std::mutex mutex_;
  std::condition_variable answered_;
  uint64_t next_ = 1;
  bool closed_ = false;
  Status closed_status_;
  std::map<std::string, std::shared_ptr<Pending>> pending_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_LIB_REQUESTER_H_
