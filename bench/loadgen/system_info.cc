#include "system_info.h"

#include <mosquitto.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

#ifndef FOYER_MOSQUITTO_EXECUTABLE
#define FOYER_MOSQUITTO_EXECUTABLE "/usr/sbin/mosquitto"
#endif

namespace foyer {
namespace bench {

namespace {

// First line of a command's output, trimmed.
std::string FirstLine(const std::string& command) {
  std::string line;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return line;
  char buffer[256];
  if (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) line = buffer;
  pclose(pipe);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

}  // namespace

SystemInfo ReadSystemInfo(const std::string& source_dir) {
  SystemInfo info;
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  info.date = date;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0 && info.cpu.empty()) {
      info.cpu = line.substr(line.find(':') + 2);
    }
  }
  info.cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  info.memory_mb = sysconf(_SC_PHYS_PAGES) / 1024 * sysconf(_SC_PAGESIZE) / 1024;
  utsname name;
  if (uname(&name) == 0) info.kernel = std::string(name.release) + " " + name.machine;
  std::string version = FirstLine(std::string(FOYER_MOSQUITTO_EXECUTABLE) + " -h 2>&1");
  const size_t at = version.find("version ");
  info.mosquitto = at == std::string::npos ? version : version.substr(at + 8);
  int major = 0, minor = 0, revision = 0;
  mosquitto_lib_version(&major, &minor, &revision);
  info.libmosquitto = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(revision);
  info.commit = FirstLine("git -C '" + source_dir + "' describe --always --dirty 2>/dev/null");
  if (info.commit.empty()) info.commit = "unknown";
  return info;
}

}  // namespace bench
}  // namespace foyer
