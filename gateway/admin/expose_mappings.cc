// The logic of `foyer-admin expose` (expose_mappings.h).
#include "expose_mappings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "gateway_options.h"
#include "table.h"

namespace foyer {
namespace admin {
namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

bool ParsePort(const std::string& text, uint16_t* port) {
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  unsigned long value = std::stoul(text);
  if (value < 1 || value > 65535) return false;
  *port = static_cast<uint16_t>(value);
  return true;
}

std::string LeaseText(uint32_t lease_s) {
  return lease_s == 0 ? "until removed" : FormatDuration(lease_s);
}

Status ShowMappings(const ExposeOptions& options, Igd& igd, const std::string& lan_address,
                    std::ostream& out) {
  std::string external;
  Status status = igd.ExternalAddress(&external);
  if (!status.ok()) return status;
  out << "Router: " << igd.Describe() << "\n"
      << "External address: " << (external.empty() ? "(none)" : external) << "\n"
      << "This machine: " << lan_address << "\n\n";
  Table table({"PORT", "FORWARDED TO", "DESCRIPTION", "LEASE"});
  for (uint16_t port : options.ports) {
    PortMapping mapping;
    bool found = false;
    status = igd.GetMapping(port, &mapping, &found);
    if (!status.ok()) return status;
    if (!found) {
      table.AddRow({std::to_string(port), "-", "(not mapped)", "-"});
    } else {
      table.AddRow({std::to_string(port),
                    mapping.internal_client + ":" + std::to_string(mapping.internal_port),
                    mapping.description, LeaseText(mapping.lease_s)});
    }
  }
  table.Print(out);
  if (!external.empty() && IsPrivateIpv4(external)) {
    out << "\nWarning: the router's external address " << external
        << " is private (another router in front of it, or carrier-grade NAT): these mappings "
           "do not make Foyer reachable from the internet. See docs/home-network.md.\n";
  }
  return Status::OK();
}

Status AddAll(const ExposeOptions& options, Igd& igd, const std::string& lan_address,
              std::ostream& out) {
  std::vector<uint16_t> added;
  auto roll_back = [&](Status failure) {
    for (uint16_t port : added) igd.DeleteMapping(port);
    if (!added.empty()) out << "Removed again the mappings made by this run.\n";
    return failure;
  };
  for (uint16_t port : options.ports) {
    PortMapping existing;
    bool found = false;
    Status status = igd.GetMapping(port, &existing, &found);
    if (!status.ok()) return roll_back(status);
    bool ours = found && existing.internal_client == lan_address && existing.internal_port == port;
    if (found && !ours) {
      return roll_back(Status::Conflict(
          "port " + std::to_string(port) + " is already forwarded to " + existing.internal_client +
          ":" + std::to_string(existing.internal_port) + " (\"" + existing.description +
          "\"): remove that mapping in the router's settings, or give Foyer other ports"));
    }
    PortMapping mapping;
    mapping.external_port = port;
    mapping.internal_port = port;
    mapping.internal_client = lan_address;
    mapping.description = options.description;
    mapping.lease_s = options.lease_s;
    // Asked again for a mapping of ours: the router renews its lease.
    status = igd.AddMapping(mapping);
    if (!status.ok()) return roll_back(status);
    if (ours) {
      out << "Port " << port << ": already forwarded to this machine (lease renewed).\n";
      continue;
    }
    added.push_back(port);
    out << "Port " << port << ": forwarded to " << lan_address << ":" << port << ".\n";
  }
  out << "\n";
  return Status::OK();
}

Status RemoveAll(const ExposeOptions& options, Igd& igd, const std::string& lan_address,
                 std::ostream& out) {
  Status result = Status::OK();
  for (uint16_t port : options.ports) {
    PortMapping existing;
    bool found = false;
    Status status = igd.GetMapping(port, &existing, &found);
    if (!status.ok()) return status;
    if (!found) {
      out << "Port " << port << ": not mapped.\n";
      continue;
    }
    if (existing.internal_client != lan_address) {
      out << "Port " << port << ": forwarded to another machine (" << existing.internal_client
          << "), left alone.\n";
      continue;
    }
    status = igd.DeleteMapping(port);
    if (!status.ok()) {
      out << "Port " << port << ": " << status.message() << "\n";
      result = status;
      continue;
    }
    out << "Port " << port << ": mapping removed.\n";
  }
  return result;
}

// Reads `path` into lines; IOError naming the file when it cannot.
Status ReadLines(const std::string& path, std::vector<std::string>* lines) {
  std::ifstream file(path);
  if (!file) return Status::IOError("cannot read " + path);
  std::string line;
  while (std::getline(file, line)) lines->push_back(Trim(line));
  return Status::OK();
}

}  // namespace

bool IsPrivateIpv4(const std::string& address) {
  in_addr parsed{};
  if (inet_pton(AF_INET, address.c_str(), &parsed) != 1) return false;
  uint32_t a = ntohl(parsed.s_addr);
  auto in = [a](uint32_t network, int bits) {
    uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (a & mask) == network;
  };
  return in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) ||
         in(0x64400000, 10) || in(0xA9FE0000, 16) || in(0x7F000000, 8) || a == 0;
}

