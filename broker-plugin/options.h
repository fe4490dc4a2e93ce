// The plugin's options, read from `plugin_opt_<name> <value>` lines of
// mosquitto.conf.
#ifndef FOYER_BROKER_PLUGIN_OPTIONS_H_
#define FOYER_BROKER_PLUGIN_OPTIONS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "foyer/status.h"

namespace foyer {
namespace plugin {

struct PluginOptions {
  // Directory of the store and of the admin-invite file (required).
  std::string data_dir;
  // Master key file; empty means `data_dir`/master.key.
  std::string key_file;
  // When set, the master key is derived from the passphrase held in this file
  // (first line) instead of a key file.
  std::string passphrase_file;
  // Lifetime of invites, seconds (also the default of the `invite` request).
  uint64_t invite_ttl_s = 604800;
  // Accounts of role admin or member, invited or registered.
  uint64_t max_people = 25;
  // Accounts of role device, invited or registered.
  uint64_t max_devices = 25;
  // Period of the store's background sync, milliseconds.
  uint64_t sync_ms = 1000;
  // Where the service account's credential is written at each start (mode
  // 0600); empty means `data_dir`/gateway.key. The gateway reads it.
  std::string gateway_key_file;
  // Files (docs/protocol.md §10): the largest file, bytes of plaintext.
  uint64_t max_file_bytes = 20971520;
  // Bytes of files (complete and pending, by plaintext size) one account may
  // have uploaded.
  uint64_t file_quota_bytes = 1073741824;
  // An upload without a request for this long is deleted, seconds.
  uint64_t file_upload_timeout_s = 600;
};

// Parses (name, value) pairs, names without the `plugin_opt_` prefix. Unknown
// names, bad numbers and a missing data_dir are refused with a clear reason.
// `config` names Foyer's shared INI file (config/foyer.conf): its top-level
// keys (the same names as the plugin_opt_ ones) are read first, its
// [sections] (other programs' options) are ignored, and every plugin_opt_
// given beside it overrides it, wherever it appears.
Status ParseOptions(const std::vector<std::pair<std::string, std::string>>& pairs,
                    PluginOptions* out);

// Reads the passphrase file (its first line, without the line end).
Status ReadPassphraseFile(const std::string& path, std::string* passphrase);

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_OPTIONS_H_
