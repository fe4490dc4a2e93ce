#include "load_generator.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "proc_stats.h"
#include "storm.h"

namespace foyer {
namespace bench {

namespace {
constexpr size_t kRing = 1u << 14;  // due times kept per flow (far above any window)
constexpr int64_t kDrainNs = 3'000'000'000LL;
}  // namespace

struct LoadGenerator::Client {
  LoadGenerator* owner = nullptr;
  mosquitto* mosq = nullptr;
  size_t flow = 0;
  bool subscriber = false;
  int connack = -1;
  int suback = -1;
};

LoadGenerator::LoadGenerator(const Household& household, EnvelopePool* pool, BrokerKind kind)
    : household_(household), pool_(pool), kind_(kind) {}

LoadGenerator::~LoadGenerator() { Close(); }

void LoadGenerator::OnMessage(mosquitto*, void* self, const mosquitto_message* message,
                              const mosquitto_property*) {
  static_cast<Client*>(self)->owner->Received(std::string_view(static_cast<const char*>(message->payload),
                                           static_cast<size_t>(message->payloadlen)));
}

void LoadGenerator::OnPublish(mosquitto*, void* self, int, int reason, const mosquitto_property*) {
  if (reason >= 0x80) static_cast<Client*>(self)->owner->refused_++;
}

void LoadGenerator::Received(std::string_view payload) {
  const int64_t now = NowNs();
  uint32_t flow = 0;
  uint64_t index = 0;
  if (!DecodeCmid(payload, &flow, &index) || flow >= due_ns_.size()) return;
  int64_t& due = due_ns_[flow][index % kRing];
  if (due < 0) return;  // a duplicate delivery
  const int64_t latency = now - due;
  if (index >= first_measured_[flow] && index < last_measured_[flow]) {
    samples_.emplace_back(due, latency);
    delivered_measured_++;
  }
  due = -1;
  outstanding_[flow]--;
}

Status LoadGenerator::Connect(int port, pid_t broker_pid) {
  port_ = port;
  broker_pid_ = broker_pid;
  const size_t flows = household_.size();
  clients_.assign(2 * flows, Client{});
  publish_topics_.clear();
  due_ns_.assign(flows, std::vector<int64_t>(kRing, -1));
  next_index_.assign(flows, 0);
  outstanding_.assign(flows, 0);
  first_measured_.assign(flows, 0);
  last_measured_.assign(flows, 0);
  for (size_t i = 0; i < clients_.size(); ++i) {
    Client& client = clients_[i];
    client.flow = i % flows;
    client.subscriber = i >= flows;
    const Account& account = household_.accounts[client.subscriber ? household_.Subscriber(client.flow)
                                                                  : household_.Publisher(client.flow)];
    const std::string id = account.name + (client.subscriber ? ":sub" : ":pub");
    client.owner = this;
    client.mosq = mosquitto_new(id.c_str(), true, &client);
    if (client.mosq == nullptr) return Status::Internal("mosquitto_new failed");
    mosquitto_int_option(client.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_int_option(client.mosq, MOSQ_OPT_TCP_NODELAY, 1);
    mosquitto_username_pw_set(client.mosq, account.name.c_str(), account.password.c_str());
    mosquitto_connect_v5_callback_set(client.mosq, [](mosquitto*, void* self, int rc, int,
                                                      const mosquitto_property*) {
      static_cast<Client*>(self)->connack = rc;
    });
    mosquitto_subscribe_v5_callback_set(client.mosq, [](mosquitto*, void* self, int, int count,
                                                        const int* granted, const mosquitto_property*) {
      static_cast<Client*>(self)->suback =
          count > 0 ? granted[0] : 0x80;
    });
    mosquitto_message_v5_callback_set(client.mosq, &LoadGenerator::OnMessage);
    mosquitto_publish_v5_callback_set(client.mosq, &LoadGenerator::OnPublish);
    if (mosquitto_connect(client.mosq, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS) {
      return Status::IOError("cannot connect " + id);
    }
  }
  for (size_t flow = 0; flow < flows; ++flow) {
    publish_topics_.push_back(PublishTopic(household_, flow, kind_));
  }
  auto all = [&](auto predicate) {
    return std::all_of(clients_.begin(), clients_.end(), predicate);
  };
  const int64_t deadline = NowNs() + 10'000'000'000LL;
  while (!all([](const Client& c) { return c.connack >= 0; })) {
    if (!Pump(NowNs() + 5'000'000) || NowNs() > deadline) return Status::IOError("connect timed out");
  }
  if (!all([](const Client& c) { return c.connack == 0; })) return Status::Denied("a login was refused");
  for (Client& client : clients_) {
    if (!client.subscriber) continue;
    const std::string topic = DeliveryTopic(household_, client.flow);
    mosquitto_subscribe_v5(client.mosq, nullptr, topic.c_str(), 1, 0, nullptr);
  }
  while (!all([](const Client& c) { return !c.subscriber || c.suback >= 0; })) {
    if (!Pump(NowNs() + 5'000'000) || NowNs() > deadline) return Status::IOError("subscribe timed out");
  }
  if (!all([](const Client& c) { return !c.subscriber || c.suback == 1; })) {
    return Status::Denied("a subscription was refused");
  }
  return Status::OK();
}

bool LoadGenerator::Pump(int64_t deadline_ns) {
  std::vector<pollfd> fds(clients_.size());
  {
    for (size_t i = 0; i < clients_.size(); ++i) {
      fds[i].fd = mosquitto_socket(clients_[i].mosq);
      fds[i].events = static_cast<short>(POLLIN | (mosquitto_want_write(clients_[i].mosq) ? POLLOUT : 0));
      fds[i].revents = 0;
    }
    const int64_t wait = std::max<int64_t>(0, deadline_ns - NowNs());
    timespec timeout{static_cast<time_t>(wait / 1000000000), static_cast<long>(wait % 1000000000)};
    if (ppoll(fds.data(), fds.size(), &timeout, nullptr) < 0) return true;
    for (size_t i = 0; i < clients_.size(); ++i) {
      mosquitto* mosq = clients_[i].mosq;
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) {
        // libmosquitto reads one packet per call: drain what the socket holds.
        int pending = 0;
        for (int round = 0; round < 256; ++round) {
          if (mosquitto_loop_read(mosq, 1) != MOSQ_ERR_SUCCESS) {
            lost_connection_ = true;
            return false;
          }
          if (ioctl(fds[i].fd, FIONREAD, &pending) != 0 || pending <= 0) break;
        }
      }
      if ((fds[i].revents & POLLOUT) && mosquitto_loop_write(mosq, 1) != MOSQ_ERR_SUCCESS) {
        lost_connection_ = true;
        return false;
      }
    }
  }
  return true;
}

bool LoadGenerator::Publish(size_t flow, int64_t due_ns) {
  const uint64_t index = next_index_[flow];
  if (index >= pool_->Capacity()) return false;
  const std::string& payload = pool_->Payload(flow, index);
  due_ns_[flow][index % kRing] = due_ns;
  next_index_[flow]++;
  outstanding_[flow]++;
  mosquitto_publish_v5(clients_[flow].mosq, nullptr, publish_topics_[flow].c_str(),
                       static_cast<int>(payload.size()), payload.data(), 1, false, nullptr);
  return true;
}

Status LoadGenerator::Run(const LoadOptions& options, LoadResult* result) {
  *result = LoadResult();
  const size_t flows = household_.size();
  samples_.clear();
  delivered_measured_ = 0;
  const int64_t start = NowNs();
  const int64_t measure_start = start + static_cast<int64_t>(options.warmup_seconds * 1e9);
  const int64_t end = measure_start + static_cast<int64_t>(options.seconds * 1e9);
  bool measuring = false;
  uint64_t broker_cpu0 = 0, loadgen_cpu0 = 0;
  int64_t measure_t0 = 0;
  auto begin_measure = [&] {
    measuring = true;
    for (size_t f = 0; f < flows; ++f) {
      first_measured_[f] = next_index_[f];
      last_measured_[f] = UINT64_MAX;
    }
    broker_cpu0 = CpuNs(broker_pid_);
    loadgen_cpu0 = CpuNs(getpid());
    measure_t0 = NowNs();
  };
  std::unique_ptr<Storm> storm;
  if (options.paced && options.storm_logins > 0) {
    storm = std::make_unique<Storm>(household_, port_, options.storm_logins,
                                    options.storm_period_seconds, measure_start + 250'000'000, end);
  }
  uint64_t total_sent = 0, measured_sent = 0;
  int64_t last_progress = start;
  bool exhausted = false;
  if (options.paced) {
    const double interval_ns = 1e9 / options.rate;
    for (uint64_t k = 0;; ++k) {
      const int64_t due = start + static_cast<int64_t>(k * interval_ns);
      if (due >= end) break;
      if (!measuring && due >= measure_start) begin_measure();
      while (NowNs() < due) {
        if (!Pump(due)) break;
      }
      if (lost_connection_) break;
      if (!Publish(k % flows, due)) {
        exhausted = true;
        break;
      }
      if (measuring) measured_sent++;
    }
  } else {
    while (!lost_connection_ && !exhausted) {
      const int64_t now = NowNs();
      if (now >= end && options.max_messages == 0) break;
      if (options.max_messages > 0 && total_sent >= options.max_messages) break;
      if (!measuring && now >= measure_start) begin_measure();
      for (size_t f = 0; f < flows && !exhausted; ++f) {
        while (outstanding_[f] < options.window) {
          if (options.max_messages > 0 && total_sent >= options.max_messages) break;
          if (!Publish(f, NowNs())) {
            exhausted = true;
            break;
          }
          total_sent++;
          if (measuring) measured_sent++;
        }
      }
      Pump(NowNs() + 2'000'000);
      if (options.progress && now - last_progress > 10'000'000'000LL) {
        std::fprintf(stderr, "  ... %llu messages\n", static_cast<unsigned long long>(total_sent));
        last_progress = now;
      }
    }
  }
  if (!measuring) begin_measure();
  for (size_t f = 0; f < flows; ++f) last_measured_[f] = next_index_[f];
  const int64_t sending_end = NowNs();
  // Drain: wait for the measured messages still in flight.
  const int64_t drain_deadline = NowNs() + kDrainNs;
  while (!lost_connection_ && delivered_measured_ < measured_sent && NowNs() < drain_deadline) {
    Pump(NowNs() + 2'000'000);
  }
  result->broker_cpu_ns = CpuNs(broker_pid_) - broker_cpu0;
  result->loadgen_cpu_ns = CpuNs(getpid()) - loadgen_cpu0;
  if (storm) storm->Join();
  // Let the stragglers of the unmeasured tail arrive before the next run.
  const int64_t settle = NowNs() + kDrainNs;
  while (!lost_connection_ && NowNs() < settle &&
         std::any_of(outstanding_.begin(), outstanding_.end(), [](int n) { return n > 0; })) {
    Pump(NowNs() + 2'000'000);
  }
  result->sent = measured_sent;
  result->delivered = delivered_measured_;
  result->lost = measured_sent - std::min(measured_sent, delivered_measured_);
  result->refused = refused_;
  result->seconds = (sending_end - measure_t0) / 1e9;
  for (const auto& [due, latency] : samples_) {
    result->latencies_ns.push_back(latency);
    if (storm && storm->InWindow(due, static_cast<int64_t>(options.storm_window_seconds * 1e9))) {
      result->storm_latencies_ns.push_back(latency);
    }
  }
  if (storm) {
    result->login_ns = storm->login_ns();
    result->storm_failures = storm->failures();
  }
  if (lost_connection_) return Status::IOError("a client lost its connection during the run");
  if (exhausted && options.paced) return Status::Internal("the envelope pool ran out");
  return Status::OK();
}

void LoadGenerator::Close() {
  for (Client& client : clients_) {
    if (client.mosq == nullptr) continue;
    mosquitto_disconnect(client.mosq);
    mosquitto_loop_write(client.mosq, 1);
    mosquitto_destroy(client.mosq);
    client.mosq = nullptr;
  }
  clients_.clear();
}

}  // namespace bench
}  // namespace foyer