Status ParsePortList(const std::string& text, std::vector<uint16_t>* ports) {
  std::vector<uint16_t> parsed;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    uint16_t port = 0;
    if (!ParsePort(Trim(item), &port)) {
      return Status::Invalid("bad port \"" + Trim(item) + "\" in \"" + text +
                             "\" (expected numbers from 1 to 65535, comma-separated)");
    }
    parsed.push_back(port);
  }
  if (parsed.empty()) return Status::Invalid("no port given");
  std::sort(parsed.begin(), parsed.end());
  parsed.erase(std::unique(parsed.begin(), parsed.end()), parsed.end());
  *ports = std::move(parsed);
  return Status::OK();
}

Status ReadExposedPorts(const std::string& config_dir, std::vector<uint16_t>* ports) {
  std::vector<uint16_t> found;
  // mosquitto.conf: a "listener PORT [ADDRESS]" line opens a block; a
  // certfile inside it makes it a TLS listener.
  std::vector<std::string> lines;
  std::string mosquitto_conf = config_dir + "/mosquitto.conf";
  Status status = ReadLines(mosquitto_conf, &lines);
  if (!status.ok()) return status;
  uint16_t listener_port = 0;
  for (const std::string& line : lines) {
    std::istringstream words(line);
    std::string keyword, value;
    words >> keyword >> value;
    if (keyword == "listener") {
      if (!ParsePort(value, &listener_port)) listener_port = 0;
    } else if (keyword == "certfile" && listener_port != 0) {
      found.push_back(listener_port);
    }
  }
  // foyer.conf [gateway]: port, HTTPS when tls_cert is set. Read by the
  // gateway's own option parser, so that expose sees what the gateway will.
  std::string foyer_conf = config_dir + "/foyer.conf";
  const std::string config_arg = "--config=" + foyer_conf;
  const char* argv[] = {"foyer-gateway", config_arg.c_str()};
  gateway::GatewayOptions gateway_options;
  bool help = false;
  std::string help_text;
  status = gateway::ParseGatewayOptions(2, argv, &gateway_options, &help, &help_text);
  if (!status.ok()) return Status::Invalid(foyer_conf + ": " + status.message());
  if (gateway_options.tls() && gateway_options.port != 0) {
    found.push_back(static_cast<uint16_t>(gateway_options.port));
  }
  if (found.empty()) {
    return Status::NotFound("no TLS listener in " + mosquitto_conf + " nor " + foyer_conf +
                            ": run `foyer-admin setup` first, or give --ports");
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  *ports = std::move(found);
  return Status::OK();
}

Status Expose(const ExposeOptions& options, Igd& igd, std::ostream& out) {
  std::string lan_address = options.lan_address.empty() ? igd.LanAddress() : options.lan_address;
  in_addr parsed{};
  if (inet_pton(AF_INET, lan_address.c_str(), &parsed) != 1) {
    return Status::Invalid("\"" + lan_address +
                           "\" is not an IPv4 address (UPnP IGD forwards IPv4 only)");
  }
  Status status;
  switch (options.action) {
    case ExposeAction::kAdd:
      status = AddAll(options, igd, lan_address, out);
      break;
    case ExposeAction::kRemove:
      status = RemoveAll(options, igd, lan_address, out);
      if (status.ok()) out << "\n";
      break;
    case ExposeAction::kShow:
      break;
  }
  if (!status.ok()) return status;
  return ShowMappings(options, igd, lan_address, out);
}

}  // namespace admin
}  // namespace foyer
