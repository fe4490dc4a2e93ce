#include "private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace foyer {
namespace plugin {

Status WritePrivateFile(const std::string& path, const std::string& text) {
  std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot create " + temporary);
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(temporary.c_str(), path.c_str()) != 0) {
    ::unlink(temporary.c_str());
    return Status::IOError("cannot write " + path);
  }
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
