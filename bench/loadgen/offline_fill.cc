#include "offline_fill.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "foyer/store.h"
#include "records.h"

namespace foyer {
namespace bench {

namespace {

constexpr uint64_t kBatch = 256;

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// One flow's messages, as Server::OnEnvelope stores them.
Status FillFlow(Store* store, const Household& household, const EnvelopePool& pool, size_t flow,
                uint64_t count, std::atomic<uint64_t>* written) {
  std::string conv_raw;
  crypto::FromHex(household.convs[flow], &conv_raw);
  plugin::Counters counters;
  std::string value;
  Status status = store->Get(plugin::CountersKey(conv_raw), &value);
  if (status.ok()) {
    status = plugin::DecodeCounters(value, &counters);
    if (!status.ok()) return status;
  } else if (status.code() != Status::Code::kNotFound) {
    return status;
  }
  WriteBatch batch;
  for (uint64_t index = 0; index < count; ++index) {
    protocol::Envelope envelope = pool.Make(flow, index);
    std::string cmid_raw;
    crypto::FromHex(envelope.cmid, &cmid_raw);
    envelope.seq = counters.next_seq++;
    envelope.stime = NowMs();
    std::string stamped = protocol::SerializeEnvelope(envelope);
    counters.count++;
    counters.bytes += stamped.size();
    batch.Put(plugin::MessageKey(conv_raw, envelope.seq), plugin::EncodeStoredEnvelope(envelope));
    batch.Put(plugin::DedupeKey(*store, conv_raw, envelope.from, cmid_raw),
              plugin::EncodeU64(envelope.seq));
    if (batch.size() >= 2 * kBatch || index + 1 == count) {
      batch.Put(plugin::CountersKey(conv_raw), plugin::EncodeCounters(counters));
      status = store->Write(batch);
      if (!status.ok()) return status;
      batch.Clear();
    }
    written->fetch_add(1);
  }
  return Status::OK();
}

}  // namespace

Status FillOffline(const Household& household, const EnvelopePool& pool,
                   const std::string& data_dir, uint64_t messages, uint64_t* written) {
  StoreOptions options;
  options.data_dir = data_dir;
  options.must_exist = true;
  std::unique_ptr<Store> store;
  Status status = Store::Open(options, &store);
  if (!status.ok()) return status;
  const size_t flows = household.size();
  std::atomic<uint64_t> count{0};
  Status results[2];
  auto worker = [&](size_t first) {
    for (size_t flow = first; flow < flows && results[first].ok(); flow += 2) {
      const uint64_t share = messages / flows + (flow < messages % flows ? 1 : 0);
      results[first] = FillFlow(store.get(), household, pool, flow, share, &count);
    }
  };
  std::thread other(worker, 1);
  worker(0);
  other.join();
  *written = count.load();
  if (!results[0].ok()) return results[0];
  if (!results[1].ok()) return results[1];
  return store->Sync();
}

}  // namespace bench
}  // namespace foyer
