// Small files the plugin hands to local tools (the admin invite, the service
// account credential): written 0600, atomically.
#ifndef FOYER_BROKER_PLUGIN_PRIVATE_FILE_H_
#define FOYER_BROKER_PLUGIN_PRIVATE_FILE_H_

#include <string>

#include "foyer/status.h"

namespace foyer {
namespace plugin {

// Writes `text` to `path` with mode 0600 (temporary file, fsync, rename).
Status WritePrivateFile(const std::string& path, const std::string& text);

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_PRIVATE_FILE_H_
