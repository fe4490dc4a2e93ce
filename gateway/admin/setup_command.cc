// `foyer-admin setup`: flags and defaults, then the wizard (on a terminal)
// or nothing more (--non-interactive), then the files and the next steps.
#include "setup_command.h"

#include <limits.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "commands.h"
#include "foyer/crypto.h"
#include "host_names.h"
#include "setup_wizard.h"

namespace foyer {
namespace admin {

namespace po = boost::program_options;

namespace {

std::string HomeDirectory(const EnvFunction& env) {
  const char* home = env ? env("HOME") : nullptr;
  if (home != nullptr && *home == '/') return home;
  passwd* entry = getpwuid(geteuid());
  return entry != nullptr ? entry->pw_dir : "/tmp";
}

// build/bin/foyer-admin -> build/lib/foyer_plugin.so (the build tree's
// layout); /usr/bin/foyer-admin -> /usr/lib/foyer/foyer_plugin.so (the .deb's).
std::string DefaultPluginPath() {
  char path[PATH_MAX];
  ssize_t size = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (size <= 0) return "/usr/lib/foyer/foyer_plugin.so";
  std::string exe(path, static_cast<size_t>(size));
  std::string bin_dir = exe.substr(0, exe.rfind('/'));
  std::string prefix = bin_dir.substr(0, bin_dir.rfind('/'));
  std::string packaged = prefix + "/lib/foyer/foyer_plugin.so";
  if (access(packaged.c_str(), R_OK) == 0) return packaged;
  return prefix + "/lib/foyer_plugin.so";
}

// The .deb creates the system account foyer for its services.
std::string DefaultRunUser() {
  if (geteuid() == 0) {
    if (getpwnam("foyer") != nullptr) return "foyer";
    return getpwnam("mosquitto") != nullptr ? "mosquitto" : "root";
  }
  passwd* entry = getpwuid(geteuid());
  return entry != nullptr ? entry->pw_name : "root";
}

}  // namespace

po::options_description SetupOptionsDescription() {
  po::options_description options("Setup options");
  options.add_options()("non-interactive", po::bool_switch(),
                        "ask nothing: flags and defaults only")(
      "household", po::value<std::string>()->value_name("NAME"), "name of the household")(
      "data-dir", po::value<std::string>()->value_name("DIR"),
      "encrypted data (default /var/lib/foyer as root, else ~/.local/share/foyer)")(
      "config-dir", po::value<std::string>()->value_name("DIR"),
      "configuration files (default /etc/foyer as root, else ~/.config/foyer)")(
      "key-file", po::value<std::string>()->value_name("FILE"),
      "master key file (default DATA_DIR/master.key, made at the first start)")(
      "passphrase-file", po::value<std::string>()->value_name("FILE"),
      "take the master key from the passphrase in FILE (first line) instead")(
      "mqtts-port", po::value<int>()->default_value(8883), "MQTT over TLS")(
      "wss-port", po::value<int>()->default_value(8884), "MQTT over secure WebSockets")(
      "https-port", po::value<int>()->default_value(8443), "HTTPS (web client, admin API)")(
      "mqtt-port", po::value<int>()->default_value(1883), "plain MQTT on loopback")(
      "ws-port", po::value<int>()->default_value(9001), "plain WebSockets on loopback")(
      "http-port", po::value<int>()->default_value(8080), "plain HTTP on loopback")(
      "listen", po::value<std::string>()->value_name("ADDRESSES"),
      "addresses of the TLS listeners, comma-separated IPv4 and IPv6 (default ::, every IPv6 "
      "and IPv4 address; 0.0.0.0 where IPv6 is off)")(
      "tls", po::value<std::string>()->default_value("generate")->value_name("MODE"),
      "generate (a household CA and server certificate) or files (--tls-cert, --tls-key)")(
      "hostname", po::value<std::vector<std::string>>()->value_name("NAME"),
      "a host name for the certificate (repeat; default: this machine's names)")(
      "ip", po::value<std::vector<std::string>>()->value_name("ADDRESS"),
      "an address for the certificate (repeat; default: this machine's addresses)")(
      "public-host", po::value<std::string>()->value_name("HOST"),
      "the address given to the family (default: the first LAN address)")(
      "tls-cert", po::value<std::string>()->value_name("FILE"), "certificate (files mode)")(
      "tls-key", po::value<std::string>()->value_name("FILE"), "its private key (files mode)")(
      "tls-ca", po::value<std::string>()->value_name("FILE"),
      "CA certificate to give the family (files mode, optional)")(
      "run-user", po::value<std::string>()->value_name("USER"),
      "account of mosquitto and the gateway (default as root: foyer, the package's, "
      "else mosquitto; else you)")(
      "plugin", po::value<std::string>()->value_name("FILE"),
      "the foyer plugin module (default: beside this program, ../lib/foyer_plugin.so, "
      "or ../lib/foyer/foyer_plugin.so when packaged)")(
      "force", po::bool_switch(), "replace an existing configuration (the CA is kept)");
  return options;
}

SetupPlan PlanFromOptions(const po::variables_map& values, const EnvFunction& env,
                          const HostNames& detected) {
  SetupPlan plan;
  bool root = geteuid() == 0;
  std::string home = HomeDirectory(env);
  auto text = [&](const char* name, const std::string& fallback) {
    return values.count(name) ? values[name].as<std::string>() : fallback;
  };
  plan.household_name = text("household", plan.household_name);
  plan.data_dir = text("data-dir", root ? "/var/lib/foyer" : home + "/.local/share/foyer");
  plan.config_dir = text("config-dir", root ? "/etc/foyer" : home + "/.config/foyer");
  if (values.count("key-file") && values.count("passphrase-file")) {
    throw UsageError("give --key-file or --passphrase-file, not both");
  }
  plan.key_file = text("key-file", "");
  plan.passphrase_file = text("passphrase-file", "");
  plan.use_passphrase = !plan.passphrase_file.empty();
  plan.mqtts_port = values["mqtts-port"].as<int>();
  plan.wss_port = values["wss-port"].as<int>();
  plan.https_port = values["https-port"].as<int>();
  plan.local_mqtt_port = values["mqtt-port"].as<int>();
  plan.local_ws_port = values["ws-port"].as<int>();
  plan.local_http_port = values["http-port"].as<int>();
  plan.listen_address = text("listen", DefaultListenAddress());
  std::string tls = values["tls"].as<std::string>();
  if (tls != "generate" && tls != "files") throw UsageError("--tls must be generate or files");
  plan.generate_tls = tls == "generate";
  auto list = [&](const char* name, const std::vector<std::string>& fallback) {
    return values.count(name) ? values[name].as<std::vector<std::string>>() : fallback;
  };
  plan.dns_names = list("hostname", detected.dns_names);
  plan.ip_addresses = list("ip", detected.ip_addresses);
  plan.public_host = text("public-host", DefaultPublicHost(plan.dns_names, plan.ip_addresses));
  plan.tls_cert = text("tls-cert", "");
  plan.tls_key = text("tls-key", "");
  plan.tls_ca = text("tls-ca", "");
  if (!plan.generate_tls && plan.public_host.empty()) plan.public_host = text("hostname", "");
  plan.run_user = text("run-user", DefaultRunUser());
  plan.plugin_path = text("plugin", DefaultPluginPath());
  plan.force = values["force"].as<bool>();
  return plan;
}

int RunSetup(const std::vector<std::string>& args, Context& context) {
  po::variables_map values;
  if (!ParseOrHelp(args, "setup [options]", SetupOptionsDescription(), {}, &values, context)) {
    return kExitOk;
  }
  SetupPlan plan = PlanFromOptions(values, context.env, DetectHostNames());
  bool interactive = !values["non-interactive"].as<bool>();
  if (interactive) {
    if (context.in != &std::cin || isatty(STDIN_FILENO) != 1) {
      throw UsageError("setup asks questions on a terminal: use --non-interactive with flags");
    }
    Prompter prompter(context.in, context.out, TerminalSecretReader());
    Status status = RunWizard(&prompter, &plan);
    if (!status.ok()) return ReportError(context, status);
  }
  Status status = CheckPlan(plan);
  if (!status.ok()) {
    if (!interactive) throw UsageError(status.message());
    return ReportError(context, status);
  }
  SetupResult result;
  status = ApplyPlan(plan, &result);
  crypto::Wipe(&plan.passphrase);
  if (!status.ok()) return ReportError(context, status);
  if (context.global.json) {
    PrintJson(context, {{"foyer_conf", result.foyer_conf},
                        {"mosquitto_conf", result.mosquitto_conf},
                        {"tls_cert", result.tls_cert},
                        {"tls_key", result.tls_key},
                        {"ca_cert", result.ca_cert},
                        {"ca_fingerprint", result.ca_fingerprint},
                        {"reused_ca", result.reused_ca},
                        {"public_url",
                         "https://" + plan.public_host + ":" + std::to_string(plan.https_port)}});
  } else {
    PrintNextSteps(plan, result, *context.out);
  }
  return kExitOk;
}

}  // namespace admin
}  // namespace foyer
