// Pieces shared by the gateway's HTTP handlers: security headers, JSON
// errors, the admin token lockout by peer address, and request counters.
#ifndef FOYER_GATEWAY_HTTP_SUPPORT_H_
#define FOYER_GATEWAY_HTTP_SUPPORT_H_

#include <httplib.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "foyer/status.h"
#include "lockout.h"

namespace foyer {
namespace gateway {

// The headers sent with every answer: a strict Content-Security-Policy whose
// connect-src allows the page itself (config.json) and the origin of
// `ws_url` only, nosniff, no referrer, no framing; HSTS when `tls`.
httplib::Headers SecurityHeaders(const std::string& ws_url, bool tls);
// "ws://host:port" from "ws://host:port/mqtt" (scheme, host and port only).
std::string WebSocketOrigin(const std::string& ws_url);

// Sets a JSON error answer: {"error": code, "message": message}.
void SetError(httplib::Response& res, int http_status, const std::string& code,
              const std::string& message);
void SetJson(httplib::Response& res, int http_status, const nlohmann::json& body);
// The HTTP status and error code for a Status from the plugin.
void SetStatusError(httplib::Response& res, const Status& status);

// Admin token failures by the connection's peer address (never a header):
// the plugin's login lockout rule (5 free failures, then 2 s doubling up to
// 15 min). Thread-safe.
class TokenLockout {
 public:
  // 0 when `address` may try; else the seconds to wait (Retry-After).
  uint64_t RetryAfterSeconds(const std::string& address);
  void Failure(const std::string& address);
  void Success(const std::string& address);
  uint64_t failures() const;

 private:
  mutable std::mutex mutex_;
  plugin::Lockout lockout_;
  uint64_t failures_ = 0;
};

// Answers counted by HTTP status. Thread-safe.
class RequestCounters {
 public:
  void Count(int http_status);
  std::map<int, uint64_t> Snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<int, uint64_t> counts_;
};

uint64_t NowMs();

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_HTTP_SUPPORT_H_
