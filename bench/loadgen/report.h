// Turns the raw figures into the eight results of issue 5 (medians of
// per-round ratios with min-max, against their targets) and writes them:
// a plain-text table (stdout), report.md and report.json (machine, versions,
// options, every run's raw figures).
#ifndef FOYER_BENCH_REPORT_H_
#define FOYER_BENCH_REPORT_H_

#include <string>
#include <vector>

#include "bench_options.h"
#include "rounds.h"
#include "stats.h"
#include "store_figures.h"

namespace foyer {
namespace bench {

struct Figure {
  int number = 0;
  std::string name;
  std::string value;    // as printed
  std::string target;   // as printed
  double measured = 0;  // the number compared with the target
  bool met = false;
  std::string detail;   // min-max, absolute figures, control
  bool in_run = true;   // false: not part of this run (--stock-only, --skip-store)
};

struct Summary {
  Spread cpu_ratio, cpu_normalised_ratio, p50_ratio, p99_ratio, max_ratio, saturation_ratio;
  Spread control_cpu_ratio, control_p99_ratio, control_saturation_ratio, control_cpu_normalised_ratio;
  Spread storm_ratio, stock_storm_ratio;
  std::vector<Figure> figures;
};

Summary Summarise(const BenchOptions& options, const std::vector<RunFigures>& runs,
                  const StoreFigures& store);

std::string TextTable(const Summary& summary);
Status WriteReports(const BenchOptions& options, const std::vector<RunFigures>& runs,
                    const StoreFigures& store, const Summary& summary, double total_seconds);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_REPORT_H_
