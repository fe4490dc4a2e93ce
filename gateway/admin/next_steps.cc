// The text `foyer-admin setup` prints at the end.
#include <ostream>

#include "setup_wizard.h"

namespace foyer {
namespace admin {

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

void PrintNextSteps(const SetupPlan& plan, const SetupResult& result, std::ostream& out) {
  std::string host = plan.public_host.find(':') != std::string::npos ? "[" + plan.public_host + "]"
                                                                     : plan.public_host;
  std::string web = "https://" + host + ":" + std::to_string(plan.https_port);
  std::string invite_file = plan.data_dir + "/admin-invite";
  out << "\nFoyer is configured.\n"
      << "  configuration   " << result.foyer_conf << "\n"
      << "                  " << result.mosquitto_conf << "\n"
      << "  data            " << plan.data_dir << "\n"
      << "  certificate     " << result.tls_cert << "\n";
  if (plan.generate_tls) {
    out << "                  for " << Join(plan.dns_names)
        << (plan.dns_names.empty() || plan.ip_addresses.empty() ? "" : ", ")
        << Join(plan.ip_addresses) << "\n";
  }
  if (!result.ca_cert.empty()) {
    out << "  household CA    " << result.ca_cert << (result.reused_ca ? " (kept)" : " (new)")
        << "\n                  SHA-256 " << result.ca_fingerprint << "\n";
  }
  out << "  master key      "
      << (plan.use_passphrase
              ? "passphrase in " + plan.passphrase_file
              : (plan.key_file.empty() ? plan.data_dir + "/master.key" : plan.key_file) +
                    " (made at the first start)")
      << "\n\n1. Start the broker and the gateway (as root, mosquitto switches to user "
      << (plan.run_user.empty() ? "root" : plan.run_user) << "):\n"
      << "     mosquitto -c " << result.mosquitto_conf << "\n"
      << "     foyer-gateway --config " << result.foyer_conf << "\n\n"
      << "2. The first start writes the admin's one-time invite to " << invite_file << ".\n"
      << "   Register the admin in a browser that trusts the household CA:\n"
      << "     " << web << "/#invite=<the code>\n"
      << "   or with foyer-cli on this machine:\n"
      << "     foyer-cli --server mqtt://127.0.0.1:" << plan.local_mqtt_port
      << " --user admin register --invite \"$(cat " << invite_file << ")\"\n"
      << "   then make an admin token for foyer-admin and curl:\n"
      << "     foyer-admin token create --server mqtt://127.0.0.1:" << plan.local_mqtt_port
      << " --user admin > admin.token\n\n"
      << "3. On the fibre box: nothing to open for use inside the house. To reach Foyer\n"
      << "   from outside, forward TCP " << plan.mqtts_port << " (MQTT/TLS), " << plan.wss_port
      << " (secure WebSockets) and " << plan.https_port << " (HTTPS)\n"
      << "   to this machine";
  if (plan.public_host.find_first_not_of("0123456789.") == std::string::npos) {
    out << " (" << plan.public_host << "; give it a fixed lease in the box's DHCP settings)";
  }
  out << ".\n   Never forward " << plan.local_mqtt_port << ", " << plan.local_ws_port << " or "
      << plan.local_http_port << ": they serve this machine only.\n\n"
      << "4. Give the family this address: " << web << "\n"
      << "   Devices and scripts use mqtts://" << host << ":" << plan.mqtts_port << "\n\n";
  if (!result.ca_cert.empty()) {
    out << "5. Trust the household CA once on each phone and computer: send them\n"
        << "   " << result.ca_cert << " (never the .key file), then\n"
        << "   - Android: Settings > Security > Encryption & credentials > Install a\n"
        << "     certificate > CA certificate, and pick the file;\n"
        << "   - iPhone/iPad: open the file, install the profile in Settings > General >\n"
        << "     VPN & Device Management, then turn on full trust in Settings > General >\n"
        << "     About > Certificate Trust Settings;\n"
        << "   - a computer: import it into the browser's or the system's authorities.\n"
        << "   Check that the SHA-256 fingerprint the phone shows is the one above.\n";
    if (plan.generate_tls) {
      out << "   Keep " << plan.config_dir << "/tls/ca.key secret (best: offline); it is only\n"
          << "   needed to make a new server certificate (run setup again with --force).\n";
    }
  }
  out << "\nBack up the master key apart from the data: without it no backup can be\n"
         "opened (docs/setup.md).\n";
}

}  // namespace admin
}  // namespace foyer
