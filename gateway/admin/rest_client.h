// RestClient: the admin REST API of foyer-gateway (docs/admin-api.md) over
// HTTP or HTTPS, with the admin token as a bearer token.
//
// Errors: a Status whose message is ready for the admin to read. The HTTP
// status maps to a code: 400 invalid, 401/403 denied, 404 not_found, 409
// conflict, 413 and 429 limit (429 says when to retry), 503 io_error (broker
// unreachable), other failures internal; no answer at all (connection
// refused, certificate not trusted, timeout) is io_error.
#ifndef FOYER_GATEWAY_ADMIN_REST_CLIENT_H_
#define FOYER_GATEWAY_ADMIN_REST_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "foyer/status.h"

namespace foyer {
namespace admin {

struct RestOptions {
  // http://host:port or https://host:port, optionally with a path prefix
  // (e.g. https://house.example/foyer) when a proxy serves the gateway there.
  std::string url = "http://127.0.0.1:8080";
  // The admin token (sent as "Authorization: Bearer"); never logged.
  std::string token;
  // CA certificate(s) that the gateway's certificate must chain to; empty:
  // the system's trust store.
  std::string cacert;
  int timeout_s = 30;
};

class RestClient {
 public:
  // Invalid when the URL is not http(s)://host[:port][/prefix].
  static Status Create(const RestOptions& options, std::unique_ptr<RestClient>* out);
  ~RestClient();

  // `path` starts with "/api/v1/...". `out` receives the JSON answer.
  Status Get(const std::string& path, nlohmann::json* out);
  Status Post(const std::string& path, const nlohmann::json& body, nlohmann::json* out);
  Status Delete(const std::string& path, nlohmann::json* out);

  // GETs a binary body, handing it to `sink` chunk by chunk (an error from
  // the sink stops the transfer); `progress` gets (bytes so far, total or 0).
  using Sink = std::function<Status(const char* data, size_t size)>;
  using ProgressFunction = std::function<void(uint64_t received, uint64_t total)>;
  Status Download(const std::string& path, const Sink& sink, const ProgressFunction& progress);

  struct Impl;

 private:
  explicit RestClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Maps an error answer (HTTP status, body, Retry-After header) to a Status.
Status StatusFromHttp(int http_status, const std::string& body, const std::string& retry_after);

// Percent-encodes one path segment (a user name is safe already; this keeps a
// mistyped one from changing the path).
std::string EscapePathSegment(const std::string& segment);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_REST_CLIENT_H_
