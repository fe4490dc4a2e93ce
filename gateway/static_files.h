// Static files of the web client: path checks and MIME types.
//
// ResolveStaticPath maps a request path to a regular file inside the web
// root, or refuses it: "..", "." and empty segments, backslashes, NUL and
// other control characters, any '%' left after the server's one decoding
// (double encoding), dot-files, and anything whose real path (symlinks
// resolved) lies outside the real web root. A directory maps to its
// index.html, never to a listing.
#ifndef FOYER_GATEWAY_STATIC_FILES_H_
#define FOYER_GATEWAY_STATIC_FILES_H_

#include <string>
#include <string_view>

#include "foyer/status.h"

namespace foyer {
namespace gateway {

// `request_path` is the decoded path ("/", "/app.js", "/assets/x.css").
// Invalid for a malformed or unsafe path, NotFound when no such file (or a
// directory without index.html), Denied when it resolves outside the root.
Status ResolveStaticPath(const std::string& web_root, std::string_view request_path,
                         std::string* file);

// The Content-Type for a file name ("application/octet-stream" if unknown).
std::string MimeType(std::string_view file_name);

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_STATIC_FILES_H_
