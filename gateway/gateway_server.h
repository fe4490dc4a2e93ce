// GatewayServer: foyer-gateway's HTTP(S) server. Serves the web client's
// static files (static_files.h) and config.json, /healthz, /metrics and the
// admin REST API (rest_api.h), with the security headers on every answer,
// errors included, and a request body cap.
//
// Threads: Bind and Run from one thread; Stop from any other.
#ifndef FOYER_GATEWAY_GATEWAY_SERVER_H_
#define FOYER_GATEWAY_GATEWAY_SERVER_H_

#include <httplib.h>

#include <memory>
#include <string>

#include "foyer/status.h"
#include "gateway_options.h"
#include "http_support.h"
#include "plugin_link.h"
#include "rest_api.h"

namespace foyer {
namespace gateway {

class GatewayServer {
 public:
  // `backend` must outlive the server.
  GatewayServer(GatewayOptions options, AdminBackend* backend);
  ~GatewayServer();

  // Loads the certificate (TLS) and binds options.listen:options.port (port 0:
  // any free port, then `bound_port` tells which).
  Status Bind();
  int bound_port() const { return bound_port_; }
  // Serves until Stop().
  void Run();
  void Stop();

 private:
  void Setup();
  void ServeStatic(const httplib::Request& req, httplib::Response& res);
  void ServeConfig(httplib::Response& res);
  void ServeHealth(httplib::Response& res);

  GatewayOptions options_;
  AdminBackend* backend_;
  TokenLockout lockout_;
  RequestCounters counters_;
  RestContext context_;
  std::unique_ptr<httplib::Server> server_;
  int bound_port_ = 0;
};

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_GATEWAY_SERVER_H_
