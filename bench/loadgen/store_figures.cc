#include "store_figures.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <random>
#include <thread>

#include "broker.h"
#include "envelope_pool.h"
#include "load_generator.h"
#include "mqtt_session.h"
#include "offline_fill.h"
#include "proc_stats.h"
#include "stats.h"

namespace foyer {
namespace bench {

namespace {

BrokerOptions FoyerBroker(const BenchOptions& options, const std::string& name,
                          const std::string& data_dir) {
  BrokerOptions broker;
  broker.kind = BrokerKind::kFoyer;
  broker.name = name;
  broker.template_path = options.template_path;
  broker.run_dir = options.work_dir;
  broker.plugin_path = options.plugin_path;
  broker.data_dir = data_dir;
  return broker;
}

Status Fill(const BenchOptions& options, const Household& household, const std::string& data_dir,
            StoreFigures* figures) {
  Broker broker;
  Status status = broker.Start(FoyerBroker(options, "foyer-fill", data_dir));
  if (status.ok()) status = broker.WaitListening(10000);
  EnvelopePool on_demand(household, options.body_bytes, /*salt=*/0xf111);
  LoadGenerator generator(household, &on_demand, BrokerKind::kFoyer);
  if (status.ok()) status = generator.Connect(broker.port(), broker.pid());
  if (!status.ok()) return status;
  LoadOptions fill;
  fill.paced = false;
  fill.window = 16;
  fill.warmup_seconds = 0;
  fill.seconds = 0;
  fill.max_messages = options.stored_messages;
  fill.progress = true;
  LoadResult result;
  const int64_t start = NowNs();
  status = generator.Run(fill, &result);
  figures->fill_seconds = (NowNs() - start) / 1e9;
  figures->stored = result.delivered;
  generator.Close();
  Status stopped = broker.Stop();
  if (!status.ok()) return status;
  if (result.refused > 0 || result.lost > 0) {
    return Status::Internal("the fill lost or had refused messages");
  }
  return stopped;
}

// Runs the broker on the filled store until it is idle, so that LevelDB's
// compaction backlog (a bulk fill leaves many level-0 tables) is not charged
// to the cold start, history and memory figures of a store at rest.
Status Settle(const BenchOptions& options, const std::string& data_dir, double* seconds) {
  Broker broker;
  const int64_t start = NowNs();
  Status status = broker.Start(FoyerBroker(options, "foyer-settle", data_dir));
  if (status.ok()) status = broker.WaitListening(60000);
  uint64_t cpu = CpuNs(broker.pid());
  while (status.ok() && NowNs() - start < 180'000'000'000LL) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const uint64_t now_cpu = CpuNs(broker.pid());
    if (now_cpu - cpu < 5'000'000) break;  // under 1 % of a core: idle
    cpu = now_cpu;
  }
  *seconds = (NowNs() - start) / 1e9;
  Status stopped = broker.Stop();
  return status.ok() ? stopped : status;
}

// Connects one session per account ("<name>:mem").
Status ConnectEveryone(const Household& household, int port,
                       std::vector<std::unique_ptr<MqttSession>>* sessions) {
  for (const Account& account : household.accounts) {
    sessions->push_back(std::make_unique<MqttSession>(account.name + ":mem"));
    Status status = sessions->back()->Connect(port, account.name, account.password);
    if (!status.ok()) return status;
  }
  return Status::OK();
}

Status History(const BenchOptions& options, const Household& household, pid_t broker_pid,
               std::vector<std::unique_ptr<MqttSession>>& sessions, StoreFigures* figures) {
  std::vector<uint64_t> last_seq(household.size(), 0);
  for (size_t flow = 0; flow < household.size(); ++flow) {
    nlohmann::json answer;
    Status status = sessions[household.Publisher(flow)]->Request(
        {{"op", "conv_get"}, {"conv", household.convs[flow]}}, &answer);
    if (!status.ok()) return status;
    last_seq[flow] = answer.value("last_seq", 0ull);
  }
  std::mt19937_64 random(options.seed);
  uint64_t cpu_start = 0;
  const int warmup = 10;
  for (int k = 0; k < options.history_requests + warmup; ++k) {
    const size_t flow = static_cast<size_t>(k) % household.size();
    nlohmann::json request = {{"op", "history"}, {"conv", household.convs[flow]},
                              {"limit", options.history_page}};
    const uint64_t page = options.history_page;
    if (last_seq[flow] > page) {
      request["before"] = page + 1 + random() % (last_seq[flow] - page);
    }
    nlohmann::json answer;
    int64_t elapsed = 0;
    Status status = sessions[household.Publisher(flow)]->Request(request, &answer, 10000, &elapsed);
    if (!status.ok()) return status;
    const size_t expected = std::min<uint64_t>(page, last_seq[flow]);
    if (!answer.contains("messages") || answer["messages"].size() != expected) {
      return Status::Internal("a history page did not hold the expected messages");
    }
    if (k >= warmup) figures->history_ns.push_back(elapsed);
    if (k + 1 == warmup) cpu_start = CpuNs(broker_pid);
  }
  figures->history_broker_cpu_us =
      (CpuNs(broker_pid) - cpu_start) / 1e3 / std::max<size_t>(1, figures->history_ns.size());
  figures->history_p50_ms = Percentile(figures->history_ns, 50) / 1e6;
  figures->history_p99_ms = Percentile(figures->history_ns, 99) / 1e6;
  figures->history_max_ms = Percentile(figures->history_ns, 100) / 1e6;
  return Status::OK();
}

// Starts the broker on the filled store and logs in as soon as it answers.
Status ColdStart(const BenchOptions& options, const Household& household,
                 const std::string& data_dir, StoreFigures* figures) {
  Broker broker;
  const int64_t start = NowNs();
  Status status = broker.Start(FoyerBroker(options, "foyer-cold", data_dir));
  if (!status.ok()) return status;
  const Account& first = household.accounts[0];
  for (;;) {
    MqttSession probe(first.name + ":cold");
    status = probe.Connect(broker.port(), first.name, first.password, 2000);
    if (status.ok()) break;
    if (NowNs() - start > 60'000'000'000LL) return Status::IOError("no login within 60 s");
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  figures->cold_start_ms = (NowNs() - start) / 1e6;
  std::vector<std::unique_ptr<MqttSession>> sessions;
  status = ConnectEveryone(household, broker.port(), &sessions);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  figures->foyer_rss_connected_bytes = ResidentBytes(broker.pid());
  if (status.ok()) status = History(options, household, broker.pid(), sessions, figures);
  const Resident resident = ResidentParts(broker.pid());
  figures->foyer_rss_bytes = resident.total;
  figures->foyer_rss_anon_bytes = resident.anonymous;
  figures->foyer_rss_file_bytes = resident.file;
  sessions.clear();
  Status stopped = broker.Stop();
  return status.ok() ? stopped : status;
}

Status StockMemory(const BenchOptions& options, const Household& household,
                   const StockFiles& stock, StoreFigures* figures) {
  BrokerOptions broker_options;
  broker_options.kind = BrokerKind::kStock;
  broker_options.name = "stock-memory";
  broker_options.template_path = options.template_path;
  broker_options.run_dir = options.work_dir;
  broker_options.password_file = stock.password_file;
  broker_options.acl_file = stock.acl_file;
  Broker broker;
  Status status = broker.Start(broker_options);
  if (status.ok()) status = broker.WaitListening(10000);
  std::vector<std::unique_ptr<MqttSession>> sessions;
  if (status.ok()) status = ConnectEveryone(household, broker.port(), &sessions);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  figures->stock_rss_bytes = ResidentBytes(broker.pid());
  sessions.clear();
  Status stopped = broker.Stop();
  return status.ok() ? stopped : status;
}

}  // namespace

Status MeasureStore(const BenchOptions& options, const Household& household,
                    const StockFiles& stock, const std::string& foyer_template_dir,
                    StoreFigures* figures) {
  namespace fs = std::filesystem;
  const std::string data_dir = options.work_dir + "/foyer-store-data";
  std::error_code error;
  fs::remove_all(data_dir, error);
  fs::copy(foyer_template_dir, data_dir, fs::copy_options::recursive, error);
  if (error) return Status::IOError("cannot copy the household: " + error.message());
  figures->empty_disk_bytes = DirectoryBytes(data_dir);
  std::fprintf(stderr, "filling the store with %llu messages %s\n",
               static_cast<unsigned long long>(options.stored_messages),
               options.fill_through_broker ? "through the broker" : "offline (plugin record layout)");
  Status status;
  if (options.fill_through_broker) {
    status = Fill(options, household, data_dir, figures);
  } else {
    const EnvelopePool maker(household, options.body_bytes, /*salt=*/0xf111);
    const int64_t start = NowNs();
    status = FillOffline(household, maker, data_dir, options.stored_messages, &figures->stored);
    figures->fill_seconds = (NowNs() - start) / 1e9;
    figures->fill_offline = true;
  }
  if (status.ok()) status = Settle(options, data_dir, &figures->settle_seconds);
  if (status.ok()) status = ColdStart(options, household, data_dir, figures);
  if (!status.ok()) return status;
  // After a restart LevelDB has turned its log into tables: the steady size.
  figures->disk_bytes = DirectoryBytes(data_dir);
  const double added = static_cast<double>(figures->disk_bytes) -
                       static_cast<double>(figures->empty_disk_bytes);
  figures->disk_bytes_per_message = figures->stored > 0 ? added / figures->stored : 0;
  return StockMemory(options, household, stock, figures);
}

}  // namespace bench
}  // namespace foyer
