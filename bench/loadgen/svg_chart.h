// A self-contained SVG of latency distributions (CDF, log-scale time axis),
// one line per series. No dependencies: plain text.
#ifndef FOYER_BENCH_SVG_CHART_H_
#define FOYER_BENCH_SVG_CHART_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace foyer {
namespace bench {

// `series`: name -> latencies in ns (any order). Empty series are skipped.
std::string LatencyCdfSvg(const std::map<std::string, std::vector<int64_t>>& series,
                          const std::string& title);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_SVG_CHART_H_
