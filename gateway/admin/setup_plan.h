// What `foyer-admin setup` makes: the plan (from flags or from the wizard's
// answers) and the files it writes.
//
// Files, all in `config_dir`:
//   foyer.conf        the INI file shared by the plugin and the gateway
//   mosquitto.conf    TLS listeners on the LAN, plain ones on loopback
//   tls/ca.crt, tls/ca.key            the household CA (generated mode)
//   tls/server.crt, tls/server.key    the server certificate and key
//   passphrase        the master passphrase, when the wizard was given one
// Secrets are 0600; when run as root with another `run_user`, the files the
// broker and the gateway read (server key, passphrase, data directory)
// belong to that user, the CA key stays root's.
#ifndef FOYER_GATEWAY_ADMIN_SETUP_PLAN_H_
#define FOYER_GATEWAY_ADMIN_SETUP_PLAN_H_

#include <map>
#include <string>
#include <vector>

#include "foyer/status.h"

namespace foyer {
namespace admin {

struct SetupPlan {
  // Shown by the gateway (status) and in the CA's name.
  std::string household_name = "Foyer";
  // Where the encrypted store lives, and where the configuration goes.
  std::string data_dir;
  std::string config_dir;
  // Master key: a key file (made by the plugin at first start if missing),
  // or a passphrase held in `passphrase_file`.
  bool use_passphrase = false;
  std::string key_file;         // empty: data_dir/master.key
  std::string passphrase_file;  // existing file, or where to write `passphrase`
  std::string passphrase;       // from the wizard only; written, then wiped
  // Ports. TLS ones listen on `listen_address`; plain ones on 127.0.0.1.
  // `listen_address` is a comma-separated list of IPv4 and IPv6 addresses;
  // "::" means every address of both families (gateway/listen_addresses.h).
  int mqtts_port = 8883;
  int wss_port = 8884;
  int https_port = 8443;
  int local_mqtt_port = 1883;
  int local_ws_port = 9001;
  int local_http_port = 8080;
  std::string listen_address = "::";
  // The address the family is given (web client, invite links); must be one
  // of the certificate's names in generate mode.
  std::string public_host;
  // TLS: generate a CA and server certificate for these names, or use files.
  bool generate_tls = true;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::string tls_cert;  // files mode
  std::string tls_key;
  std::string tls_ca;  // files mode, optional: given to the family
  // The account mosquitto and the gateway run as.
  std::string run_user;
  // The plugin module mosquitto loads.
  std::string plugin_path;
  // Replace an existing configuration.
  bool force = false;
};

// What setup wrote, for the next-steps text.
struct SetupResult {
  std::string foyer_conf;
  std::string mosquitto_conf;
  std::string tls_cert;
  std::string tls_key;
  std::string ca_cert;         // empty when files were given without a CA
  std::string ca_fingerprint;  // SHA-256 of ca_cert
  bool reused_ca = false;      // an existing household CA was kept
};

// "::" (every IPv6 and IPv4 address), or "0.0.0.0" where IPv6 is turned off.
std::string DefaultListenAddress();

// The address to give the family by default: the first LAN IPv4 address
// (works on every phone), else the first name that is not "localhost".
std::string DefaultPublicHost(const std::vector<std::string>& dns_names,
                              const std::vector<std::string>& ip_addresses);

// Checks a plan: ports in 1..65535 and distinct, paths absolute, names given
// in generate mode, files given in files mode. Invalid with the reason.
Status CheckPlan(const SetupPlan& plan);

// Replaces every @NAME@ of `text` with `values[NAME]`. Invalid when a field
// has no value (a template and its writer out of step).
Status RenderTemplate(const std::string& text, const std::map<std::string, std::string>& values,
                      std::string* out);

// Writes everything (see the file comment). Refuses (Conflict) to replace an
// existing foyer.conf or mosquitto.conf unless `plan.force`.
Status ApplyPlan(const SetupPlan& plan, SetupResult* result);

// The embedded templates (config/*.in, compiled in).
const std::string& MosquittoTlsTemplate();
const std::string& FoyerConfTemplate();

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_SETUP_PLAN_H_
