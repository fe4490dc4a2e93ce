// The home router's UPnP Internet Gateway Device (IGD), as `foyer-admin
// expose` uses it: a small interface over miniupnpc so that the command's
// logic is tested with a fake (expose_test.cc) and the real client against a
// real miniupnpd (expose_miniupnpd_test.sh).
#ifndef FOYER_GATEWAY_ADMIN_EXPOSE_IGD_H_
#define FOYER_GATEWAY_ADMIN_EXPOSE_IGD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "foyer/status.h"

namespace foyer {
namespace admin {

// One port mapping (always TCP here): external_port on the router's public
// address goes to internal_client:internal_port on the LAN.
struct PortMapping {
  uint16_t external_port = 0;
  uint16_t internal_port = 0;
  std::string internal_client;  // IPv4 address on the LAN
  std::string description;
  uint32_t lease_s = 0;  // 0: until removed (or until the router restarts)
};

class Igd {
 public:
  virtual ~Igd() = default;
  // What the router says about itself ("... at http://192.168.1.1:5000/...").
  virtual std::string Describe() const = 0;
  // This machine's address on the LAN, as seen on the way to the router.
  virtual std::string LanAddress() const = 0;
  virtual Status ExternalAddress(std::string* address) = 0;
  virtual Status AddMapping(const PortMapping& mapping) = 0;
  // *found false (and OK) when the router has no mapping for that port.
  virtual Status GetMapping(uint16_t external_port, PortMapping* mapping, bool* found) = 0;
  virtual Status DeleteMapping(uint16_t external_port) = 0;
};

struct DiscoverOptions {
  // How long to wait for SSDP answers, milliseconds.
  int wait_ms = 2000;
  // Network interface (name or IPv4 address) to send the discovery on; empty:
  // the system's choice.
  std::string interface;
};

// Finds the router with SSDP and checks it is a connected IGD. NotFound with
// a clear reason when no IGD answers (UPnP off on the router, or a network
// without UPnP).
Status DiscoverIgd(const DiscoverOptions& options, std::unique_ptr<Igd>* igd);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_EXPOSE_IGD_H_
