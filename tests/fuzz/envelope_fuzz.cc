// Fuzzes protocol::ParseEnvelope (the server's structural checks on every
// message, and every client's first step): never crashes, and whatever it
// accepts serializes to a text it accepts again, unchanged, and every base64
// field it accepted was canonical (protocol §5: the text it read is the one
// the decoded bytes encode to).
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace {

// Aborts when an accepted base64 field of `text` is not the canonical
// encoding of what was decoded. Skipped when the object repeats a key (which
// of the copies counts is the parser's business, not this check's).
void CheckCanonicalBase64(std::string_view text, const foyer::protocol::Envelope& envelope) {
  using Json = nlohmann::json;
  std::set<std::string> keys;
  bool repeated = false;
  Json::parser_callback_t track = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1 && parsed.is_string() &&
        !keys.insert(parsed.get<std::string>()).second) {
      repeated = true;
    }
    return true;
  };
  Json object = Json::parse(text.begin(), text.end(), track, false);
  if (repeated || !object.is_object()) return;
  const std::pair<const char*, const std::string*> fields[] = {
      {"nonce", &envelope.nonce}, {"body", &envelope.body}, {"sig", &envelope.sig}};
  for (const auto& [name, bytes] : fields) {
    auto it = object.find(name);
    if (it != object.end() && it->is_string() &&
        it->get<std::string>() != foyer::crypto::ToBase64(*bytes)) {
      std::abort();  // a non-canonical encoding was accepted
    }
  }
}

}  // namespace

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
  CheckCanonicalBase64(text, envelope);
  return 0;
}
