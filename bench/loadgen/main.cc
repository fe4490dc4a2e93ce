// foyer-bench: Foyer (mosquitto + foyer plugin) against stock mosquitto, side
// by side in one run (issue 5). See docs/performance.md for the method.
// Exits non-zero only when the harness itself fails (a broker that does not
// start, a refused login, lost messages...), never for a missed target.
#include <mosquitto.h>
#include <stdlib.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bench_options.h"
#include "broker.h"
#include "envelope_pool.h"
#include "foyer/crypto.h"
#include "household.h"
#include "proc_stats.h"
#include "report.h"
#include "rounds.h"
#include "store_figures.h"
#include "svg_chart.h"

namespace po = boost::program_options;
using foyer::Status;
namespace bench = foyer::bench;

namespace {

Status Main(bench::BenchOptions& options) {
  namespace fs = std::filesystem;
  const int64_t start = bench::NowNs();
  fs::create_directories(options.output_dir);
  if (!fs::exists(options.template_path)) return Status::NotFound(options.template_path);
  if (!options.stock_only && !fs::exists(options.plugin_path)) {
    return Status::NotFound(options.plugin_path + " (build foyer_plugin, or pass --stock-only)");
  }
  bench::Household household;
  const std::string household_dir = options.work_dir + "/foyer-household";
  if (options.stock_only) {
    bench::MakeStandaloneHousehold(options.users, &household);
  } else {
    std::fprintf(stderr, "creating %zu Foyer accounts and conversations through the plugin\n",
                 options.users);
    bench::BrokerOptions broker;
    broker.kind = bench::BrokerKind::kFoyer;
    broker.name = "foyer-setup";
    broker.template_path = options.template_path;
    broker.run_dir = options.work_dir;
    broker.plugin_path = options.plugin_path;
    broker.data_dir = household_dir;
    Status status = bench::CreateFoyerHousehold(broker, options.users, &household);
    if (!status.ok()) return Status::FromCode(status.code(), "household: " + status.message());
  }
  bench::StockFiles stock;
  Status status = bench::WriteStockAuthFiles(household, options.work_dir, &stock.password_file,
                                             &stock.acl_file);
  if (!status.ok()) return status;

  // Enough envelopes for two paced runs and a saturation run of up to 15k msg/s
  // (stock mosquitto here: ~6-12k); a closed run that runs out ends early.
  const double per_flow_paced = options.paced_rate * (options.warmup_seconds + options.paced_seconds) /
                                static_cast<double>(options.users);
  const double per_flow_closed = 15000 * (options.warmup_seconds + options.saturation_seconds) /
                                 static_cast<double>(options.users);
  const size_t per_flow = static_cast<size_t>(std::ceil(2 * per_flow_paced + per_flow_closed)) + 64;
  std::fprintf(stderr, "sealing %zu envelopes\n", per_flow * options.users);
  bench::EnvelopePool pool(household, per_flow, options.body_bytes, options.seed);

  std::vector<bench::RunFigures> runs;
  bench::LatencyPool latencies;
  status = bench::RunRounds(options, household, &pool, stock, household_dir, &runs, &latencies);
  if (!status.ok()) return status;
  for (const bench::RunFigures& run : runs) {
    if (run.paced_lost + run.saturation_lost + run.refused + run.login_failures > 0) {
      return Status::Internal(run.config + " round " + std::to_string(run.round) +
                              ": messages lost or refused, or logins failed; see the logs in " +
                              options.work_dir);
    }
  }
  bench::StoreFigures store;
  if (!options.stock_only && !options.skip_store) {
    status = bench::MeasureStore(options, household, stock, household_dir, &store);
    if (!status.ok()) return Status::FromCode(status.code(), "store: " + status.message());
  }
  const bench::Summary summary = bench::Summarise(options, runs, store);
  const double seconds = (bench::NowNs() - start) / 1e9;
  std::cout << '\n' << bench::TextTable(summary) << std::flush;
  status = bench::WriteReports(options, runs, store, summary, seconds);
  if (!status.ok()) return status;
  std::ofstream svg(options.output_dir + "/latency-cdf.svg", std::ios::trunc);
  svg << bench::LatencyCdfSvg(latencies, "Delivery latency at a paced " +
                                             std::to_string(static_cast<int>(options.paced_rate)) +
                                             " msg/s, 25 -> 25, QoS 1 (all rounds)");
  std::fprintf(stderr, "\nwrote %s/report.md, report.json, latency-cdf.svg (%.0f s)\n",
               options.output_dir.c_str(), seconds);
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchOptions options;
  bool keep_work = false;
  po::options_description described("foyer-bench: Foyer against stock mosquitto");
  described.add_options()
      ("help,h", "this help")
      ("quick", po::bool_switch(&options.quick), "smoke test: short runs, 2 rounds, small store")
      ("stock-only", po::bool_switch(&options.stock_only), "without the plugin: stock against stock")
      ("foyer-only", po::bool_switch(&options.foyer_only), "only the foyer runs (to profile the plugin)")
      ("skip-store", po::bool_switch(&options.skip_store), "skip figures 5-8 (no store fill)")
      ("fill-through-broker", po::bool_switch(&options.fill_through_broker),
       "fill the store through the broker at saturation (slow) instead of offline")
      ("rounds", po::value(&options.rounds), "interleaved rounds (default 5)")
      ("paced-seconds", po::value(&options.paced_seconds), "measured seconds per paced run")
      ("saturation-seconds", po::value(&options.saturation_seconds), "measured seconds per saturation run")
      ("stored", po::value(&options.stored_messages), "messages in the store for figures 5-8")
      ("seed", po::value(&options.seed), "shuffle seed (default: from the clock)")
      ("template", po::value(&options.template_path)->required(), "config/mosquitto.conf.in")
      ("plugin", po::value(&options.plugin_path), "foyer_plugin.so")
      ("source-dir", po::value(&options.source_dir), "the repository, for the version line")
      ("output-dir", po::value(&options.output_dir)->required(), "where the reports go")
      ("work-dir", po::value(&options.work_dir), "scratch directory (default: a new one in /tmp)")
      ("keep-work", po::bool_switch(&keep_work), "keep the scratch directory (configs, broker logs)");
  po::variables_map values;
  try {
    po::store(po::parse_command_line(argc, argv, described), values);
    if (values.count("help")) {
      std::cout << described << '\n';
      return 0;
    }
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "foyer-bench: " << error.what() << '\n' << described << '\n';
    return 2;
  }
  if (options.quick) {
    if (!values.count("rounds")) options.rounds = 2;
    if (!values.count("paced-seconds")) options.paced_seconds = 1.5;
    if (!values.count("saturation-seconds")) options.saturation_seconds = 1.5;
    if (!values.count("stored")) options.stored_messages = 20000;
    options.history_requests = 100;
  }
  if (options.seed == 0) {
    options.seed = static_cast<uint32_t>(std::chrono::system_clock::now().time_since_epoch().count());
  }
  if (!foyer::crypto::Init()) {
    std::cerr << "foyer-bench: libsodium does not start\n";
    return 1;
  }
  mosquitto_lib_init();
  bool made_work_dir = false;
  if (options.work_dir.empty()) {
    char pattern[] = "/tmp/foyer-bench.XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      std::cerr << "foyer-bench: cannot make a scratch directory\n";
      return 1;
    }
    options.work_dir = pattern;
    made_work_dir = true;
  } else {
    std::filesystem::create_directories(options.work_dir);
  }
  Status status = Main(options);
  mosquitto_lib_cleanup();
  if (!status.ok()) {
    std::cerr << "foyer-bench: harness failure: " << status.ToString() << "\n(scratch kept in "
              << options.work_dir << ")\n";
    return 1;
  }
  if (made_work_dir && !keep_work) std::filesystem::remove_all(options.work_dir);
  return 0;
}
