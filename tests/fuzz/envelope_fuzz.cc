// Fuzzes protocol::ParseEnvelope (the server's structural checks on every
// message, and every client's first step): never crashes, and whatever it
// accepts serializes to a text it accepts again, unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "foyer/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace protocol = foyer::protocol;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  protocol::Envelope envelope;
  if (!protocol::ParseEnvelope(text, &envelope).ok()) return 0;
  if (envelope.body.size() > protocol::kMaxBodyBytes || envelope.nonce.size() != 24 ||
      envelope.sig.size() != 64 || envelope.epoch == 0) {
    std::abort();  // accepted something the checks should refuse
  }
  std::string again = protocol::SerializeEnvelope(envelope);
  protocol::Envelope reparsed;
  if (!protocol::ParseEnvelope(again, &reparsed).ok()) std::abort();
  if (protocol::SerializeEnvelope(reparsed) != again) std::abort();
  if (protocol::EnvelopeAssociatedData(envelope).empty()) std::abort();
  return 0;
}
