// The gateway's `listen` option: one address, or several separated by commas
// ("192.168.1.20,2a01:e0a::20"), each IPv4 or IPv6. `::` means every address
// of both families: it is bound as one dual-stack socket, so the addresses
// given beside it are folded into it (binding them too would collide).
// Shared with `foyer-admin setup`, which writes the same list for mosquitto's
// listeners (whose websockets listener on `::` is dual-stack too).
#ifndef FOYER_GATEWAY_LISTEN_ADDRESSES_H_
#define FOYER_GATEWAY_LISTEN_ADDRESSES_H_

#include <string>
#include <vector>

#include "foyer/status.h"

namespace foyer {
namespace gateway {

struct ListenAddress {
  std::string host;         // as given, without brackets
  bool ipv6 = false;        // an IPv6 literal
  bool dual_stack = false;  // "::": IPv6 and IPv4 on one socket
};

// Splits and checks `listen`. Invalid for an empty item, a duplicate, or an
// item that is neither an IPv4 nor an IPv6 address nor a host name.
Status ParseListenAddresses(const std::string& listen, std::vector<ListenAddress>* addresses);

// "[::1]" for IPv6 literals, the host unchanged otherwise (URLs).
std::string UrlHost(const std::string& host);

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_LISTEN_ADDRESSES_H_
