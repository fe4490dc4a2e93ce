// The load generator: one publisher and one subscriber client per flow, all
// driven by one thread with poll() over libmosquitto's sockets (no client
// threads), MQTT 5, QoS 1.
//
//   paced:  a fixed total rate; message k of the run is due at t0 + k / rate
//           and its latency counts from that due time, so a stalled broker or
//           loop is charged in full (no coordinated omission);
//   closed: each publisher keeps at most `window` messages sent but not yet
//           delivered; gives the saturation throughput.
//
// CPU of the broker and of this process are read from schedstat over the
// measured interval. A login storm (storm.h) may run beside a paced run.
#ifndef FOYER_BENCH_LOAD_GENERATOR_H_
#define FOYER_BENCH_LOAD_GENERATOR_H_

#include <mosquitto.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "broker.h"
#include "envelope_pool.h"
#include "household.h"

namespace foyer {
namespace bench {

struct LoadOptions {
  bool paced = true;
  double rate = 1000;           // paced: messages per second, all flows together
  int window = 8;               // closed: undelivered messages per publisher
  double warmup_seconds = 0.5;  // not measured
  double seconds = 5;           // measured
  uint64_t max_messages = 0;    // closed: stop after this many (0: no limit)
  int storm_logins = 0;         // paced: logins per storm (0: no storm)
  double storm_period_seconds = 1;
  double storm_window_seconds = 0.2;  // latencies of messages due this long after a storm start
  bool progress = false;        // print progress to stderr (long fills)
};

struct LoadResult {
  uint64_t sent = 0;       // in the measured interval
  uint64_t delivered = 0;  // of those sent in the measured interval
  uint64_t refused = 0;    // PUBACK with a failure reason (whole run)
  uint64_t lost = 0;       // measured messages never delivered
  double seconds = 0;      // measured interval, drain included for closed runs
  uint64_t broker_cpu_ns = 0;
  uint64_t loadgen_cpu_ns = 0;
  std::vector<int64_t> latencies_ns;        // paced: every measured message
  std::vector<int64_t> storm_latencies_ns;  // paced with storm: inside storm windows
  std::vector<int64_t> login_ns;            // storm: CONNECT to CONNACK
  uint64_t storm_failures = 0;
};

class LoadGenerator {
 public:
  LoadGenerator(const Household& household, EnvelopePool* pool, BrokerKind kind);
  ~LoadGenerator();
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Connects and subscribes every flow's clients to the broker on `port`.
  Status Connect(int port, pid_t broker_pid);
  Status Run(const LoadOptions& options, LoadResult* result);
  void Close();

 private:
  struct Client;
  static void OnMessage(mosquitto*, void* self, const mosquitto_message* message,
                        const mosquitto_property*);
  static void OnPublish(mosquitto*, void* self, int mid, int reason, const mosquitto_property*);
  // Runs the sockets until `deadline_ns`; false when a client lost its connection.
  bool Pump(int64_t deadline_ns);
  bool Publish(size_t flow, int64_t due_ns);
  void Received(std::string_view payload);

  const Household& household_;
  EnvelopePool* pool_;
  BrokerKind kind_;
  int port_ = 0;
  pid_t broker_pid_ = -1;
  std::vector<Client> clients_;
  std::vector<std::string> publish_topics_;
  // Per flow: next index, and due time of each sent message (-1 once received).
  std::vector<uint64_t> next_index_;
  std::vector<std::vector<int64_t>> due_ns_;
  std::vector<int> outstanding_;
  // Accounting of the current run.
  uint64_t measured_from_index_ = 0;
  std::vector<uint64_t> first_measured_;
  std::vector<uint64_t> last_measured_;
  std::vector<std::pair<int64_t, int64_t>> samples_;  // (due, latency) of measured messages
  uint64_t delivered_measured_ = 0;
  uint64_t refused_ = 0;
  bool lost_connection_ = false;
};

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_LOAD_GENERATOR_H_
