// Small file helpers for foyer-admin.
#ifndef FOYER_GATEWAY_ADMIN_FILES_H_
#define FOYER_GATEWAY_ADMIN_FILES_H_

#include <string>

#include "foyer/status.h"

namespace foyer {
namespace admin {

// Writes `content` to `path` with permission bits `mode`, atomically: a
// temporary file in the same directory (created with `mode`, so a secret is
// never readable by others, even briefly), fsync, rename.
Status WriteFileAtomic(const std::string& path, const std::string& content, unsigned mode);

// Reads a whole file. IOError naming the path when it cannot be read.
Status ReadWholeFile(const std::string& path, std::string* content);

// Creates `path` and its parents if missing, and sets its mode to `mode`.
Status MakeDirectory(const std::string& path, unsigned mode);

// True when `path` exists (any kind of file).
bool PathExists(const std::string& path);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_FILES_H_
