// The figures that need a full store: the household's data directory is
// filled with `stored_messages` real envelopes, offline with the plugin's
// record layout (offline_fill.h) or through the broker at saturation
// (--fill-through-broker), then left to settle (a broker runs on it until
// idle: LevelDB compacts), then the broker is restarted on it to measure the
// cold start to the first accepted login, resident memory with every user
// connected, history pages, and bytes on disk per message.
#ifndef FOYER_BENCH_STORE_FIGURES_H_
#define FOYER_BENCH_STORE_FIGURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "bench_options.h"
#include "household.h"
#include "rounds.h"

namespace foyer {
namespace bench {

struct StoreFigures {
  uint64_t stored = 0;
  double fill_seconds = 0;
  bool fill_offline = false;           // written through foyer::Store, not the broker
  double settle_seconds = 0;           // broker run until LevelDB's compactions are done
  double cold_start_ms = 0;
  uint64_t foyer_rss_bytes = 0;        // 25 users connected, after the history requests
  uint64_t foyer_rss_connected_bytes = 0;  // 25 users connected, before them
  uint64_t foyer_rss_anon_bytes = 0;   // parts of foyer_rss_bytes (see proc_stats.h)
  uint64_t foyer_rss_file_bytes = 0;
  uint64_t stock_rss_bytes = 0;        // stock mosquitto, 25 users connected
  double history_broker_cpu_us = 0;    // broker CPU per history request
  std::vector<int64_t> history_ns;     // request to answer
  double history_p50_ms = 0, history_p99_ms = 0, history_max_ms = 0;
  uint64_t disk_bytes = 0;             // data directory after the fill
  uint64_t empty_disk_bytes = 0;       // the same before
  double disk_bytes_per_message = 0;
};

Status MeasureStore(const BenchOptions& options, const Household& household,
                    const StockFiles& stock, const std::string& foyer_template_dir,
                    StoreFigures* figures);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_STORE_FIGURES_H_
