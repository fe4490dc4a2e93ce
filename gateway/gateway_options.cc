#include "gateway_options.h"

#include <fstream>
#include <sstream>
#include <vector>

#include <boost/program_options.hpp>

namespace foyer {
namespace gateway {

namespace po = boost::program_options;

namespace {

constexpr char kSection[] = "gateway.";
// Top-level keys of the shared file that the gateway reads too.
const char* const kSharedKeys[] = {"data_dir", "gateway_key_file"};
// Top-level keys that belong to the plugin only.
const char* const kPluginKeys[] = {"key_file",       "passphrase_file",  "invite_ttl",
                                   "max_people",     "max_devices",      "sync_ms",
                                   "max_file_bytes", "file_quota_bytes", "file_upload_timeout"};

po::options_description Describe(GatewayOptions* o) {
  po::options_description d("foyer-gateway options (file: [gateway] section, or top level "
                             "for data_dir and gateway_key_file)");
  d.add_options()
      ("help", "print this list and exit")
      ("config", po::value(&o->config)->default_value(o->config),
       "shared INI file (e.g. /etc/foyer/foyer.conf)")
      ("listen", po::value(&o->listen)->default_value(o->listen),
       "listen address(es), comma-separated; :: is every IPv6 and IPv4 address")
      ("port", po::value(&o->port)->default_value(o->port), "listen port")
      ("tls_cert", po::value(&o->tls_cert)->default_value(o->tls_cert),
       "certificate chain (PEM); HTTPS when set, with tls_key")
      ("tls_key", po::value(&o->tls_key)->default_value(o->tls_key), "private key (PEM)")
      ("web_root", po::value(&o->web_root)->default_value(o->web_root),
       "directory of the built web client")
      ("broker", po::value(&o->broker)->default_value(o->broker),
       "broker address for the gateway (mqtt:// or mqtts://)")
      ("broker_ca", po::value(&o->broker_ca)->default_value(o->broker_ca),
       "CA file to verify an mqtts:// broker")
      ("ws_url", po::value(&o->ws_url)->default_value(o->ws_url),
       "MQTT WebSocket address for browsers (config.json, CSP connect-src)")
      ("public_url", po::value(&o->public_url)->default_value(o->public_url),
       "public address of the gateway for invite links (default: from listen and port)")
      ("household", po::value(&o->household)->default_value(o->household),
       "household name shown by the web client")
      ("data_dir", po::value(&o->data_dir)->default_value(o->data_dir),
       "the plugin's data directory (holds gateway.key)")
      ("gateway_key_file", po::value(&o->gateway_key_file)->default_value(o->gateway_key_file),
       "service account credential written by the plugin (default data_dir/gateway.key)")
      ("max_body_bytes", po::value(&o->max_body_bytes)->default_value(o->max_body_bytes),
       "request body cap in bytes")
      ("request_timeout_ms", po::value(&o->request_timeout_ms)->default_value(o->request_timeout_ms),
       "time allowed for one plugin request")
      ("threads", po::value(&o->threads)->default_value(o->threads), "HTTP worker threads");
  return d;
}

bool IsOneOf(const std::string& key, const char* const* begin, const char* const* end) {
  for (auto it = begin; it != end; ++it) {
    if (key == *it) return true;
  }
  return false;
}

// The file's options renamed to the command line's names: "[gateway] port"
// becomes "port"; shared top-level keys are kept; other sections and the
// plugin's keys are dropped; any other top-level key is refused.
Status ReadFile(const std::string& path, const po::options_description& description,
                po::parsed_options* out) {
  std::ifstream file(path);
  if (!file) return Status::IOError("cannot read the configuration file " + path);
  po::options_description any;
  po::parsed_options parsed = po::parse_config_file(file, any, true);
  std::vector<po::option> kept;
  for (po::option& option : parsed.options) {
    std::string key = option.string_key;
    if (key.rfind(kSection, 0) == 0) {
      key = key.substr(sizeof(kSection) - 1);
    } else if (key.find('.') != std::string::npos ||
               IsOneOf(key, std::begin(kPluginKeys), std::end(kPluginKeys))) {
      continue;
    } else if (!IsOneOf(key, std::begin(kSharedKeys), std::end(kSharedKeys))) {
      return Status::Invalid("unknown top-level option '" + key + "' in " + path);
    }
    if (key == "help" || key == "config" || description.find_nothrow(key, false) == nullptr) {
      return Status::Invalid("unknown option '" + option.string_key + "' in " + path);
    }
    option.string_key = key;
    option.unregistered = false;
    kept.push_back(option);
  }
  out->options = kept;
  return Status::OK();
}

}  // namespace

std::string GatewayOptions::KeyFile() const {
  if (!gateway_key_file.empty()) return gateway_key_file;
  return data_dir.empty() ? std::string() : data_dir + "/gateway.key";
}

std::string GatewayOptions::PublicUrl() const {
  if (!public_url.empty()) return public_url;
  // The first listen address (listen_addresses.h).
  std::string host = listen.substr(0, listen.find(','));
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  return std::string(tls() ? "https://" : "http://") + host + ":" + std::to_string(port);
}

Status ParseGatewayOptions(int argc, const char* const* argv, GatewayOptions* options, bool* help,
                           std::string* help_text) {
  GatewayOptions result;
#ifdef FOYER_DEFAULT_WEB_ROOT
  result.web_root = FOYER_DEFAULT_WEB_ROOT;
#endif
  po::options_description description = Describe(&result);
  std::ostringstream text;
  text << "Usage: foyer-gateway [--config FILE] [--option=value ...]\n" << description;
  *help_text = text.str();
  *help = false;
  try {
    po::variables_map values;
    // Stored first, the command line wins over the file.
    po::store(po::parse_command_line(argc, argv, description), values);
    if (values.count("help")) {
      *help = true;
      return Status::OK();
    }
    std::string config = values["config"].as<std::string>();
    if (!config.empty()) {
      po::parsed_options from_file(&description);
      Status status = ReadFile(config, description, &from_file);
      if (!status.ok()) return status;
      po::store(from_file, values);
    }
    po::notify(values);
  } catch (const std::exception& e) {
    return Status::Invalid(e.what());
  }
  if (result.port < 0 || result.port > 65535) return Status::Invalid("--port must be 0..65535");
  if (result.tls_cert.empty() != result.tls_key.empty()) {
    return Status::Invalid("give tls_cert and tls_key together");
  }
  if (result.threads < 1 || result.threads > 64) return Status::Invalid("--threads must be 1..64");
  if (result.max_body_bytes < 1024) return Status::Invalid("--max_body_bytes must be >= 1024");
  if (result.ws_url.rfind("ws://", 0) != 0 && result.ws_url.rfind("wss://", 0) != 0) {
    return Status::Invalid("--ws_url must start with ws:// or wss://");
  }
  if (result.KeyFile().empty()) {
    return Status::Invalid("give data_dir or gateway_key_file (the service account credential)");
  }
  *options = std::move(result);
  return Status::OK();
}

}  // namespace gateway
}  // namespace foyer
