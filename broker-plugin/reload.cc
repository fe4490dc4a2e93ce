// Server::Reload (server.h): the options mosquitto's SIGHUP may change.
#include <string>
#include <vector>

#include "server.h"

namespace foyer {
namespace plugin {

void Server::Reload(PluginOptions fresh) {
  // These shape what was opened at start (the store, its key, its sync
  // thread, the service credential's file): changing them needs a restart.
  std::vector<std::string> kept;
  auto keep = [&kept](auto* fresh_value, const auto& current, const char* name) {
    if (*fresh_value != current) {
      kept.push_back(name);
      *fresh_value = current;
    }
  };
  keep(&fresh.data_dir, options_.data_dir, "data_dir");
  keep(&fresh.key_file, options_.key_file, "key_file");
  keep(&fresh.passphrase_file, options_.passphrase_file, "passphrase_file");
  keep(&fresh.gateway_key_file, options_.gateway_key_file, "gateway_key_file");
  keep(&fresh.sync_ms, options_.sync_ms, "sync_ms");
  options_ = std::move(fresh);

  std::string text = "foyer: configuration reloaded (invite_ttl " +
                     std::to_string(options_.invite_ttl_s) + " s, max_people " +
                     std::to_string(options_.max_people) + ", max_devices " +
                     std::to_string(options_.max_devices) + ")";
  Log(LogLevel::kNotice, text);
  if (!kept.empty()) {
    std::string names;
    for (const std::string& name : kept) names += (names.empty() ? "" : ", ") + name;
    Log(LogLevel::kWarning, "foyer: " + names +
                                " changed in the configuration: takes effect at the next "
                                "restart of mosquitto");
  }
}

}  // namespace plugin
}  // namespace foyer
