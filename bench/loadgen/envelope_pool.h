// Real Foyer envelopes (docs/protocol.md §5), sealed and signed by each
// flow's publisher with its conversation's epoch key before a run, so that no
// crypto runs in the timed path. The same bytes are sent to stock mosquitto.
//
// The client message id carries the flow and the message's index so that a
// subscriber can find the send time of what it receives:
//   cmid = hex( u32be(flow) || u64be(index) || u32be(salt) ).
#ifndef FOYER_BENCH_ENVELOPE_POOL_H_
#define FOYER_BENCH_ENVELOPE_POOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "foyer/protocol.h"
#include "household.h"

namespace foyer {
namespace bench {

// Plaintext size giving a `body_bytes` ciphertext (plaintext + AEAD tag).
std::string PlaintextOfBody(size_t body_bytes);

// Finds the cmid in a delivered payload and decodes flow and index; false
// when the payload is not one of ours.
bool DecodeCmid(std::string_view payload, uint32_t* flow, uint64_t* index);

class EnvelopePool {
 public:
  // Seals `per_flow` envelopes for each flow of `household`, on two threads.
  EnvelopePool(const Household& household, size_t per_flow, size_t body_bytes, uint32_t salt);
  // Without storage: Payload() seals on demand (for filling the store).
  EnvelopePool(const Household& household, size_t body_bytes, uint32_t salt);

  // Envelope `index` of `flow`; index must be below Capacity() when stored.
  // The reference is valid until the next call in on-demand mode.
  const std::string& Payload(size_t flow, uint64_t index);
  uint64_t Capacity() const { return capacity_; }
  // A new envelope `index` of `flow` (thread-safe).
  protocol::Envelope Make(size_t flow, uint64_t index) const;

 private:
  std::string Seal(size_t flow, uint64_t index) const;

  const Household& household_;
  std::string plaintext_;
  uint32_t salt_;
  uint64_t capacity_;
  std::vector<std::vector<std::string>> stored_;
  std::string scratch_;
};

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_ENVELOPE_POOL_H_
