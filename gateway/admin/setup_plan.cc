// Carrying out a setup plan: TLS material, configuration files, ownership.
#include "setup_plan.h"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "files.h"
#include "foyer/crypto.h"
#include "listen_addresses.h"
#include "tls_material.h"

namespace foyer {
namespace admin {

namespace {

bool IsAbsolute(const std::string& path) { return !path.empty() && path[0] == '/'; }

// INI and mosquitto.conf values end at the line: no newline may slip in.
bool IsOneLine(const std::string& value) {
  return value.find_first_of("\r\n") == std::string::npos;
}

// mosquitto's TLS listeners, one per address of `plan.listen_address` and
// protocol (see config/mosquitto-tls.conf.in).
std::string TlsListeners(const SetupPlan& plan,
                         const std::vector<gateway::ListenAddress>& addresses,
                         const std::string& cert, const std::string& key) {
  std::string text;
  auto block = [&](int port, const gateway::ListenAddress& address, bool websockets) {
    text += "listener " + std::to_string(port) + " " + address.host + "\n";
    if (websockets) text += "protocol websockets\n";
    text += std::string("socket_domain ") + (address.ipv6 ? "ipv6" : "ipv4") + "\n";
    text += "certfile " + cert + "\nkeyfile " + key + "\ntls_version tlsv1.2\n\n";
  };
  // "::" (every address) is folded alone by ParseListenAddresses. mosquitto
  // makes its MQTT IPv6 sockets IPv6-only: IPv4 needs its own listener
  // there; its websockets socket on "::" is dual-stack and takes IPv4 too.
  std::vector<gateway::ListenAddress> mqtt = addresses;
  if (addresses.size() == 1 && addresses[0].dual_stack) {
    gateway::ListenAddress any4;
    any4.host = "0.0.0.0";
    mqtt.insert(mqtt.begin(), any4);
  }
  for (const auto& address : mqtt) block(plan.mqtts_port, address, false);
  for (const auto& address : addresses) block(plan.wss_port, address, true);
  if (!text.empty()) text.pop_back();  // the template has the last line end
  return text;
}

Status Chown(const std::string& path, const passwd* user) {
  if (user == nullptr) return Status::OK();
  if (lchown(path.c_str(), user->pw_uid, user->pw_gid) != 0) {
    return Status::IOError("cannot give " + path + " to " + user->pw_name);
  }
  return Status::OK();
}

// The account the services run as, when it is not the one running setup.
const passwd* OtherRunUser(const std::string& run_user) {
  if (geteuid() != 0 || run_user.empty() || run_user == "root") return nullptr;
  return getpwnam(run_user.c_str());
}

Status MakeTls(const SetupPlan& plan, SetupResult* result) {
  std::string tls_dir = plan.config_dir + "/tls";
  Status status = MakeDirectory(tls_dir, 0755);
  if (!status.ok()) return status;
  result->ca_cert = tls_dir + "/ca.crt";
  std::string ca_key = tls_dir + "/ca.key";
  result->tls_cert = tls_dir + "/server.crt";
  result->tls_key = tls_dir + "/server.key";
  // Keep an existing household CA: phones that trust it keep working.
  result->reused_ca = PathExists(result->ca_cert) && PathExists(ca_key);
  if (!result->reused_ca) {
    CaOptions ca;
    ca.common_name = plan.household_name + " household CA (Foyer)";
    status = GenerateCa(ca, result->ca_cert, ca_key);
    if (!status.ok()) return status;
  }
  ServerCertOptions server;
  server.common_name = plan.public_host;
  server.dns_names = plan.dns_names;
  server.ip_addresses = plan.ip_addresses;
  return GenerateServerCert(server, result->ca_cert, ca_key, result->tls_cert, result->tls_key);
}

}  // namespace

std::string DefaultPublicHost(const std::vector<std::string>& dns_names,
                              const std::vector<std::string>& ip_addresses) {
  for (const std::string& address : ip_addresses) {
    if (address.find(':') == std::string::npos && address.rfind("127.", 0) != 0) return address;
  }
  for (const std::string& name : dns_names) {
    if (name != "localhost") return name;
  }
  if (!ip_addresses.empty()) return ip_addresses.front();
  return dns_names.empty() ? "" : dns_names.front();
}

Status CheckPlan(const SetupPlan& plan) {
  std::vector<int> ports = {plan.mqtts_port,      plan.wss_port,      plan.https_port,
                            plan.local_mqtt_port, plan.local_ws_port, plan.local_http_port};
  for (int port : ports) {
    if (port < 1 || port > 65535) return Status::Invalid("ports must be 1..65535");
  }
  if (std::set<int>(ports.begin(), ports.end()).size() != ports.size()) {
    return Status::Invalid("every port must be different");
  }
  for (const std::string* path : {&plan.data_dir, &plan.config_dir, &plan.plugin_path}) {
    if (!IsAbsolute(*path)) return Status::Invalid("paths must be absolute: \"" + *path + "\"");
  }
  if (plan.household_name.empty()) return Status::Invalid("the household needs a name");
  for (const std::string* value :
       {&plan.household_name, &plan.data_dir, &plan.config_dir, &plan.key_file,
        &plan.passphrase_file, &plan.listen_address, &plan.public_host, &plan.tls_cert,
        &plan.tls_key, &plan.tls_ca, &plan.run_user, &plan.plugin_path}) {
    if (!IsOneLine(*value)) return Status::Invalid("a setting holds a line break");
  }
  std::vector<gateway::ListenAddress> addresses;
  Status listen = gateway::ParseListenAddresses(plan.listen_address, &addresses);
  if (!listen.ok()) return Status::Invalid("--" + listen.message());
  if (plan.use_passphrase && plan.passphrase_file.empty()) {
    return Status::Invalid("a passphrase needs a passphrase file");
  }
  if (!plan.use_passphrase && !plan.key_file.empty() && !IsAbsolute(plan.key_file)) {
    return Status::Invalid("the key file path must be absolute");
  }
  if (plan.public_host.empty()) return Status::Invalid("no address to give the family");
  if (plan.generate_tls) {
    if (plan.dns_names.empty() && plan.ip_addresses.empty()) {
      return Status::Invalid("the certificate needs at least one host name or address");
    }
    bool named =
        std::count(plan.dns_names.begin(), plan.dns_names.end(), plan.public_host) +
            std::count(plan.ip_addresses.begin(), plan.ip_addresses.end(), plan.public_host) >
        0;
    if (!named) {
      return Status::Invalid("the public address " + plan.public_host +
                             " is not among the certificate's names");
    }
  } else if (plan.tls_cert.empty() || plan.tls_key.empty()) {
    return Status::Invalid("give the certificate and key files (--tls-cert, --tls-key)");
  }
  return Status::OK();
}

Status RenderTemplate(const std::string& text, const std::map<std::string, std::string>& values,
                      std::string* out) {
  std::string rendered;
  size_t at = 0;
  while (true) {
    size_t open = text.find('@', at);
    if (open == std::string::npos) break;
    size_t close = text.find('@', open + 1);
    std::string name = close == std::string::npos ? "" : text.substr(open + 1, close - open - 1);
    bool is_field =
        !name.empty() && name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string::npos;
    if (!is_field) {
      rendered += text.substr(at, open + 1 - at);
      at = open + 1;
      continue;
    }
    auto value = values.find(name);
    if (value == values.end())
      return Status::Invalid("the template field @" + name + "@ has no value");
    rendered += text.substr(at, open - at) + value->second;
    at = close + 1;
  }
  rendered += text.substr(at);
  *out = std::move(rendered);
  return Status::OK();
}

std::string DefaultListenAddress() {
  // "::" fails to bind where IPv6 is turned off (ipv6.disable=1 on some
  // Raspberry Pi images): IPv4 only there.
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  if (probe < 0) return "0.0.0.0";
  close(probe);
  return "::";
}

Status ApplyPlan(const SetupPlan& plan, SetupResult* result) {
  Status status = CheckPlan(plan);
  if (!status.ok()) return status;
  result->foyer_conf = plan.config_dir + "/foyer.conf";
  result->mosquitto_conf = plan.config_dir + "/mosquitto.conf";
  if (!plan.force && (PathExists(result->foyer_conf) || PathExists(result->mosquitto_conf))) {
    return Status::Conflict("a configuration exists in " + plan.config_dir +
                            " (--force replaces it; the household CA is kept)");
  }
  const passwd* run_user = OtherRunUser(plan.run_user);
  if (!plan.run_user.empty() && plan.run_user != "root" && geteuid() == 0 && run_user == nullptr) {
    return Status::Invalid("there is no user account " + plan.run_user);
  }
  status = MakeDirectory(plan.config_dir, 0755);
  if (status.ok() && !PathExists(plan.data_dir)) status = MakeDirectory(plan.data_dir, 0700);
  if (status.ok()) status = Chown(plan.data_dir, run_user);
  if (!status.ok()) return status;

  if (plan.generate_tls) {
    status = MakeTls(plan, result);
  } else {
    result->tls_cert = plan.tls_cert;
    result->tls_key = plan.tls_key;
    result->ca_cert = plan.tls_ca;
    status = CheckServerFiles(plan.tls_cert, plan.tls_key, plan.tls_ca);
  }
  if (status.ok() && plan.generate_tls) status = Chown(result->tls_key, run_user);
  if (status.ok() && !result->ca_cert.empty()) {
    status = CertFingerprint(result->ca_cert, &result->ca_fingerprint);
  }
  if (!status.ok()) return status;

  std::string master_key_line;
  if (plan.use_passphrase) {
    if (!plan.passphrase.empty()) {
      std::string content = plan.passphrase + "\n";
      status = WriteFileAtomic(plan.passphrase_file, content, 0600);
      crypto::Wipe(&content);
      if (status.ok()) status = Chown(plan.passphrase_file, run_user);
      if (!status.ok()) return status;
    } else if (!PathExists(plan.passphrase_file)) {
      return Status::NotFound("no passphrase file at " + plan.passphrase_file);
    }
    master_key_line = "passphrase_file = " + plan.passphrase_file;
  } else {
    master_key_line =
        "key_file = " + (plan.key_file.empty() ? plan.data_dir + "/master.key" : plan.key_file);
  }

  std::vector<gateway::ListenAddress> addresses;
  status = gateway::ParseListenAddresses(plan.listen_address, &addresses);  // CheckPlan did
  if (!status.ok()) return status;
  std::map<std::string, std::string> values = {
      {"FOYER_DATA_DIR", plan.data_dir},
      {"FOYER_MASTER_KEY_LINE", master_key_line},
      {"FOYER_HOUSEHOLD_NAME", plan.household_name},
      {"FOYER_LISTEN_ADDRESS", plan.listen_address},
      {"FOYER_TLS_LISTENERS", TlsListeners(plan, addresses, result->tls_cert, result->tls_key)},
      {"FOYER_PUBLIC_HOST", plan.public_host.find(':') != std::string::npos
                                ? "[" + plan.public_host + "]"
                                : plan.public_host},
      {"FOYER_HTTPS_PORT", std::to_string(plan.https_port)},
      {"FOYER_MQTTS_PORT", std::to_string(plan.mqtts_port)},
      {"FOYER_WSS_PORT", std::to_string(plan.wss_port)},
      {"FOYER_LOCAL_MQTT_PORT", std::to_string(plan.local_mqtt_port)},
      {"FOYER_LOCAL_WS_PORT", std::to_string(plan.local_ws_port)},
      {"FOYER_LOCAL_HTTP_PORT", std::to_string(plan.local_http_port)},
      {"FOYER_TLS_CERT", result->tls_cert},
      {"FOYER_TLS_KEY", result->tls_key},
      {"FOYER_RUN_USER", plan.run_user.empty() ? "root" : plan.run_user},
      {"FOYER_PLUGIN", plan.plugin_path},
      {"FOYER_CONFIG_FILE", result->foyer_conf},
  };
  std::string foyer_conf;
  std::string mosquitto_conf;
  status = RenderTemplate(FoyerConfTemplate(), values, &foyer_conf);
  if (status.ok()) status = RenderTemplate(MosquittoTlsTemplate(), values, &mosquitto_conf);
  for (std::string* text : {&foyer_conf, &mosquitto_conf}) {
    if (!text->empty() && text->back() != '\n') text->push_back('\n');
  }
  // No secret in either file (paths only): readable by the services.
  if (status.ok()) status = WriteFileAtomic(result->foyer_conf, foyer_conf, 0644);
  if (status.ok()) status = WriteFileAtomic(result->mosquitto_conf, mosquitto_conf, 0644);
  return status;
}

}  // namespace admin
}  // namespace foyer
