// What `foyer-admin expose` does (expose_command.cc is its command line):
// maps Foyer's TLS ports on the home router with UPnP IGD, shows the external
// address and the mappings, and removes them on request
// (docs/home-network.md). Only TLS ports are ever mapped: the plain ones
// listen on loopback.
#ifndef FOYER_GATEWAY_ADMIN_EXPOSE_MAPPINGS_H_
#define FOYER_GATEWAY_ADMIN_EXPOSE_MAPPINGS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "expose_igd.h"
#include "foyer/status.h"

namespace foyer {
namespace admin {

enum class ExposeAction {
  kAdd,     // map the ports (renewed when already mapped here), then show them
  kShow,    // show the external address and the ports' mappings only
  kRemove,  // remove the ports' mappings that point at this machine
};

struct ExposeOptions {
  ExposeAction action = ExposeAction::kAdd;
  // TCP ports, the same number outside and inside.
  std::vector<uint16_t> ports;
  // Where the router forwards; empty: this machine's address towards the router.
  std::string lan_address;
  // Lease of new mappings in seconds; 0 asks for a mapping kept until removed.
  uint32_t lease_s = 0;
  // Shown in the router's UPnP page; also how `--remove` recognises ours.
  std::string description = "Foyer";
};

// Runs `options` against `igd`, printing progress and the result to `out`.
// Adding is all or nothing: when one port cannot be mapped (taken by another
// machine, refused by the router) the mappings made by this run are removed
// again and the error says which port and why. Removing leaves alone a
// mapping that points at another machine.
Status Expose(const ExposeOptions& options, Igd& igd, std::ostream& out);

// The TLS ports of a configuration written by `foyer-admin setup`:
// mosquitto.conf's listeners that have a certfile (MQTT/TLS, secure
// WebSockets) and foyer.conf's [gateway] port when it has a tls_cert (HTTPS).
// Sorted, without duplicates. An error when a file is missing or has none.
Status ReadExposedPorts(const std::string& config_dir, std::vector<uint16_t>* ports);

// Parses "8883,8884,8443" (1-65535 each).
Status ParsePortList(const std::string& text, std::vector<uint16_t>* ports);

// True for addresses that cannot be reached from the internet (RFC 1918,
// carrier-grade NAT 100.64/10, link-local, loopback).
bool IsPrivateIpv4(const std::string& address);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_EXPOSE_MAPPINGS_H_
