// Readings from /proc and the file system: CPU time of a process (sum of its
// threads' schedstat run times), resident size, and bytes under a directory.
// All functions return 0 when the process or directory is gone.
#ifndef FOYER_BENCH_PROC_STATS_H_
#define FOYER_BENCH_PROC_STATS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace foyer {
namespace bench {

// Monotonic clock in nanoseconds.
int64_t NowNs();

// Sum over /proc/<pid>/task/*/schedstat of the first field (ns on a CPU).
// Threads that ended before the call are not counted: read it while the
// process is running and keep its thread set stable (mosquitto's is).
uint64_t CpuNs(pid_t pid);
// VmRSS of /proc/<pid>/status, in bytes.
uint64_t ResidentBytes(pid_t pid);
// Its parts: RssAnon (heap, stacks) and RssFile (mapped files: the program,
// its libraries, and LevelDB's memory-mapped tables, which the kernel may
// drop under memory pressure).
struct Resident {
  uint64_t total = 0;
  uint64_t anonymous = 0;
  uint64_t file = 0;
};
Resident ResidentParts(pid_t pid);
// Sum of the sizes of the regular files below `directory`.
uint64_t DirectoryBytes(const std::string& directory);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_PROC_STATS_H_
