#include "proc_stats.h"

#include <time.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace foyer {
namespace bench {

int64_t NowNs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

uint64_t CpuNs(pid_t pid) {
  namespace fs = std::filesystem;
  std::error_code error;
  uint64_t total = 0;
  const fs::path tasks = fs::path("/proc") / std::to_string(pid) / "task";
  for (fs::directory_iterator it(tasks, error), end; !error && it != end; it.increment(error)) {
    std::ifstream schedstat(it->path() / "schedstat");
    uint64_t run_ns = 0;
    if (schedstat >> run_ns) total += run_ns;
  }
  return total;
}

Resident ResidentParts(pid_t pid) {
  Resident resident;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  auto bytes_of = [&line](size_t label) {
    std::istringstream fields(line.substr(label));
    uint64_t kib = 0;
    fields >> kib;
    return kib * 1024;
  };
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) resident.total = bytes_of(6);
    if (line.rfind("RssAnon:", 0) == 0) resident.anonymous = bytes_of(8);
    if (line.rfind("RssFile:", 0) == 0) resident.file = bytes_of(8);
  }
  return resident;
}

uint64_t ResidentBytes(pid_t pid) { return ResidentParts(pid).total; }

uint64_t DirectoryBytes(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  uint64_t total = 0;
  for (fs::recursive_directory_iterator it(directory, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error)) total += it->file_size(error);
  }
  return total;
}

}  // namespace bench
}  // namespace foyer
