// Fills a Foyer data directory with messages without a broker: the records
// are written through foyer::Store with the plugin's own record layout
// (broker-plugin/records.h, docs/storage.md) and the same steps as the
// plugin's envelope handler (Server::OnEnvelope): stamped envelope under its
// message key, the (from, cmid) dedupe record, the conversation's counters.
// Envelopes are real (sealed and signed by each flow's publisher). About 10x
// faster than a fill through the broker, which keeps the full run short.
// The broker must not run on `data_dir` meanwhile (LevelDB's lock).
#ifndef FOYER_BENCH_OFFLINE_FILL_H_
#define FOYER_BENCH_OFFLINE_FILL_H_

#include <cstdint>
#include <string>

#include "envelope_pool.h"
#include "foyer/status.h"
#include "household.h"

namespace foyer {
namespace bench {

// Writes `messages` envelopes spread evenly over the household's flows, on
// two threads. `written` receives the number stored.
Status FillOffline(const Household& household, const EnvelopePool& pool,
                   const std::string& data_dir, uint64_t messages, uint64_t* written);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_OFFLINE_FILL_H_
