#include "listen_addresses.h"

#include <arpa/inet.h>

#include <algorithm>
#include <sstream>

namespace foyer {
namespace gateway {
namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

bool IsHostName(const std::string& text) {
  // "192.168.1.300" is a mistyped address, not a name.
  if (text.find_first_not_of("0123456789.") == std::string::npos) return false;
  return !text.empty() && text.size() <= 253 &&
         text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") ==
             std::string::npos;
}

}  // namespace

Status ParseListenAddresses(const std::string& listen, std::vector<ListenAddress>* addresses) {
  std::vector<ListenAddress> parsed;
  std::string trimmed = Trim(listen);
  if (!trimmed.empty() && trimmed.back() == ',') {
    return Status::Invalid("listen: an empty address in \"" + listen + "\"");
  }
  std::stringstream stream(listen);
  std::string item;
  bool any6 = false;
  while (std::getline(stream, item, ',')) {
    ListenAddress address;
    address.host = Trim(item);
    if (address.host.size() > 2 && address.host.front() == '[' && address.host.back() == ']') {
      address.host = address.host.substr(1, address.host.size() - 2);
    }
    in6_addr v6{};
    in_addr v4{};
    if (inet_pton(AF_INET6, address.host.c_str(), &v6) == 1) {
      address.ipv6 = true;
      address.dual_stack = IN6_IS_ADDR_UNSPECIFIED(&v6);
      any6 = any6 || address.dual_stack;
    } else if (inet_pton(AF_INET, address.host.c_str(), &v4) != 1 && !IsHostName(address.host)) {
      return Status::Invalid("listen: \"" + address.host +
                             "\" is not an IPv4 or IPv6 address (separate several with commas)");
    }
    for (const ListenAddress& other : parsed) {
      if (other.host == address.host) {
        return Status::Invalid("listen: " + address.host + " is given twice");
      }
    }
    parsed.push_back(address);
  }
  if (parsed.empty()) return Status::Invalid("listen: no address");
  if (any6) {
    // The dual-stack socket of "::" takes every other address too.
    parsed.erase(std::remove_if(parsed.begin(), parsed.end(),
                                [](const ListenAddress& a) { return !a.dual_stack; }),
                 parsed.end());
  }
  *addresses = std::move(parsed);
  return Status::OK();
}

std::string UrlHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace gateway
}  // namespace foyer
