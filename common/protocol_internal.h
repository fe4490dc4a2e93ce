// Private to foyer_common, its tests and foyer-make-vectors: byte-layout
// helpers shared by the protocol files, and the sealing functions with a
// caller-chosen nonce that deterministic test vectors need. Production code
// calls the public functions of foyer/protocol.h, which draw random nonces:
// a nonce must never repeat under one key.
#ifndef FOYER_COMMON_PROTOCOL_INTERNAL_H_
#define FOYER_COMMON_PROTOCOL_INTERNAL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "foyer/status.h"

namespace foyer {
namespace protocol {
namespace internal {

inline void AppendU32be(std::string* out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

inline void AppendU64be(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

// u8(len(text)) || text; callers pass valid user names (at most 32 bytes).
inline void AppendShortString(std::string* out, std::string_view text) {
  out->push_back(static_cast<char>(text.size()));
  out->append(text);
}

// Base64url without padding for the public fields of envelopes (nonce, body,
// sig): the same alphabet and the same canonical rules as crypto::ToBase64
// and crypto::FromBase64 (libsodium), whose decoder runs in constant time
// and cost a quarter of the broker's work on a message; ciphertext and
// signatures are public, so these table-driven versions are used instead.
void AppendBase64Url(std::string* out, std::string_view bytes);
// False (and `bytes` unspecified) for a byte outside the URL-safe alphabet,
// a length of 4k+1, or unused trailing bits that are not zero.
bool DecodeBase64Url(std::string_view text, std::string* bytes);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool ValidUtf8(std::string_view text);

// Reads an epoch: an unsigned integer in 1..2^32-1.
Status GetEpoch(const nlohmann::json& object, const char* field, uint32_t* out);
// Reads a user name field and checks it with ValidUserName.
Status GetUserName(const nlohmann::json& object, const char* field, std::string* out);
// Reads a 32-lowercase-hex id field.
Status GetHexId(const nlohmann::json& object, const char* field, std::string* out);
// Refuses any member of `object` not in `allowed` (a null-terminated list).
Status CheckOnlyFields(const nlohmann::json& object, const char* const* allowed);

std::string SealBundleWithNonce(const crypto::Secret& bundle_key, std::string_view household_raw,
                                std::string_view user, const crypto::BoxKeyPair& box,
                                const crypto::SignKeyPair& sign, std::string_view nonce);

Envelope SealEnvelopeWithNonce(std::string_view conv, uint32_t epoch, std::string_view from,
                               std::string_view cmid, uint64_t ts, const crypto::Secret& epoch_key,
                               const crypto::SignKeyPair& signer, std::string_view plaintext,
                               std::string_view nonce);

Title EncryptTitleWithNonce(std::string_view conv, uint32_t epoch, const crypto::Secret& epoch_key,
                            std::string_view title, std::string_view nonce);

// The associated data of a title: "foyer/title/v1" || conv (16 raw) || u32be(epoch).
std::string TitleAssociatedData(std::string_view conv, uint32_t epoch);
// The associated data of a key bundle: "foyer/bundle/v1" || household || user.
std::string BundleAssociatedData(std::string_view household_raw, std::string_view user);

}  // namespace internal
}  // namespace protocol
}  // namespace foyer

#endif  // FOYER_COMMON_PROTOCOL_INTERNAL_H_
