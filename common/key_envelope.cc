// Key envelopes and encrypted titles (docs/protocol.md §4).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "protocol_internal.h"

namespace foyer {
namespace protocol {

namespace {

constexpr size_t kSealedKeyBytes = crypto::kKeyBytes + crypto::kSealOverheadBytes;

std::string ConvRaw(std::string_view conv) {
  std::string raw;
  if (!ValidHexId(conv) || !crypto::FromHex(conv, &raw)) return std::string();
  return raw;
}

}  // namespace

Status KeyEnvelopeFromJson(const nlohmann::json& json, std::string_view conv, KeyEnvelope* out) {
  if (!json.is_object()) return Status::Invalid("key envelope must be a JSON object");
  if (!ValidHexId(conv)) return Status::Invalid("conversation id must be 32 lowercase hex");
  KeyEnvelope key_envelope;
  key_envelope.conv = std::string(conv);
  Status status = internal::GetEpoch(json, "epoch", &key_envelope.epoch);
  if (!status.ok()) return status;
  if (!(status = internal::GetUserName(json, "from", &key_envelope.from)).ok()) return status;
  if (!(status = internal::GetUserName(json, "to", &key_envelope.to)).ok()) return status;
  status = GetB64(json, "sealed", &key_envelope.sealed, kSealedKeyBytes, kSealedKeyBytes);
  if (!status.ok()) return status;
  status = GetB64(json, "sig", &key_envelope.sig, crypto::kSignatureBytes, crypto::kSignatureBytes);
  if (!status.ok()) return status;
  *out = std::move(key_envelope);
  return Status::OK();
}

nlohmann::json KeyEnvelopeToJson(const KeyEnvelope& key_envelope) {
  return nlohmann::json{{"epoch", key_envelope.epoch},
                        {"from", key_envelope.from},
                        {"to", key_envelope.to},
                        {"sealed", crypto::ToBase64(key_envelope.sealed)},
                        {"sig", crypto::ToBase64(key_envelope.sig)}};
}

std::string KeyEnvelopeSignedPart(const KeyEnvelope& key_envelope) {
  std::string conv_raw = ConvRaw(key_envelope.conv);
  if (conv_raw.empty() || !ValidUserName(key_envelope.from) || !ValidUserName(key_envelope.to)) {
    return std::string();
  }
  std::string part = "foyer/key/v1";
  part.append(conv_raw);
  internal::AppendU32be(&part, key_envelope.epoch);
  internal::AppendShortString(&part, key_envelope.from);
  internal::AppendShortString(&part, key_envelope.to);
  part.append(key_envelope.sealed);
  return part;
}

KeyEnvelope MakeKeyEnvelope(std::string_view conv, uint32_t epoch, const crypto::Secret& epoch_key,
                            std::string_view from, const crypto::SignKeyPair& signer,
                            std::string_view to, std::string_view to_x25519_public) {
  KeyEnvelope key_envelope;
  key_envelope.conv = std::string(conv);
  key_envelope.epoch = epoch;
  key_envelope.from = std::string(from);
  key_envelope.to = std::string(to);
  key_envelope.sealed = crypto::SealTo(to_x25519_public, epoch_key.view());
  key_envelope.sig = crypto::Sign(signer, KeyEnvelopeSignedPart(key_envelope));
  return key_envelope;
}

Status OpenKeyEnvelope(const KeyEnvelope& key_envelope, std::string_view from_ed25519_public,
                       const crypto::BoxKeyPair& recipient, crypto::Secret* epoch_key) {
  if (key_envelope.sealed.size() != kSealedKeyBytes ||
      key_envelope.sig.size() != crypto::kSignatureBytes) {
    return Status::Invalid("key envelope has the wrong size");
  }
  std::string signed_part = KeyEnvelopeSignedPart(key_envelope);
  if (signed_part.empty()) return Status::Invalid("key envelope has an invalid header");
  if (!crypto::Verify(from_ed25519_public, signed_part, key_envelope.sig)) {
    return Status::Denied("key envelope signature does not verify with the sender's key");
  }
  crypto::Secret key;
  if (!crypto::OpenSealed(recipient, key_envelope.sealed, &key) ||
      key.size() != crypto::kKeyBytes) {
    return Status::Denied("key envelope does not open with the recipient's key");
  }
  *epoch_key = std::move(key);
  return Status::OK();
}

Status TitleFromJson(const nlohmann::json& json, Title* out) {
  if (!json.is_object()) return Status::Invalid("title must be a JSON object");
  Title title;
  Status status = internal::GetEpoch(json, "epoch", &title.epoch);
  if (!status.ok()) return status;
  status = GetB64(json, "nonce", &title.nonce, crypto::kNonceBytes, crypto::kNonceBytes);
  if (!status.ok()) return status;
  status = GetB64(json, "ct", &title.ct, crypto::kTagBytes, kMaxTitleBytes + crypto::kTagBytes);
  if (!status.ok()) return status;
  *out = std::move(title);
  return Status::OK();
}

nlohmann::json TitleToJson(const Title& title) {
  return nlohmann::json{{"epoch", title.epoch},
                        {"nonce", crypto::ToBase64(title.nonce)},
                        {"ct", crypto::ToBase64(title.ct)}};
}

namespace internal {

std::string TitleAssociatedData(std::string_view conv, uint32_t epoch) {
  std::string ad = "foyer/title/v1";
  ad.append(ConvRaw(conv));
  AppendU32be(&ad, epoch);
  return ad;
}

Title EncryptTitleWithNonce(std::string_view conv, uint32_t epoch, const crypto::Secret& epoch_key,
                            std::string_view title, std::string_view nonce) {
  Title result;
  result.epoch = epoch;
  result.nonce = std::string(nonce);
  result.ct = crypto::AeadSeal(epoch_key, nonce, title, TitleAssociatedData(conv, epoch));
  return result;
}

}  // namespace internal

Title EncryptTitle(std::string_view conv, uint32_t epoch, const crypto::Secret& epoch_key,
                   std::string_view title) {
  return internal::EncryptTitleWithNonce(conv, epoch, epoch_key, title,
                                         crypto::RandomBytes(crypto::kNonceBytes));
}

Status DecryptTitle(std::string_view conv, const Title& title, const crypto::Secret& epoch_key,
                    std::string* text) {
  if (!ValidHexId(conv)) return Status::Invalid("conversation id must be 32 lowercase hex");
  if (title.nonce.size() != crypto::kNonceBytes)
    return Status::Invalid("title nonce must be 24 bytes");
  std::string plaintext;
  if (!crypto::AeadOpen(epoch_key, title.nonce, title.ct,
                        internal::TitleAssociatedData(conv, title.epoch), &plaintext)) {
    return Status::Denied("title does not open with this epoch key");
  }
  if (plaintext.size() > kMaxTitleBytes || !internal::ValidUtf8(plaintext)) {
    return Status::Corruption("title is not UTF-8 text of at most 256 bytes");
  }
  *text = std::move(plaintext);
  return Status::OK();
}

}  // namespace protocol
}  // namespace foyer
