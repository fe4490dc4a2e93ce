#include "host_names.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace foyer {
namespace admin {

namespace {

void AddUnique(std::vector<std::string>* list, const std::string& value) {
  if (!value.empty() && std::find(list->begin(), list->end(), value) == list->end()) {
    list->push_back(value);
  }
}

}  // namespace

HostNames DetectHostNames() {
  HostNames names;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) == 0 && host[0] != '\0') {
    std::string name(host);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    AddUnique(&names.dns_names, name);
    if (name.find('.') == std::string::npos) AddUnique(&names.dns_names, name + ".local");
  }
  AddUnique(&names.dns_names, "localhost");

  std::vector<std::string> ipv4;
  std::vector<std::string> ipv6;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
      if (entry->ifa_addr == nullptr || (entry->ifa_flags & IFF_UP) == 0) continue;
      char text[INET6_ADDRSTRLEN] = {0};
      if (entry->ifa_addr->sa_family == AF_INET) {
        auto* address = reinterpret_cast<sockaddr_in*>(entry->ifa_addr);
        if (inet_ntop(AF_INET, &address->sin_addr, text, sizeof(text)) == nullptr) continue;
        if ((entry->ifa_flags & IFF_LOOPBACK) == 0) AddUnique(&ipv4, text);
      } else if (entry->ifa_addr->sa_family == AF_INET6) {
        auto* address = reinterpret_cast<sockaddr_in6*>(entry->ifa_addr);
        if (IN6_IS_ADDR_LINKLOCAL(&address->sin6_addr) ||
            IN6_IS_ADDR_LOOPBACK(&address->sin6_addr)) {
          continue;
        }
        if (inet_ntop(AF_INET6, &address->sin6_addr, text, sizeof(text)) == nullptr) continue;
        AddUnique(&ipv6, text);
      }
    }
    freeifaddrs(list);
  }
  for (const std::string& address : ipv4) AddUnique(&names.ip_addresses, address);
  AddUnique(&names.ip_addresses, "127.0.0.1");
  for (const std::string& address : ipv6) AddUnique(&names.ip_addresses, address);
  return names;
}

}  // namespace admin
}  // namespace foyer
