#include "rounds.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <random>

#include "broker.h"
#include "load_generator.h"
#include "proc_stats.h"
#include "stats.h"

namespace foyer {
namespace bench {

namespace {

constexpr double kNsPerMs = 1e6;

// Copies the household's data directory for one Foyer run.
Status FreshFoyerData(const std::string& template_dir, const std::string& target) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::remove_all(target, error);
  fs::copy(template_dir, target, fs::copy_options::recursive, error);
  if (error) return Status::IOError("cannot copy " + template_dir + ": " + error.message());
  fs::remove(fs::path(target) / "db" / "LOCK", error);
  return Status::OK();
}

Status RunOne(const BenchOptions& options, const Household& household, EnvelopePool* pool,
              const StockFiles& stock, const std::string& foyer_template_dir, RunFigures* figures,
              LatencyPool* latencies) {
  const bool foyer = figures->config == "foyer";
  BrokerOptions broker_options;
  broker_options.kind = foyer ? BrokerKind::kFoyer : BrokerKind::kStock;
  broker_options.name = figures->config + "-r" + std::to_string(figures->round);
  broker_options.template_path = options.template_path;
  broker_options.run_dir = options.work_dir;
  broker_options.plugin_path = options.plugin_path;
  broker_options.password_file = stock.password_file;
  broker_options.acl_file = stock.acl_file;
  if (foyer) {
    broker_options.data_dir = options.work_dir + "/foyer-run-data";
    Status copied = FreshFoyerData(foyer_template_dir, broker_options.data_dir);
    if (!copied.ok()) return copied;
  }
  Broker broker;
  Status status = broker.Start(broker_options);
  if (status.ok()) status = broker.WaitListening(10000);
  LoadGenerator generator(household, pool, broker_options.kind);
  if (status.ok()) status = generator.Connect(broker.port(), broker.pid());
  if (!status.ok()) return Status::FromCode(status.code(), figures->config + ": " + status.message());

  LoadOptions paced;
  paced.rate = options.paced_rate;
  paced.warmup_seconds = options.warmup_seconds;
  paced.seconds = options.paced_seconds;
  LoadResult result;
  status = generator.Run(paced, &result);
  if (!status.ok()) return status;
  const double delivered = std::max<double>(1, static_cast<double>(result.delivered));
  figures->paced_sent = result.sent;
  figures->paced_lost = result.lost;
  figures->broker_cpu_us_per_msg = result.broker_cpu_ns / delivered / 1e3;
  figures->loadgen_cpu_us_per_msg = result.loadgen_cpu_ns / delivered / 1e3;
  figures->cpu_normalised =
      static_cast<double>(result.broker_cpu_ns) / std::max<double>(1, result.loadgen_cpu_ns);
  figures->p50_ms = Percentile(result.latencies_ns, 50) / kNsPerMs;
  figures->p99_ms = Percentile(result.latencies_ns, 99) / kNsPerMs;
  figures->max_ms = Percentile(result.latencies_ns, 100) / kNsPerMs;
  auto& pooled = (*latencies)[figures->config];
  pooled.insert(pooled.end(), result.latencies_ns.begin(), result.latencies_ns.end());

  LoadOptions storm = paced;
  storm.storm_logins = options.storm_logins;
  status = generator.Run(storm, &result);
  if (!status.ok()) return status;
  figures->storm_p99_ms = Percentile(result.storm_latencies_ns, 99) / kNsPerMs;
  figures->storm_run_p99_ms = Percentile(result.latencies_ns, 99) / kNsPerMs;
  figures->storm_window_messages = result.storm_latencies_ns.size();
  figures->login_p50_ms = Percentile(result.login_ns, 50) / kNsPerMs;
  figures->login_max_ms = Percentile(result.login_ns, 100) / kNsPerMs;
  figures->login_failures = result.storm_failures;
  figures->paced_lost += result.lost;

  LoadOptions closed;
  closed.paced = false;
  closed.window = options.window;
  closed.warmup_seconds = options.warmup_seconds;
  closed.seconds = options.saturation_seconds;
  status = generator.Run(closed, &result);
  if (!status.ok()) return status;
  figures->saturation_msgs_per_s = result.seconds > 0 ? result.sent / result.seconds : 0;
  figures->saturation_broker_cpu_us_per_msg =
      result.broker_cpu_ns / std::max<double>(1, static_cast<double>(result.delivered)) / 1e3;
  figures->saturation_lost = result.lost;
  figures->refused = result.refused;
  generator.Close();
  return broker.Stop();
}

}  // namespace

Status RunRounds(const BenchOptions& options, const Household& household, EnvelopePool* pool,
                 const StockFiles& stock, const std::string& foyer_template_dir,
                 std::vector<RunFigures>* runs, LatencyPool* latencies) {
  std::mt19937 shuffle(options.seed);
  for (int round = 1; round <= options.rounds; ++round) {
    std::vector<std::string> order;
    if (!options.foyer_only) order = {"stock-a", "stock-b"};
    if (!options.stock_only) order.push_back("foyer");
    std::shuffle(order.begin(), order.end(), shuffle);
    for (size_t position = 0; position < order.size(); ++position) {
      RunFigures figures;
      figures.config = order[position];
      figures.round = round;
      figures.position = static_cast<int>(position);
      const int64_t start = NowNs();
      Status status = RunOne(options, household, pool, stock, foyer_template_dir, &figures, latencies);
      if (!status.ok()) return status;
      std::fprintf(stderr,
                   "round %d %-7s cpu %.1f us/msg  p50 %.2f p99 %.2f max %.2f ms  storm p99 %.2f ms  "
                   "sat %.0f msg/s  (%.0f s)\n",
                   round, figures.config.c_str(), figures.broker_cpu_us_per_msg, figures.p50_ms,
                   figures.p99_ms, figures.max_ms, figures.storm_p99_ms, figures.saturation_msgs_per_s,
                   (NowNs() - start) / 1e9);
      runs->push_back(figures);
    }
  }
  return Status::OK();
}

}  // namespace bench
}  // namespace foyer
