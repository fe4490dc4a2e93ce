// The admin REST API under /api/v1 (docs/admin-api.md) and /metrics: each
// call checks the bearer token's shape and the caller's lockout, then asks
// the plugin through the AdminBackend; the plugin checks the token itself.
#ifndef FOYER_GATEWAY_REST_API_H_
#define FOYER_GATEWAY_REST_API_H_

#include <httplib.h>

#include <string>

#include "http_support.h"
#include "plugin_link.h"

namespace foyer {
namespace gateway {

struct RestContext {
  AdminBackend* backend;
  TokenLockout* lockout;
  RequestCounters* counters;
  std::string public_url;  // base of invite links
};

// Registers the /api/v1 routes and /metrics on `server`. `context` must
// outlive it.
void RegisterRestApi(httplib::Server& server, const RestContext* context);

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_REST_API_H_
