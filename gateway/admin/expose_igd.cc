// Igd over Debian's miniupnpc (expose_igd.h).
#include "expose_igd.h"

#include <miniupnpc/miniupnpc.h>
#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>

#include <cstdlib>
#include <string>

namespace foyer {
namespace admin {
namespace {

const char kProtocol[] = "TCP";

// "718 ConflictInMappingEntry" style text for a miniupnpc return code.
std::string Why(int code) {
  const char* text = strupnperror(code);
  return text ? std::to_string(code) + " " + text : "error " + std::to_string(code);
}

class MiniupnpcIgd : public Igd {
 public:
  MiniupnpcIgd(UPNPUrls urls, IGDdatas data, std::string lan_address)
      : urls_(urls), data_(data), lan_address_(std::move(lan_address)) {}
  ~MiniupnpcIgd() override { FreeUPNPUrls(&urls_); }
  MiniupnpcIgd(const MiniupnpcIgd&) = delete;
  MiniupnpcIgd& operator=(const MiniupnpcIgd&) = delete;

  std::string Describe() const override {
    return std::string("UPnP IGD at ") + (urls_.rootdescURL ? urls_.rootdescURL : "?");
  }
  std::string LanAddress() const override { return lan_address_; }

  Status ExternalAddress(std::string* address) override {
    char buffer[64] = {0};
    int rc = UPNP_GetExternalIPAddress(urls_.controlURL, data_.first.servicetype, buffer);
    if (rc != UPNPCOMMAND_SUCCESS) {
      return Status::IOError("the router did not give its external address (" + Why(rc) + ")");
    }
    *address = buffer;
    return Status::OK();
  }

  Status AddMapping(const PortMapping& mapping) override {
    std::string external = std::to_string(mapping.external_port);
    std::string internal = std::to_string(mapping.internal_port);
    std::string lease = std::to_string(mapping.lease_s);
    int rc = UPNP_AddPortMapping(urls_.controlURL, data_.first.servicetype, external.c_str(),
                                 internal.c_str(), mapping.internal_client.c_str(),
                                 mapping.description.c_str(), kProtocol, nullptr, lease.c_str());
    if (rc != UPNPCOMMAND_SUCCESS) {
      return Status::IOError("the router refused to map port " + external + " (" + Why(rc) + ")");
    }
    return Status::OK();
  }

  Status GetMapping(uint16_t external_port, PortMapping* mapping, bool* found) override {
    std::string external = std::to_string(external_port);
    char client[64] = {0}, port[16] = {0}, description[96] = {0}, enabled[8] = {0},
         lease[24] = {0};
    int rc = UPNP_GetSpecificPortMappingEntry(urls_.controlURL, data_.first.servicetype,
                                              external.c_str(), kProtocol, nullptr, client, port,
                                              description, enabled, lease);
    // 714 NoSuchEntryInArray; some routers answer 402 or 501 for a free port.
    if (rc == 714 || rc == 402 || rc == 501) {
      *found = false;
      return Status::OK();
    }
    if (rc != UPNPCOMMAND_SUCCESS) {
      return Status::IOError("the router did not answer for port " + external + " (" + Why(rc) +
                             ")");
    }
    *found = true;
    mapping->external_port = external_port;
    mapping->internal_port = static_cast<uint16_t>(std::strtoul(port, nullptr, 10));
    mapping->internal_client = client;
    mapping->description = description;
    mapping->lease_s = static_cast<uint32_t>(std::strtoul(lease, nullptr, 10));
    return Status::OK();
  }

  Status DeleteMapping(uint16_t external_port) override {
    std::string external = std::to_string(external_port);
    int rc = UPNP_DeletePortMapping(urls_.controlURL, data_.first.servicetype, external.c_str(),
                                    kProtocol, nullptr);
    if (rc != UPNPCOMMAND_SUCCESS) {
      return Status::IOError("the router did not remove port " + external + " (" + Why(rc) + ")");
    }
    return Status::OK();
  }

 private:
  UPNPUrls urls_;
  IGDdatas data_;
  std::string lan_address_;
};

}  // namespace

Status DiscoverIgd(const DiscoverOptions& options, std::unique_ptr<Igd>* igd) {
  int error = 0;
  UPNPDev* devices =
      upnpDiscover(options.wait_ms, options.interface.empty() ? nullptr : options.interface.c_str(),
                   nullptr, UPNP_LOCAL_PORT_ANY, /*ipv6=*/0, /*ttl=*/2, &error);
  if (devices == nullptr) {
    return Status::NotFound(
        "no UPnP device answered on the home network within " + std::to_string(options.wait_ms) +
        " ms: turn UPnP (IGD) on in the router's settings, or forward the ports by hand "
        "(docs/home-network.md)");
  }
  UPNPUrls urls{};
  IGDdatas data{};
  char lan_address[64] = {0};
#if MINIUPNPC_API_VERSION >= 18
  // miniupnpc 2.2.8 (Debian 13): 1 connected IGD, 2 connected with a private
  // external address (Expose warns about it), 3 not connected, 4 not an IGD.
  int kind = UPNP_GetValidIGD(devices, &urls, &data, lan_address, sizeof(lan_address), nullptr, 0);
  bool usable = kind == 1 || kind == 2;
  bool disconnected = kind == 3;
#else
  // miniupnpc 2.2.4 (Debian 12): 1 connected IGD, 2 not connected, 3 not an IGD.
  int kind = UPNP_GetValidIGD(devices, &urls, &data, lan_address, sizeof(lan_address));
  bool usable = kind == 1;
  bool disconnected = kind == 2;
#endif
  freeUPNPDevlist(devices);
  if (usable) {
    *igd = std::make_unique<MiniupnpcIgd>(urls, data, lan_address);
    return Status::OK();
  }
  if (kind != 0) FreeUPNPUrls(&urls);
  if (disconnected) {
    return Status::NotFound(
        "the router answers UPnP but says it is not connected to the internet");
  }
  return Status::NotFound(
      "UPnP devices answered but none is an internet gateway (IGD): turn UPnP IGD on in the "
      "router's settings, or forward the ports by hand (docs/home-network.md)");
}

}  // namespace admin
}  // namespace foyer
