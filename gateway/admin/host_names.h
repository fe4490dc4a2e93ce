// The names and LAN addresses of this machine, proposed by `foyer-admin setup`
// for the server certificate and printed as "the address to give the family".
#ifndef FOYER_GATEWAY_ADMIN_HOST_NAMES_H_
#define FOYER_GATEWAY_ADMIN_HOST_NAMES_H_

#include <string>
#include <vector>

namespace foyer {
namespace admin {

struct HostNames {
  // The host name, its mDNS form (<name>.local, how phones on the LAN reach a
  // Raspberry Pi) and "localhost".
  std::vector<std::string> dns_names;
  // IPv4 addresses of the interfaces that are up (loopback last), then
  // global or unique-local IPv6 addresses (no link-local ones: a certificate
  // cannot name their zone).
  std::vector<std::string> ip_addresses;
};

HostNames DetectHostNames();

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_HOST_NAMES_H_
