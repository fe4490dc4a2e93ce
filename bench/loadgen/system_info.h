// The machine and versions a report was made on.
#ifndef FOYER_BENCH_SYSTEM_INFO_H_
#define FOYER_BENCH_SYSTEM_INFO_H_

#include <string>

namespace foyer {
namespace bench {

struct SystemInfo {
  std::string date;  // UTC, ISO 8601
  std::string cpu;
  int cores = 0;
  long memory_mb = 0;
  std::string kernel;
  std::string mosquitto;     // broker version
  std::string libmosquitto;  // client library version
  std::string commit;        // git describe of `source_dir` ("unknown" outside git)
};

SystemInfo ReadSystemInfo(const std::string& source_dir);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_SYSTEM_INFO_H_
