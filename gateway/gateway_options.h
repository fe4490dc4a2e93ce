// foyer-gateway's options: the [gateway] section of Foyer's shared INI file
// (config/foyer.conf) plus its top-level data_dir and gateway_key_file (the
// plugin's), every one overridable on the command line (--name=value).
#ifndef FOYER_GATEWAY_GATEWAY_OPTIONS_H_
#define FOYER_GATEWAY_GATEWAY_OPTIONS_H_

#include <cstdint>
#include <string>

#include "foyer/status.h"

namespace foyer {
namespace gateway {

struct GatewayOptions {
  // The shared INI file read first (command-line options override it).
  std::string config;
  // Address(es) and port of the HTTP(S) listener: comma-separated IPv4 and
  // IPv6 addresses, "::" for every address of both (listen_addresses.h).
  std::string listen = "127.0.0.1";
  int port = 8080;
  // Certificate chain and private key (PEM): HTTPS when both are set.
  std::string tls_cert;
  std::string tls_key;
  // Static files of the built web client.
  std::string web_root;
  // The broker as the gateway reaches it (mqtt:// or mqtts://).
  std::string broker = "mqtt://127.0.0.1:1883";
  // CA certificate to verify an mqtts:// broker (empty: the system's).
  std::string broker_ca;
  // MQTT over WebSockets as browsers reach it: config.json and the CSP's
  // connect-src.
  std::string ws_url = "ws://127.0.0.1:9001";
  // The public address of this gateway, for invite links (empty: made from
  // listen and port).
  std::string public_url;
  // Household name shown to people (config.json "name").
  std::string household = "Foyer";
  // The plugin's data directory and service credential file (empty:
  // data_dir/gateway.key).
  std::string data_dir;
  std::string gateway_key_file;
  // Request body cap, bytes.
  uint64_t max_body_bytes = 65536;
  // Time allowed for one plugin request, ms.
  int request_timeout_ms = 10000;
  // Worker threads of the HTTP server.
  int threads = 4;

  // The credential file actually used.
  std::string KeyFile() const;
  // public_url, or the scheme, listen address and port.
  std::string PublicUrl() const;
  bool tls() const { return !tls_cert.empty(); }
};

// Parses the command line and the INI file it names (--config). OK with
// `*help` set when --help was asked for (`help_text` then holds the list of
// options with their defaults). Invalid with a reason for unknown options,
// bad values, or a certificate without its key.
Status ParseGatewayOptions(int argc, const char* const* argv, GatewayOptions* options, bool* help,
                           std::string* help_text);

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_GATEWAY_OPTIONS_H_
