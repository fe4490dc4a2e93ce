#include "files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace foyer {
namespace admin {

namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Status WriteFileAtomic(const std::string& path, const std::string& content, unsigned mode) {
  std::string pattern = path + ".tmp-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  // mkstemp creates the file 0600; narrow or widen it before any byte lands.
  int fd = mkstemp(name.data());
  if (fd < 0) return Errno("cannot create a file next to", path);
  std::string temp(name.data());
  Status status;
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) status = Errno("cannot set the mode of", temp);
  size_t written = 0;
  while (status.ok() && written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = Errno("cannot write", temp);
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (status.ok() && fsync(fd) != 0) status = Errno("cannot sync", temp);
  if (close(fd) != 0 && status.ok()) status = Errno("cannot close", temp);
  if (status.ok() && rename(temp.c_str(), path.c_str()) != 0) {
    status = Errno("cannot rename into", path);
  }
  if (!status.ok()) unlink(temp.c_str());
  return status;
}

Status ReadWholeFile(const std::string& path, std::string* content) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::IOError("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream buffer;
  buffer << file.rdbuf();
  if (file.bad()) return Status::IOError("cannot read " + path);
  *content = buffer.str();
  return Status::OK();
}

Status MakeDirectory(const std::string& path, unsigned mode) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return Status::IOError("cannot create the directory " + path + ": " + error.message());
  if (chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    return Errno("cannot set the mode of", path);
  }
  return Status::OK();
}

bool PathExists(const std::string& path) {
  struct stat info;
  return lstat(path.c_str(), &info) == 0;
}

}  // namespace admin
}  // namespace foyer
