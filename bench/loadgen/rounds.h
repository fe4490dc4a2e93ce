// The interleaved rounds: in each round, stock-a, stock-b (the control: same
// broker, same config) and foyer run in a shuffled order, each on a fresh
// broker (Foyer on a fresh copy of the household's data directory): a paced
// run, a paced run with login storms, then a closed-loop saturation run.
#ifndef FOYER_BENCH_ROUNDS_H_
#define FOYER_BENCH_ROUNDS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench_options.h"
#include "envelope_pool.h"
#include "household.h"

namespace foyer {
namespace bench {

// One configuration's figures in one round. Times in ms, CPU in µs.
struct RunFigures {
  std::string config;  // "stock-a", "stock-b", "foyer"
  int round = 0;
  int position = 0;    // order inside the round
  uint64_t paced_sent = 0, paced_lost = 0, refused = 0;
  double broker_cpu_us_per_msg = 0;   // paced
  double loadgen_cpu_us_per_msg = 0;  // paced
  double cpu_normalised = 0;          // broker CPU / load generator CPU, paced
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double storm_p99_ms = 0;            // messages due in storm windows
  double storm_run_p99_ms = 0;        // the whole storm run
  uint64_t storm_window_messages = 0;
  double login_p50_ms = 0, login_max_ms = 0;
  uint64_t login_failures = 0;
  double saturation_msgs_per_s = 0;
  double saturation_broker_cpu_us_per_msg = 0;
  uint64_t saturation_lost = 0;
};

struct StockFiles {
  std::string password_file;
  std::string acl_file;
};

// Latencies (ns) of the paced runs, pooled per configuration, for the chart.
using LatencyPool = std::map<std::string, std::vector<int64_t>>;

Status RunRounds(const BenchOptions& options, const Household& household, EnvelopePool* pool,
                 const StockFiles& stock, const std::string& foyer_template_dir,
                 std::vector<RunFigures>* runs, LatencyPool* latencies);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_ROUNDS_H_
