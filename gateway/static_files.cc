#include "static_files.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <memory>

namespace foyer {
namespace gateway {

namespace {

constexpr size_t kMaxPathBytes = 1024;

bool RealPath(const std::string& path, std::string* out) {
  std::unique_ptr<char, decltype(&::free)> resolved(::realpath(path.c_str(), nullptr), &::free);
  if (!resolved) return false;
  *out = resolved.get();
  return true;
}

bool IsRegularFile(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

bool IsDirectory(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

Status CheckSegments(std::string_view path) {
  if (path.empty() || path[0] != '/') return Status::Invalid("the path must start with /");
  if (path.size() > kMaxPathBytes) return Status::Invalid("the path is too long");
  for (char c : path) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return Status::Invalid("control character in the path");
    if (c == '\\') return Status::Invalid("backslash in the path");
    if (c == '%') return Status::Invalid("encoded characters left in the path");
  }
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string_view::npos ? path.size() : slash;
    std::string_view segment = path.substr(start, end - start);
    bool last = end == path.size();
    if (segment.empty() && !last) return Status::Invalid("empty segment in the path");
    if (!segment.empty() && segment[0] == '.') {
      return Status::Invalid("'.', '..' and dot-files are not served");
    }
    start = end + 1;
  }
  return Status::OK();
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

Status ResolveStaticPath(const std::string& web_root, std::string_view request_path,
                         std::string* file) {
  Status status = CheckSegments(request_path);
  if (!status.ok()) return status;
  std::string root;
  if (!RealPath(web_root, &root) || !IsDirectory(root)) {
    return Status::NotFound("the web client is not built (no web root " + web_root + ")");
  }
  std::string candidate = root + std::string(request_path);
  if (IsDirectory(candidate)) {
    if (!EndsWith(candidate, "/")) candidate += "/";
    candidate += "index.html";
  }
  std::string real;
  if (!RealPath(candidate, &real)) return Status::NotFound("no such file");
  if (real.compare(0, root.size() + 1, root + "/") != 0) {
    return Status::Denied("the path leads outside the web root");
  }
  if (!IsRegularFile(real)) return Status::NotFound("no such file");
  *file = real;
  return Status::OK();
}

std::string MimeType(std::string_view name) {
  struct Entry {
    const char* extension;
    const char* type;
  };
  static const Entry kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".wasm", "application/wasm"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
      {".woff2", "font/woff2"},
  };
  for (const Entry& entry : kTypes) {
    if (EndsWith(name, entry.extension)) return entry.type;
  }
  return "application/octet-stream";
}

}  // namespace gateway
}  // namespace foyer
