#include "report.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "system_info.h"

namespace foyer {
namespace bench {

namespace {

using nlohmann::json;

std::string Format(const char* format, double a, double b = 0, double c = 0) {
  char text[160];
  std::snprintf(text, sizeof(text), format, a, b, c);
  return text;
}

// Ratio of `field` between two configurations, one value per round.
template <typename Field>
std::vector<double> RoundRatios(const std::vector<RunFigures>& runs, const std::string& top,
                                const std::string& bottom, Field field) {
  std::map<int, double> numerators, denominators;
  for (const RunFigures& run : runs) {
    if (run.config == top) numerators[run.round] = field(run);
    if (run.config == bottom) denominators[run.round] = field(run);
  }
  std::vector<double> ratios;
  for (const auto& [round, numerator] : numerators) {
    auto it = denominators.find(round);
    if (it != denominators.end() && it->second > 0) ratios.push_back(numerator / it->second);
  }
  return ratios;
}

std::vector<double> Values(const std::vector<RunFigures>& runs, const std::string& config,
                           double (*field)(const RunFigures&)) {
  std::vector<double> values;
  for (const RunFigures& run : runs) {
    if (run.config == config) values.push_back(field(run));
  }
  return values;
}

std::string RatioText(const Spread& spread) {
  return Format("%.2f (%.2f-%.2f)", spread.median, spread.min, spread.max);
}

json SpreadJson(const Spread& spread) {
  return {{"median", spread.median}, {"min", spread.min}, {"max", spread.max}};
}

}  // namespace

Summary Summarise(const BenchOptions& options, const std::vector<RunFigures>& runs,
                  const StoreFigures& store) {
  Summary s;
  auto cpu = [](const RunFigures& r) { return r.broker_cpu_us_per_msg; };
  auto cpu_norm = [](const RunFigures& r) { return r.cpu_normalised; };
  auto p50 = [](const RunFigures& r) { return r.p50_ms; };
  auto p99 = [](const RunFigures& r) { return r.p99_ms; };
  auto max = [](const RunFigures& r) { return r.max_ms; };
  auto sat = [](const RunFigures& r) { return r.saturation_msgs_per_s; };
  s.cpu_ratio = SpreadOf(RoundRatios(runs, "foyer", "stock-a", cpu));
  s.cpu_normalised_ratio = SpreadOf(RoundRatios(runs, "foyer", "stock-a", cpu_norm));
  s.p50_ratio = SpreadOf(RoundRatios(runs, "foyer", "stock-a", p50));
  s.p99_ratio = SpreadOf(RoundRatios(runs, "foyer", "stock-a", p99));
  s.max_ratio = SpreadOf(RoundRatios(runs, "foyer", "stock-a", max));
  s.saturation_ratio = SpreadOf(RoundRatios(runs, "foyer", "stock-a", sat));
  s.control_cpu_ratio = SpreadOf(RoundRatios(runs, "stock-b", "stock-a", cpu));
  s.control_cpu_normalised_ratio = SpreadOf(RoundRatios(runs, "stock-b", "stock-a", cpu_norm));
  s.control_p99_ratio = SpreadOf(RoundRatios(runs, "stock-b", "stock-a", p99));
  s.control_saturation_ratio = SpreadOf(RoundRatios(runs, "stock-b", "stock-a", sat));
  std::vector<double> storm, stock_storm;
  for (const RunFigures& run : runs) {
    if (run.p99_ms <= 0) continue;
    (run.config == "foyer" ? storm : stock_storm).push_back(run.storm_p99_ms / run.p99_ms);
  }
  s.storm_ratio = SpreadOf(storm);
  s.stock_storm_ratio = SpreadOf(stock_storm);

  auto median_of = [&](const std::string& config, double (*field)(const RunFigures&)) {
    return Median(Values(runs, config, field));
  };
  const double foyer_cpu = median_of("foyer", [](const RunFigures& r) { return r.broker_cpu_us_per_msg; });
  const double stock_cpu = median_of("stock-a", [](const RunFigures& r) { return r.broker_cpu_us_per_msg; });
  const std::string stored = store.stored >= 1000000
                                 ? std::string("1,000,000 stored")
                                 : Format("%.0f stored (quick: not 1,000,000)", store.stored);
  auto add = [&](int number, std::string name, std::string value, std::string target,
                 double measured, bool met, std::string detail) {
    s.figures.push_back(Figure{number, std::move(name), std::move(value), std::move(target),
                               measured, met, std::move(detail)});
  };
  add(1, "Broker CPU per message, paced 1000 msg/s, foyer/stock", RatioText(s.cpu_ratio), "<= 1.20",
      s.cpu_ratio.median, s.cpu_ratio.median <= 1.2,
      Format("foyer %.1f us, stock %.1f us per message; normalised by load generator CPU: ", foyer_cpu,
             stock_cpu) +
          RatioText(s.cpu_normalised_ratio) + "; control stock/stock " + RatioText(s.control_cpu_ratio));
  const double f_p50 = median_of("foyer", [](const RunFigures& r) { return r.p50_ms; });
  const double f_p99 = median_of("foyer", [](const RunFigures& r) { return r.p99_ms; });
  const double f_max = median_of("foyer", [](const RunFigures& r) { return r.max_ms; });
  const double s_p50 = median_of("stock-a", [](const RunFigures& r) { return r.p50_ms; });
  const double s_p99 = median_of("stock-a", [](const RunFigures& r) { return r.p99_ms; });
  const double s_max = median_of("stock-a", [](const RunFigures& r) { return r.max_ms; });
  add(2, "Delivery latency p99 at the paced load, foyer/stock", RatioText(s.p99_ratio), "<= 1.30",
      s.p99_ratio.median, s.p99_ratio.median <= 1.3,
      Format("foyer p50/p99/max %.2f / %.2f / %.2f ms", f_p50, f_p99, f_max) +
          Format(", stock %.2f / %.2f / %.2f ms", s_p50, s_p99, s_max) + "; control p99 " +
          RatioText(s.control_p99_ratio));
  const double f_sat = median_of("foyer", [](const RunFigures& r) { return r.saturation_msgs_per_s; });
  const double s_sat = median_of("stock-a", [](const RunFigures& r) { return r.saturation_msgs_per_s; });
  add(3, "Saturation throughput, foyer/stock", RatioText(s.saturation_ratio), ">= 0.85",
      s.saturation_ratio.median, s.saturation_ratio.median >= 0.85,
      Format("foyer %.0f msg/s, stock %.0f msg/s", f_sat, s_sat) + "; control " +
          RatioText(s.control_saturation_ratio));
  const double storm_p99 = median_of("foyer", [](const RunFigures& r) { return r.storm_p99_ms; });
  const double login_p50 = median_of("foyer", [](const RunFigures& r) { return r.login_p50_ms; });
  add(4, "Login storm (50 at once): stream p99 during storms / without", RatioText(s.storm_ratio),
      "<= 2.00", s.storm_ratio.median, s.storm_ratio.median <= 2.0,
      Format("foyer p99 in storm windows %.2f ms, login p50 %.2f ms", storm_p99, login_p50) +
          "; stock under the same storms " + RatioText(s.stock_storm_ratio));
  add(5, "History: 50-message page among " + stored + ", p99",
      Format("%.2f ms", store.history_p99_ms), "<= 2 ms", store.history_p99_ms,
      store.history_p99_ms <= 2.0 && store.history_p99_ms > 0,
      Format("p50 %.2f ms, max %.2f ms", store.history_p50_ms, store.history_max_ms) +
          Format(", %.0f requests; broker CPU %.0f us per request",
                 static_cast<double>(store.history_ns.size()), store.history_broker_cpu_us));
  const double rss_mb = std::max(store.foyer_rss_bytes, store.foyer_rss_connected_bytes) / 1048576.0;
  add(6, "Memory: broker + plugin RSS, 25 users connected, " + stored, Format("%.1f MB", rss_mb),
      "<= 24 MB", rss_mb, rss_mb <= 24 && rss_mb > 0,
      Format("after the history requests: %.1f MB anonymous + %.1f MB file-backed (mosquitto, "
             "the plugin and libraries; LevelDB tables are read, not mapped)",
             store.foyer_rss_anon_bytes / 1048576.0, store.foyer_rss_file_bytes / 1048576.0) +
          Format("; before them %.1f MB; stock mosquitto with the same users %.1f MB",
                 store.foyer_rss_connected_bytes / 1048576.0, store.stock_rss_bytes / 1048576.0));
  add(7, "Cold start to the first accepted login, " + stored, Format("%.0f ms", store.cold_start_ms),
      "<= 1000 ms", store.cold_start_ms, store.cold_start_ms <= 1000 && store.cold_start_ms > 0,
      Format("after the filled store settled (LevelDB compactions done: %.0f s)", store.settle_seconds));
  add(8, "Disk per stored message (200-byte body)", Format("%.0f B", store.disk_bytes_per_message),
      "<= 512 B", store.disk_bytes_per_message,
      store.disk_bytes_per_message <= 512 && store.disk_bytes_per_message > 0,
      Format("%.1f MB for %.0f messages", store.disk_bytes / 1048576.0, static_cast<double>(store.stored)) +
          Format(store.fill_offline ? " (filled offline with the plugin's record layout: %.0f s, "
                                      "%.0f msg/s)"
                                    : " (filled through the broker: %.0f s, %.0f msg/s)",
                 store.fill_seconds, store.fill_seconds > 0 ? store.stored / store.fill_seconds : 0));
  for (Figure& figure : s.figures) {
    if (options.stock_only || (options.skip_store && figure.number >= 5)) {
      figure.in_run = false;
      figure.met = false;
      figure.value = "-";
      figure.detail = "not measured in this run";
    }
  }
  return s;
}

// Why a missed target is missed and what would close it, from the profile of
// the plugin's message path (docs/performance.md, "what is still missed").
// Printed with every missed figure, so a report is read without the docs.
namespace {
std::string WhyMissed(int number) {
  switch (number) {
    case 1:
      return "mosquitto itself spends ~50-60 us per message, so 1.2 leaves the plugin ~12 us; "
             "the plugin's path is still ~55,000 instructions per message (two sealed values "
             "and a LevelDB batch, the dedupe lookup, parsing and writing the envelope), plus "
             "LevelDB's compactions. Would close it: the dedupe record without a sealed value, "
             "then the store's writes off the broker's thread (a writer thread with group "
             "commit); checking, sealing and storing every message on the broker's thread does "
             "not fit in ~12 us.";
    case 2:
      return "on a shared 2-core machine a p99 is mostly a runnable broker waiting for a core "
             "(see the stock/stock control); it follows figure 1. Would close it: figure 1's "
             "changes, judged on a quiet machine or a Pi.";
    case 3:
      return "the broker's CPU per message bounds saturation: it follows figure 1 (and the "
             "control shows how much is noise). Would close it: figure 1's changes.";
    case 4:
      return "the storm's 50 logins and its thread compete with the broker for 2 cores; a login "
             "check is one keyed BLAKE2b. Would close it: a quieter machine; the plugin does "
             "nothing heavy per login.";
    case 5:
      return "a page unseals 50 values (a third of its CPU) and base64-encodes them (a quarter); "
             "the rest of the p99 is waiting for a core. Would close it: a quiet machine; then a "
             "small cache of recently answered pages.";
    case 6:
      return "LevelDB's block cache and write buffer (1 MB each) and mosquitto's own memory. "
             "Would close it: smaller LevelDB buffers.";
    case 7:
      return "LevelDB opens and replays its log at start. Would close it: a smaller write buffer "
             "(shorter log).";
    case 8:
      return "a sealed binary envelope is ~390 bytes for a 200-byte body, plus the dedupe record "
             "(~70 bytes) and LevelDB's index. Would close it: the dedupe record as an unsealed "
             "key.";
    default:
      return "";
  }
}
}  // namespace

std::string TextTable(const Summary& summary) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-3s %-72s %-24s %-10s %s\n", "#", "figure", "measured", "target", "");
  out << line;
  for (const Figure& f : summary.figures) {
    std::snprintf(line, sizeof(line), "%-3d %-72s %-24s %-10s %s\n", f.number, f.name.c_str(),
                  f.value.c_str(), f.target.c_str(), !f.in_run ? "n/a" : f.met ? "met" : "MISSED");
    out << line << "      " << f.detail << '\n';
    if (f.in_run && !f.met) out << "      why missed: " << WhyMissed(f.number) << '\n';
  }
  return out.str();
}

Status WriteReports(const BenchOptions& options, const std::vector<RunFigures>& runs,
                    const StoreFigures& store, const Summary& summary, double total_seconds) {
  const SystemInfo system = ReadSystemInfo(options.source_dir);
  json report;
  report["generated"] = system.date;
  report["quick"] = options.quick;
  report["total_seconds"] = total_seconds;
  report["machine"] = {{"cpu", system.cpu}, {"cores", system.cores}, {"kernel", system.kernel},
                       {"memory_mb", system.memory_mb}};
  report["versions"] = {{"mosquitto", system.mosquitto}, {"libmosquitto", system.libmosquitto},
                        {"foyer_commit", system.commit}};
  report["options"] = {{"rounds", options.rounds}, {"users", options.users},
                       {"body_bytes", options.body_bytes}, {"paced_rate", options.paced_rate},
                       {"paced_seconds", options.paced_seconds},
                       {"warmup_seconds", options.warmup_seconds},
                       {"saturation_seconds", options.saturation_seconds},
                       {"window", options.window}, {"storm_logins", options.storm_logins},
                       {"stored_messages", options.stored_messages},
                       {"history_requests", options.history_requests}, {"seed", options.seed}};
  json figures = json::array();
  for (const Figure& f : summary.figures) {
    json figure = {{"number", f.number}, {"name", f.name}, {"value", f.value},
                   {"target", f.target}, {"measured", f.measured}, {"met", f.met},
                   {"in_this_run", f.in_run},
                   {"detail", f.detail}};
    if (f.in_run && !f.met) figure["why_missed"] = WhyMissed(f.number);
    figures.push_back(std::move(figure));
  }
  report["figures"] = figures;
  report["ratios"] = {{"cpu", SpreadJson(summary.cpu_ratio)},
                      {"cpu_normalised", SpreadJson(summary.cpu_normalised_ratio)},
                      {"p50", SpreadJson(summary.p50_ratio)}, {"p99", SpreadJson(summary.p99_ratio)},
                      {"max", SpreadJson(summary.max_ratio)},
                      {"saturation", SpreadJson(summary.saturation_ratio)},
                      {"storm", SpreadJson(summary.storm_ratio)},
                      {"stock_storm", SpreadJson(summary.stock_storm_ratio)},
                      {"control_cpu", SpreadJson(summary.control_cpu_ratio)},
                      {"control_cpu_normalised", SpreadJson(summary.control_cpu_normalised_ratio)},
                      {"control_p99", SpreadJson(summary.control_p99_ratio)},
                      {"control_saturation", SpreadJson(summary.control_saturation_ratio)}};
  json raw = json::array();
  for (const RunFigures& r : runs) {
    raw.push_back({{"round", r.round}, {"position", r.position}, {"config", r.config},
                   {"paced_sent", r.paced_sent}, {"paced_lost", r.paced_lost}, {"refused", r.refused},
                   {"broker_cpu_us_per_msg", r.broker_cpu_us_per_msg},
                   {"loadgen_cpu_us_per_msg", r.loadgen_cpu_us_per_msg},
                   {"cpu_normalised", r.cpu_normalised}, {"p50_ms", r.p50_ms}, {"p99_ms", r.p99_ms},
                   {"max_ms", r.max_ms}, {"storm_p99_ms", r.storm_p99_ms},
                   {"storm_run_p99_ms", r.storm_run_p99_ms},
                   {"storm_window_messages", r.storm_window_messages},
                   {"login_p50_ms", r.login_p50_ms}, {"login_max_ms", r.login_max_ms},
                   {"login_failures", r.login_failures},
                   {"saturation_msgs_per_s", r.saturation_msgs_per_s},
                   {"saturation_broker_cpu_us_per_msg", r.saturation_broker_cpu_us_per_msg},
                   {"saturation_lost", r.saturation_lost}});
  }
  report["runs"] = raw;
  report["store"] = {{"stored", store.stored}, {"fill_seconds", store.fill_seconds},
                     {"fill_offline", store.fill_offline},
                     {"settle_seconds", store.settle_seconds},
                     {"cold_start_ms", store.cold_start_ms},
                     {"foyer_rss_bytes", store.foyer_rss_bytes},
                     {"foyer_rss_connected_bytes", store.foyer_rss_connected_bytes},
                     {"foyer_rss_anon_bytes", store.foyer_rss_anon_bytes},
                     {"foyer_rss_file_bytes", store.foyer_rss_file_bytes},
                     {"stock_rss_bytes", store.stock_rss_bytes},
                     {"history_broker_cpu_us", store.history_broker_cpu_us},
                     {"history_p50_ms", store.history_p50_ms}, {"history_p99_ms", store.history_p99_ms},
                     {"history_max_ms", store.history_max_ms}, {"disk_bytes", store.disk_bytes},
                     {"empty_disk_bytes", store.empty_disk_bytes},
                     {"disk_bytes_per_message", store.disk_bytes_per_message}};
  std::ofstream json_out(options.output_dir + "/report.json", std::ios::trunc);
  json_out << report.dump(2) << '\n';

  std::ofstream md(options.output_dir + "/report.md", std::ios::trunc);
  md << "# Foyer benchmark report\n\n"
     << (options.quick ? "**Quick run (smoke test): short runs, small store; not the real figures.**\n\n" : "")
     << "Generated " << system.date << " by `scripts/bench" << (options.quick ? " --quick" : "")
     << "` in " << Format("%.0f", total_seconds) << " s. Method: docs/performance.md.\n\n"
     << "Machine: " << system.cpu << ", " << system.cores << " cores, " << system.memory_mb
     << " MB, Linux " << system.kernel << ". mosquitto " << system.mosquitto << ", libmosquitto "
     << system.libmosquitto << ", foyer " << system.commit << ".\n\n"
     << "Workload: " << options.users << " publishers -> " << options.users
     << " subscribers, QoS 1, " << options.body_bytes << "-byte bodies, paced "
     << Format("%.0f", options.paced_rate) << " msg/s, " << options.rounds
     << " interleaved shuffled rounds of stock-a, stock-b (control) and foyer. Ratios are medians of "
        "per-round ratios, (min-max).\n\n"
     << "| # | figure | measured | target | |\n|---|---|---|---|---|\n";
  for (const Figure& f : summary.figures) {
    md << "| " << f.number << " | " << f.name << " | " << f.value << " | " << f.target << " | "
       << (!f.in_run ? "n/a" : f.met ? "met" : "**missed**") << " |\n";
  }
  md << "\nDetails:\n\n";
  for (const Figure& f : summary.figures) md << f.number << ". " << f.detail << "\n";
  bool any_missed = false;
  for (const Figure& f : summary.figures) any_missed = any_missed || (f.in_run && !f.met);
  if (any_missed) {
    md << "\n## Missed targets: why, and what would close them\n\n"
          "From the profile of the plugin's message path (docs/performance.md).\n\n";
    for (const Figure& f : summary.figures) {
      if (f.in_run && !f.met) md << f.number << ". " << WhyMissed(f.number) << "\n";
    }
  }
  md << "\n![latency CDF](latency-cdf.svg)\n\n## Every run\n\n"
     << "| round | config | CPU us/msg | norm. | p50 ms | p99 ms | max ms | storm p99 ms | login p50 ms "
        "| sat. msg/s | lost |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const RunFigures& r : runs) {
    md << "| " << r.round << " | " << r.config << " | " << Format("%.1f", r.broker_cpu_us_per_msg)
       << " | " << Format("%.2f", r.cpu_normalised) << " | " << Format("%.2f", r.p50_ms) << " | "
       << Format("%.2f", r.p99_ms) << " | " << Format("%.2f", r.max_ms) << " | "
       << Format("%.2f", r.storm_p99_ms) << " | " << Format("%.2f", r.login_p50_ms) << " | "
       << Format("%.0f", r.saturation_msgs_per_s) << " | " << r.paced_lost + r.saturation_lost << " |\n";
  }
  if (!json_out || !md) return Status::IOError("cannot write the reports in " + options.output_dir);
  return Status::OK();
}

}  // namespace bench
}  // namespace foyer
