// Fuzzes what clients parse from the server's answers: key envelopes,
// encrypted titles (JSON from conv_list / epoch_keys) and key bundles. The
// parsers never crash, and nothing made up opens with keys it was not made
// with.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace crypto = foyer::crypto;
  namespace protocol = foyer::protocol;
  static bool ready = crypto::Init();
  static crypto::SignKeyPair sign = crypto::SignKeyPair::Generate();
  static crypto::BoxKeyPair box = crypto::BoxKeyPair::Generate();
  static crypto::Secret key = crypto::Secret::Random(32);
  if (!ready) std::abort();
  const std::string conv = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
  std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_discarded()) {
    protocol::KeyEnvelope key_envelope;
    if (protocol::KeyEnvelopeFromJson(json, conv, &key_envelope).ok()) {
      crypto::Secret opened;
      if (protocol::OpenKeyEnvelope(key_envelope, sign.public_key, box, &opened).ok()) {
        std::abort();  // a made-up key envelope verified
      }
      protocol::KeyEnvelopeToJson(key_envelope);
    }
    protocol::Title title;
    if (protocol::TitleFromJson(json, &title).ok()) {
      std::string plain;
      if (protocol::DecryptTitle(conv, title, key, &plain).ok()) std::abort();
      protocol::TitleToJson(title);
    }
  }
  crypto::BoxKeyPair opened_box;
  crypto::SignKeyPair opened_sign;
  if (protocol::OpenBundle(key, std::string(16, 'h'), "alice", text, &opened_box, &opened_sign)
          .ok()) {
    std::abort();
  }
  return 0;
}
