#include "envelope_pool.h"

#include <ctime>
#include <thread>

#include "foyer/protocol.h"

namespace foyer {
namespace bench {

namespace {

std::string CmidOf(uint32_t flow, uint64_t index, uint32_t salt) {
  std::string raw(16, '\0');
  for (int i = 0; i < 4; ++i) raw[i] = static_cast<char>(flow >> (24 - 8 * i));
  for (int i = 0; i < 8; ++i) raw[4 + i] = static_cast<char>(index >> (56 - 8 * i));
  for (int i = 0; i < 4; ++i) raw[12 + i] = static_cast<char>(salt >> (24 - 8 * i));
  return crypto::ToHex(raw);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string PlaintextOfBody(size_t body_bytes) {
  const std::string frame = "{\"type\":\"text\",\"text\":\"\"}";
  const size_t plaintext = body_bytes > crypto::kTagBytes ? body_bytes - crypto::kTagBytes : 0;
  const size_t text = plaintext > frame.size() ? plaintext - frame.size() : 0;
  return "{\"type\":\"text\",\"text\":\"" + std::string(text, 'x') + "\"}";
}

bool DecodeCmid(std::string_view payload, uint32_t* flow, uint64_t* index) {
  static constexpr std::string_view kField = "\"cmid\":\"";
  const size_t at = payload.find(kField);
  if (at == std::string_view::npos || payload.size() < at + kField.size() + 32) return false;
  const char* hex = payload.data() + at + kField.size();
  uint64_t values[2] = {0, 0};
  for (int i = 0; i < 24; ++i) {
    const int digit = HexValue(hex[i]);
    if (digit < 0) return false;
    uint64_t& value = values[i < 8 ? 0 : 1];
    value = (value << 4) | static_cast<uint64_t>(digit);
  }
  *flow = static_cast<uint32_t>(values[0]);
  *index = values[1];
  return true;
}

EnvelopePool::EnvelopePool(const Household& household, size_t per_flow, size_t body_bytes,
                           uint32_t salt)
    : household_(household),
      plaintext_(PlaintextOfBody(body_bytes)),
      salt_(salt),
      capacity_(per_flow),
      stored_(household.size()) {
  auto worker = [&](size_t first) {
    for (size_t flow = first; flow < household_.size(); flow += 2) {
      stored_[flow].reserve(per_flow);
      for (uint64_t index = 0; index < per_flow; ++index) stored_[flow].push_back(Seal(flow, index));
    }
  };
  std::thread other(worker, 1);
  worker(0);
  other.join();
}

EnvelopePool::EnvelopePool(const Household& household, size_t body_bytes, uint32_t salt)
    : household_(household),
      plaintext_(PlaintextOfBody(body_bytes)),
      salt_(salt),
      capacity_(UINT64_MAX) {}

protocol::Envelope EnvelopePool::Make(size_t flow, uint64_t index) const {
  const Account& sender = household_.accounts[household_.Publisher(flow)];
  const uint64_t now_ms = static_cast<uint64_t>(std::time(nullptr)) * 1000;
  return protocol::SealEnvelope(household_.convs[flow], 1, sender.name,
                                CmidOf(static_cast<uint32_t>(flow), index, salt_), now_ms,
                                household_.keys[flow], sender.sign, plaintext_);
}

std::string EnvelopePool::Seal(size_t flow, uint64_t index) const {
  return protocol::SerializeEnvelope(Make(flow, index));
}

const std::string& EnvelopePool::Payload(size_t flow, uint64_t index) {
  if (!stored_.empty()) return stored_[flow][index];
  scratch_ = Seal(flow, index);
  return scratch_;
}

}  // namespace bench
}  // namespace foyer
