// A login storm: from `first_ns` until `end_ns`, every `period_seconds`, a
// thread opens `logins` new MQTT connections at once (the household's
// accounts in turn, client ids "<user>:storm<k>"), waits for every CONNACK,
// then disconnects them. It runs on its own thread, beside a paced run.
#ifndef FOYER_BENCH_STORM_H_
#define FOYER_BENCH_STORM_H_

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "household.h"

namespace foyer {
namespace bench {

class Storm {
 public:
  Storm(const Household& household, int port, int logins, double period_seconds, int64_t first_ns,
        int64_t end_ns);
  ~Storm();
  void Join();

  // True when `time_ns` falls in [storm start, storm start + window_ns).
  bool InWindow(int64_t time_ns, int64_t window_ns) const;
  const std::vector<int64_t>& login_ns() const { return login_ns_; }
  uint64_t failures() const { return failures_; }

 private:
  void Main();
  void Burst(int burst);

  const Household& household_;
  int port_;
  int logins_;
  int64_t period_ns_;
  int64_t first_ns_;
  int64_t end_ns_;
  std::vector<int64_t> starts_ns_;
  std::vector<int64_t> login_ns_;
  uint64_t failures_ = 0;
  std::thread thread_;
};

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_STORM_H_
