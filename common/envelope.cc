// Message envelopes (docs/protocol.md §5): structural checks for the server,
// sealing and opening for clients.
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

constexpr const char* kEnvelopeFields[] = {"v",     "conv", "epoch", "from", "cmid",  "ts",
                                           "nonce", "body", "sig",   "seq",  "stime", nullptr};

// The same fields, in the wire order (see SerializeEnvelope).
nlohmann::ordered_json ToOrderedJson(const Envelope& envelope) {
  nlohmann::ordered_json json;
  json["v"] = envelope.v;
  json["conv"] = envelope.conv;
  json["epoch"] = envelope.epoch;
  json["from"] = envelope.from;
  json["cmid"] = envelope.cmid;
  json["ts"] = envelope.ts;
  json["nonce"] = crypto::ToBase64(envelope.nonce);
  json["body"] = crypto::ToBase64(envelope.body);
  json["sig"] = crypto::ToBase64(envelope.sig);
  if (envelope.seq != 0) json["seq"] = envelope.seq;
  if (envelope.stime != 0) json["stime"] = envelope.stime;
  return json;
}

// Header checks shared by the JSON parser and OpenEnvelope.
Status CheckHeader(const Envelope& envelope) {
  if (envelope.v != kVersion) return Status::Invalid("field 'v' must be 1");
  if (!ValidHexId(envelope.conv)) return Status::Invalid("field 'conv' must be 32 lowercase hex");
  if (envelope.epoch == 0) return Status::Invalid("field 'epoch' must be in 1..4294967295");
  std::string why;
  if (!ValidUserName(envelope.from, &why)) {
    return Status::Invalid("field 'from' is not a valid user name: " + why);
  }
  if (!ValidHexId(envelope.cmid)) return Status::Invalid("field 'cmid' must be 32 lowercase hex");
  if (envelope.nonce.size() != crypto::kNonceBytes) {
    return Status::Invalid("field 'nonce' must decode to 24 bytes");
  }
  if (envelope.sig.size() != crypto::kSignatureBytes) {
    return Status::Invalid("field 'sig' must decode to 64 bytes");
  }
  if (envelope.body.size() < crypto::kTagBytes) {
    return Status::Invalid("field 'body' must decode to at least 16 bytes");
  }
  if (envelope.body.size() > kMaxBodyBytes) {
    return Status::Limit("field 'body' is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  }
  return Status::OK();
}

}  // namespace

Status EnvelopeFromJson(const nlohmann::json& json, Envelope* out) {
  if (!json.is_object()) return Status::Invalid("envelope must be a JSON object");
  Envelope envelope;
  uint64_t version = 0;
  Status status = GetUint(json, "v", &version);
  if (!status.ok()) return status;
  if (version != static_cast<uint64_t>(kVersion)) return Status::Invalid("field 'v' must be 1");
  envelope.v = kVersion;
  if (!(status = internal::GetHexId(json, "conv", &envelope.conv)).ok()) return status;
  if (!(status = internal::GetEpoch(json, "epoch", &envelope.epoch)).ok()) return status;
  if (!(status = internal::GetUserName(json, "from", &envelope.from)).ok()) return status;
  if (!(status = internal::GetHexId(json, "cmid", &envelope.cmid)).ok()) return status;
  if (!(status = GetUint(json, "ts", &envelope.ts)).ok()) return status;
  status = GetB64(json, "nonce", &envelope.nonce, crypto::kNonceBytes, crypto::kNonceBytes);
  if (!status.ok()) return status;
  // Sizes of the body are checked by CheckHeader, which reports an oversized
  // body as a limit; the decoding bound only caps the work.
  status = GetB64(json, "body", &envelope.body, 0, kMaxEnvelopeBytes);
  if (!status.ok()) return status;
  status = GetB64(json, "sig", &envelope.sig, crypto::kSignatureBytes, crypto::kSignatureBytes);
  if (!status.ok()) return status;
  if (json.contains("seq") && !(status = GetUint(json, "seq", &envelope.seq)).ok()) return status;
  if (json.contains("stime") && !(status = GetUint(json, "stime", &envelope.stime)).ok()) {
    return status;
  }
  if (!(status = internal::CheckOnlyFields(json, kEnvelopeFields)).ok()) return status;
  if (!(status = CheckHeader(envelope)).ok()) return status;
  *out = std::move(envelope);
  return Status::OK();
}

Status ParseEnvelope(std::string_view text, Envelope* out) {
  if (text.size() > kMaxEnvelopeBytes) {
    return Status::Limit("envelope is larger than " + std::to_string(kMaxEnvelopeBytes) + " bytes");
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    return Status::Invalid(std::string("envelope is not JSON: ") + e.what());
  }
  return EnvelopeFromJson(json, out);
}

nlohmann::json EnvelopeToJson(const Envelope& envelope) {
  // nlohmann::json sorts its members: go through the text form to keep the
  // values identical to SerializeEnvelope's.
  return nlohmann::json::parse(SerializeEnvelope(envelope));
}

std::string SerializeEnvelope(const Envelope& envelope) {
  // Replace invalid UTF-8 (only possible in an unchecked `from` or id)
  // rather than throw.
  return ToOrderedJson(envelope).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string EnvelopeAssociatedData(const Envelope& envelope) {
  std::string conv_raw;
  std::string cmid_raw;
  if (!ValidHexId(envelope.conv) || !ValidHexId(envelope.cmid) || !ValidUserName(envelope.from) ||
      !crypto::FromHex(envelope.conv, &conv_raw) || !crypto::FromHex(envelope.cmid, &cmid_raw)) {
    return std::string();
  }
  std::string ad = "foyer/msg/v1";
  ad.append(conv_raw);
  internal::AppendU32be(&ad, envelope.epoch);
  internal::AppendShortString(&ad, envelope.from);
  ad.append(cmid_raw);
  internal::AppendU64be(&ad, envelope.ts);
  return ad;
}

namespace internal {

Envelope SealEnvelopeWithNonce(std::string_view conv, uint32_t epoch, std::string_view from,
                               std::string_view cmid, uint64_t ts, const crypto::Secret& epoch_key,
                               const crypto::SignKeyPair& signer, std::string_view plaintext,
                               std::string_view nonce) {
  Envelope envelope;
  envelope.conv = std::string(conv);
  envelope.epoch = epoch;
  envelope.from = std::string(from);
  envelope.cmid = std::string(cmid);
  envelope.ts = ts;
  envelope.nonce = std::string(nonce);
  std::string ad = EnvelopeAssociatedData(envelope);
  envelope.body = crypto::AeadSeal(epoch_key, nonce, plaintext, ad);
  envelope.sig = crypto::Sign(signer, ad + envelope.nonce + envelope.body);
  return envelope;
}

}  // namespace internal

Envelope SealEnvelope(std::string_view conv, uint32_t epoch, std::string_view from,
                      std::string_view cmid, uint64_t ts, const crypto::Secret& epoch_key,
                      const crypto::SignKeyPair& signer, std::string_view plaintext) {
  return internal::SealEnvelopeWithNonce(conv, epoch, from, cmid, ts, epoch_key, signer, plaintext,
                                         crypto::RandomBytes(crypto::kNonceBytes));
}

Status OpenEnvelope(const Envelope& envelope, std::string_view sender_ed25519_public,
                    const crypto::Secret& epoch_key, std::string* plaintext) {
  Status status = CheckHeader(envelope);
  if (!status.ok()) return status;
  std::string ad = EnvelopeAssociatedData(envelope);
  if (!crypto::Verify(sender_ed25519_public, ad + envelope.nonce + envelope.body, envelope.sig)) {
    return Status::Denied("envelope signature does not verify with the sender's key");
  }
  if (!crypto::AeadOpen(epoch_key, envelope.nonce, envelope.body, ad, plaintext)) {
    return Status::Denied("envelope body does not open with the epoch key");
  }
  return Status::OK();
}

}  // namespace protocol
}  // namespace foyer
