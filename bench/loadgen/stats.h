// Order statistics for the report.
#ifndef FOYER_BENCH_STATS_H_
#define FOYER_BENCH_STATS_H_

#include <cstdint>
#include <vector>

namespace foyer {
namespace bench {

// Nearest-rank percentile (p in 0..100) of `values`; 0 when empty.
double Percentile(std::vector<int64_t> values, double p);
double Percentile(std::vector<double> values, double p);
double Median(const std::vector<double>& values);

struct Spread {
  double median = 0;
  double min = 0;
  double max = 0;
};
Spread SpreadOf(const std::vector<double>& values);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_STATS_H_
