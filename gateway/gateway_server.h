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
#include <vector>

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

  // Loads the certificate (TLS) and binds every address of options.listen
  // (listen_addresses.h) on options.port (port 0: any free port, the same on
  // every address, then `bound_port` tells which).
  Status Bind();
  int bound_port() const { return bound_port_; }
  // Serves until Stop() (one thread per address beyond the first).
  void Run();
  void Stop();

 private:
  Status MakeServer(std::unique_ptr<httplib::Server>* server);
  void Setup(httplib::Server& server);
  void ServeStatic(const httplib::Request& req, httplib::Response& res);
  void ServeConfig(httplib::Response& res);
  void ServeHealth(httplib::Response& res);

  GatewayOptions options_;
  AdminBackend* backend_;
  TokenLockout lockout_;
  RequestCounters counters_;
  RestContext context_;
  std::vector<std::unique_ptr<httplib::Server>> servers_;  // one per listen address
  int bound_port_ = 0;
};

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_GATEWAY_SERVER_H_
