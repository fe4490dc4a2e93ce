#include "http_support.h"

#include <chrono>

namespace foyer {
namespace gateway {

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string WebSocketOrigin(const std::string& ws_url) {
  size_t scheme_end = ws_url.find("://");
  if (scheme_end == std::string::npos) return ws_url;
  size_t path = ws_url.find('/', scheme_end + 3);
  return path == std::string::npos ? ws_url : ws_url.substr(0, path);
}

httplib::Headers SecurityHeaders(const std::string& ws_url, bool tls) {
  std::string csp =
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
      "img-src 'self' blob: data:; connect-src 'self' " +
      WebSocketOrigin(ws_url) +
      "; manifest-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
  httplib::Headers headers{
      {"Content-Security-Policy", csp},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
  if (tls) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  return headers;
}

void SetJson(httplib::Response& res, int http_status, const nlohmann::json& body) {
  res.status = http_status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump() + "\n", "application/json");
}

void SetError(httplib::Response& res, int http_status, const std::string& code,
              const std::string& message) {
  SetJson(res, http_status, nlohmann::json{{"error", code}, {"message", message}});
}

void SetStatusError(httplib::Response& res, const Status& status) {
  int http_status = 500;
  std::string code = status.CodeName();
  switch (status.code()) {
    case Status::Code::kInvalid: http_status = 400; break;
    case Status::Code::kDenied: http_status = 403; break;
    case Status::Code::kNotFound: http_status = 404; break;
    case Status::Code::kConflict: http_status = 409; break;
    case Status::Code::kLimit: http_status = 409; break;
    case Status::Code::kExpired: http_status = 409; break;
    case Status::Code::kIOError:
      http_status = 503;
      code = "unavailable";
      break;
    default: http_status = 500; code = "internal"; break;
  }
  SetError(res, http_status, code, status.message());
}

uint64_t TokenLockout::RetryAfterSeconds(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t now = NowMs();
  if (lockout_.Allowed(address, now)) return 0;
  return (lockout_.LockedUntil(address) - now + 999) / 1000;
}

void TokenLockout::Failure(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++failures_;
  lockout_.Failure(address, NowMs());
}

void TokenLockout::Success(const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  lockout_.Success(address);
}

uint64_t TokenLockout::failures() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_;
}

void RequestCounters::Count(int http_status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++counts_[http_status];
}

std::map<int, uint64_t> RequestCounters::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return counts_;
}

}  // namespace gateway
}  // namespace foyer
