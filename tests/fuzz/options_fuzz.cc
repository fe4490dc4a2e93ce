// Fuzzes the plugin's configuration: plugin_opt_ lines ("name value" per
// line) and the shared INI file (config/foyer.conf) they may point to, read
// through Boost.Program_options. Never crashes; an accepted configuration
// always names a data directory and numbers within their ranges.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace plugin = foyer::plugin;
  // A plain buffer, so that the exit handler never sees a destroyed string.
  static char config_path[] = "/tmp/foyer-fuzz-conf-XXXXXX";
  static bool made = [] {
    int fd = mkstemp(config_path);
    if (fd >= 0) close(fd);
    std::atexit([] { std::remove(config_path); });
    return fd >= 0;
  }();
  if (!made) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  // Half the inputs are an INI file, half plugin_opt_ lines.
  std::vector<std::pair<std::string, std::string>> pairs;
  if (size > 0 && data[0] % 2 == 0) {
    std::ofstream(config_path, std::ios::trunc | std::ios::binary) << text.substr(1);
    pairs.emplace_back("config", config_path);
  } else {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      size_t space = line.find(' ');
      pairs.emplace_back(line.substr(0, space),
                         space == std::string::npos ? "" : line.substr(space + 1));
    }
  }
  plugin::PluginOptions options;
  if (plugin::ParseOptions(pairs, &options).ok()) {
    if (options.data_dir.empty() || options.max_people > 25 || options.max_devices > 25 ||
        options.sync_ms > 60000 || options.invite_ttl_s < 60) {
      std::abort();
    }
  }
  std::string passphrase;
  plugin::ReadPassphraseFile(config_path, &passphrase);
  return 0;
}
