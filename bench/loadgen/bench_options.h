// What one benchmark invocation does (set by main from the command line).
#ifndef FOYER_BENCH_BENCH_OPTIONS_H_
#define FOYER_BENCH_BENCH_OPTIONS_H_

#include <cstdint>
#include <string>

namespace foyer {
namespace bench {

struct BenchOptions {
  bool quick = false;
  bool stock_only = false;         // no plugin: stock-a against stock-b only
  bool foyer_only = false;         // only the foyer runs (for profiling the plugin)
  bool skip_store = false;         // skip figures 5-8 (no fill)
  bool fill_through_broker = false;  // fill the store through the broker (slow) instead of offline
  int rounds = 5;                  // each: stock-a, stock-b, foyer in a shuffled order
  size_t users = 25;               // flows: users publishers -> users subscribers
  size_t body_bytes = 200;         // envelope body (ciphertext) size
  double paced_rate = 1000;        // messages per second, all flows
  double paced_seconds = 6;        // measured, per paced run
  double warmup_seconds = 0.5;
  double saturation_seconds = 5;
  int window = 8;                  // closed loop: undelivered messages per publisher
  int storm_logins = 50;
  uint64_t stored_messages = 1000000;  // history / memory / cold start / disk
  int history_requests = 400;
  size_t history_page = 50;
  uint32_t seed = 0;               // shuffle seed (0: from the clock)

  std::string template_path;   // config/mosquitto.conf.in
  std::string plugin_path;     // foyer_plugin.so
  std::string work_dir;        // scratch: configs, logs, data directories
  std::string output_dir;      // report.md, report.json, latency-cdf.svg
  std::string source_dir;      // the repository (for the version line)
};

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_BENCH_OPTIONS_H_
