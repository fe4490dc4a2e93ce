// Foyer protocol v1 types: names, topics, envelopes, key envelopes, titles,
// key bundles, login derivation and invite codes. docs/protocol.md is the
// specification; this header is its C++ form, shared by the broker plugin and
// the client library. Binary fields hold raw bytes; ids are 32 lowercase hex.
//
// Parse* functions check structure and sizes only and say why they refuse;
// Open*/Verify* functions do the cryptographic checks (client side).
#ifndef FOYER_PROTOCOL_H_
#define FOYER_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "foyer/crypto.h"
#include "foyer/status.h"

namespace foyer {
namespace protocol {

constexpr int kVersion = 1;

// Limits (docs/protocol.md §5, §7).
constexpr size_t kMaxUserNameLength = 32;
constexpr size_t kMaxPlaintextBytes = 64 * 1024;
constexpr size_t kMaxBodyBytes = kMaxPlaintextBytes + crypto::kTagBytes;
constexpr size_t kMaxEnvelopeBytes = 96 * 1024;
constexpr size_t kMaxEphemeralBytes = 1024;
constexpr size_t kMaxPresenceBytes = 256;
constexpr size_t kMaxRequestBytes = 256 * 1024;
constexpr size_t kMaxTitleBytes = 256;        // plaintext title
constexpr size_t kMaxMembers = 50;
constexpr size_t kMaxPeople = 25;             // admin + member accounts
constexpr size_t kMaxDevices = 25;
constexpr int kHistoryDefaultLimit = 50;
constexpr int kHistoryMaxLimit = 200;

// Topics.
extern const char* const kRequestTopic;   // "$CONTROL/foyer/v1"
extern const char* const kResponseTopic;  // "$CONTROL/foyer/v1/response"
extern const char* const kInviteUserName; // "~invite"

std::string SendTopic(std::string_view conv);       // foyer/c/<conv>/send (clients publish)
std::string MessageTopic(std::string_view conv);    // foyer/c/<conv>/m (server delivers)
std::string SignalTopic(std::string_view conv);     // foyer/c/<conv>/signal (clients publish)
std::string EphemeralTopic(std::string_view conv);  // foyer/c/<conv>/e (server delivers)
std::string InboxTopic(std::string_view user);      // foyer/u/<user>/inbox
std::string PresenceTopic(std::string_view user);   // foyer/p/<user>

struct Topic {
  enum class Kind {
    kSend, kMessages, kSignal, kEphemeral, kInbox, kPresence, kRequest, kResponse, kOther
  };
  Kind kind = Kind::kOther;
  std::string id;  // conversation id or user name, when the kind has one
};
// Classifies a concrete topic (no wildcards). Ids are not validated further
// than their form (hex32 for conversations, a valid name for users).
Topic ParseTopic(std::string_view topic);
// The levels of a topic or filter split at '/' ("a//b" has an empty level).
std::vector<std::string_view> SplitTopicLevels(std::string_view topic);

// Names and ids (docs/protocol.md §1).
bool ValidUserName(std::string_view name, std::string* why = nullptr);
// For user kInviteUserName the client id must be "~invite:<suffix>" (suffix required).
bool ValidClientId(std::string_view user, std::string_view client_id, std::string* why = nullptr);
bool ValidHexId(std::string_view id);  // 32 lowercase hex

// Login derivation (docs/protocol.md §2). Runs Argon2id: ~0.3-1 s, 64 MiB.
struct LoginKeys {
  crypto::Secret auth_key;    // 32 bytes, the MQTT password as hex
  crypto::Secret kek;         // 32 bytes
  crypto::Secret bundle_key;  // 32 bytes, KDF(kek, 1, "foyerkek")
};
std::string LoginSalt(std::string_view household_raw, std::string_view user);
Status DeriveLogin(std::string_view password, std::string_view household_raw,
                   std::string_view user, LoginKeys* out);
// The bundle key of a device (its kek is random and kept locally).
crypto::Secret BundleKeyFromKek(const crypto::Secret& kek);

// Key bundle (docs/protocol.md §3).
std::string SealBundle(const crypto::Secret& bundle_key, std::string_view household_raw,
                       std::string_view user, const crypto::BoxKeyPair& box,
                       const crypto::SignKeyPair& sign);  // returns raw nonce || ct
Status OpenBundle(const crypto::Secret& bundle_key, std::string_view household_raw,
                  std::string_view user, std::string_view bundle_raw,
                  crypto::BoxKeyPair* box, crypto::SignKeyPair* sign);

// Message envelope (docs/protocol.md §5).
struct Envelope {
  int v = kVersion;
  std::string conv;   // hex32
  uint32_t epoch = 0;
  std::string from;
  std::string cmid;   // hex32
  uint64_t ts = 0;
  std::string nonce;  // 24 raw bytes
  std::string body;   // raw ciphertext
  std::string sig;    // 64 raw bytes
  uint64_t seq = 0;   // set by the server (0 = not yet)
  uint64_t stime = 0;
};
// Structural checks (fields, types, sizes, encodings). Accepts seq/stime when
// present and refuses any other extra field. Never throws. Errors: kLimit when
// the payload or the body is too large, kInvalid otherwise; the message names
// the field ("field 'epoch' must be in 1..4294967295").
Status ParseEnvelope(std::string_view json, Envelope* out);
Status EnvelopeFromJson(const nlohmann::json& json, Envelope* out);
nlohmann::json EnvelopeToJson(const Envelope& envelope);
std::string SerializeEnvelope(const Envelope& envelope);  // compact JSON
// Appends SerializeEnvelope's text to `out` (history pages are built so).
void AppendEnvelopeJson(const Envelope& envelope, std::string* out);
// Empty when conv, cmid or from is malformed (such an envelope never verifies).
std::string EnvelopeAssociatedData(const Envelope& envelope);
// Encrypts and signs `plaintext` (a JSON document, §5) into a new envelope.
Envelope SealEnvelope(std::string_view conv, uint32_t epoch, std::string_view from,
                      std::string_view cmid, uint64_t ts, const crypto::Secret& epoch_key,
                      const crypto::SignKeyPair& signer, std::string_view plaintext);
// Verifies the signature with the sender's public key, then opens the body.
// kInvalid for a malformed header, kDenied when the signature or the body
// does not check (the message says which).
Status OpenEnvelope(const Envelope& envelope, std::string_view sender_ed25519_public,
                    const crypto::Secret& epoch_key, std::string* plaintext);

// Key envelope (docs/protocol.md §4).
struct KeyEnvelope {
  std::string conv;    // hex32 (not in the JSON form: implied by the request)
  uint32_t epoch = 0;
  std::string from;
  std::string to;
  std::string sealed;  // raw crypto_box_seal output (80 bytes)
  std::string sig;     // raw 64 bytes
};
Status KeyEnvelopeFromJson(const nlohmann::json& json, std::string_view conv, KeyEnvelope* out);
nlohmann::json KeyEnvelopeToJson(const KeyEnvelope& key_envelope);
std::string KeyEnvelopeSignedPart(const KeyEnvelope& key_envelope);
KeyEnvelope MakeKeyEnvelope(std::string_view conv, uint32_t epoch, const crypto::Secret& epoch_key,
                            std::string_view from, const crypto::SignKeyPair& signer,
                            std::string_view to, std::string_view to_x25519_public);
Status OpenKeyEnvelope(const KeyEnvelope& key_envelope, std::string_view from_ed25519_public,
                       const crypto::BoxKeyPair& recipient, crypto::Secret* epoch_key);

// Encrypted conversation title (docs/protocol.md §4).
struct Title {
  uint32_t epoch = 0;
  std::string nonce;  // raw 24
  std::string ct;     // raw
};
Status TitleFromJson(const nlohmann::json& json, Title* out);
nlohmann::json TitleToJson(const Title& title);
Title EncryptTitle(std::string_view conv, uint32_t epoch, const crypto::Secret& epoch_key,
                   std::string_view title);
Status DecryptTitle(std::string_view conv, const Title& title, const crypto::Secret& epoch_key,
                    std::string* text);

// Invite codes (docs/protocol.md §7): b64(0x01 || household 16 || secret 16).
std::string EncodeInviteCode(std::string_view household_raw, std::string_view secret_raw);
Status DecodeInviteCode(std::string_view code, std::string* household_raw,
                        std::string* secret_raw);

// JSON field helpers for request handlers: each returns Invalid with the
// field's name when it is missing or has the wrong type or form.
Status GetString(const nlohmann::json& object, const char* field, std::string* out,
                 size_t max_length = 4096);
Status GetB64(const nlohmann::json& object, const char* field, std::string* raw,
              size_t min_bytes, size_t max_bytes);
Status GetUint(const nlohmann::json& object, const char* field, uint64_t* out);

}  // namespace protocol
}  // namespace foyer

#endif  // FOYER_PROTOCOL_H_
