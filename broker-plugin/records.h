// The store's schema (docs/storage.md): record keys, the JSON form of each
// record, and the in-memory caches loaded from them at start.
//
// Names only ever appear in keys through Store::NameKey; every value is
// sealed by the Store. Conversation ids are kept as 32 hex in memory and as
// 16 raw bytes in keys.
#ifndef FOYER_BROKER_PLUGIN_RECORDS_H_
#define FOYER_BROKER_PLUGIN_RECORDS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "foyer/protocol.h"
#include "foyer/status.h"
#include "foyer/store.h"

namespace foyer {
namespace plugin {

// Roles (docs/protocol.md §7).
constexpr const char* kRoleAdmin = "admin";
constexpr const char* kRoleMember = "member";
constexpr const char* kRoleDevice = "device";
bool ValidRole(std::string_view role);
// Admins and members are people; devices are not.
inline bool IsPerson(std::string_view role) { return role != kRoleDevice; }

struct UserRecord {
  std::string name;
  std::string role;
  bool registered = false;  // false while only invited
  bool disabled = false;
  std::string verifier;     // raw, Store::Verifier(auth_key); empty until registered
  std::string x25519;       // raw public keys, empty until registered
  std::string ed25519;
  std::string bundle;       // raw key bundle
  std::string invite_key;   // raw Store::InviteKey of the pending invite, if any
  uint64_t created = 0;     // ms
  uint64_t last_seen = 0;   // ms, 0 = never
};

struct InviteRecord {
  std::string user;
  std::string role;
  uint64_t created = 0;
  uint64_t expires = 0;  // ms
};

struct Counters {
  uint64_t next_seq = 1;
  uint64_t count = 0;
  uint64_t bytes = 0;
};

struct ConversationRecord {
  std::string id;  // hex32
  std::set<std::string> members;
  uint32_t epoch = 1;
  bool rotate = false;
  nlohmann::json title;  // protocol §4 title object
  uint64_t created = 0;
  std::string creator;
  // Kept in memory and in its own "n" record, which may lag behind the
  // messages: the plugin writes it every few seconds and at shutdown, and
  // LoadCaches recomputes the tail from the "m" keys (RecoverCounters).
  Counters counters;
  bool counters_unsaved = false;  // `counters` differs from the "n" record
  std::string raw;  // the 16 raw bytes of `id`, once a message needed them
};

// Record keys. `conv_raw` is the 16-byte conversation id.
std::string UserKey(const Store& store, std::string_view name);
std::string InviteKey(std::string_view invite_key_raw);
std::string ConversationKey(std::string_view conv_raw);
std::string KeyEnvelopePrefix(std::string_view conv_raw);
std::string KeyEnvelopeKey(const Store& store, std::string_view conv_raw, uint32_t epoch,
                           std::string_view member);
std::string MessagePrefix(std::string_view conv_raw);
std::string MessageKey(std::string_view conv_raw, uint64_t seq);
std::string DedupeKey(const Store& store, std::string_view conv_raw, std::string_view from,
                      std::string_view cmid_raw);
// The same key from the sender's NameKey, when it is already known.
std::string DedupeKeyFromNameKey(std::string_view conv_raw, std::string_view from_name_key,
                                 std::string_view cmid_raw);
std::string CountersKey(std::string_view conv_raw);
// Key layout helpers: the epoch and the member hash of a "k" key, the seq of
// an "m" key (false when the key has another shape).
bool ParseKeyEnvelopeKey(std::string_view key, uint32_t* epoch, std::string_view* name_hash);
bool ParseMessageKey(std::string_view key, uint64_t* seq);
// The raw bytes of a public id (conv, cmid) that is already checked as
// lowercase hex (protocol::ValidHexId); quicker than crypto::FromHex, which
// is constant time for secrets.
std::string RawOfHexId(std::string_view hex);
std::string EncodeU64(uint64_t value);  // 8 bytes big-endian
uint64_t DecodeU64(std::string_view bytes);

// "m" records (docs/storage.md, "Stored envelopes"): a checked, stamped
// envelope in a binary form (first byte kStoredEnvelopeFormat); `conv` and
// `seq` are not in it, they are in the key. Stores written before this form
// hold the stamped JSON text (first byte '{'), which is still read.
constexpr char kStoredEnvelopeFormat = 2;
std::string EncodeStoredEnvelope(const protocol::Envelope& envelope);
// Decodes either form; `conv` (hex) and `seq` come from the record's key.
// Corruption when the value is damaged.
Status DecodeStoredEnvelope(std::string_view value, std::string_view conv, uint64_t seq,
                            protocol::Envelope* envelope);
// The epoch and stime of a stored envelope, from the binary header alone.
Status StoredEnvelopeHeader(std::string_view value, uint32_t* epoch, uint64_t* stime);

std::string EncodeUser(const UserRecord& user);
Status DecodeUser(std::string_view value, UserRecord* user);
std::string EncodeInvite(const InviteRecord& invite);
Status DecodeInvite(std::string_view value, InviteRecord* invite);
// Writes only the "c" record fields (counters have their own record).
std::string EncodeConversation(const ConversationRecord& conversation);
Status DecodeConversation(std::string_view value, ConversationRecord* conversation);
std::string EncodeCounters(const Counters& counters);
Status DecodeCounters(std::string_view value, Counters* counters);
// Brings `counters` (as read from the "n" record, or the defaults when there
// is none) up to date with the "m" records at and after `counters->next_seq`:
// messages stored after the record was last written (a crash, or a stop
// without a clean shutdown). Each one advances next_seq, adds 1 to count and
// the length of its delivered JSON text to bytes, so the result equals what
// writing the record with every message would have left. `*changed` tells
// whether any was found. Corruption when one does not decode.
Status RecoverCounters(const Store& store, std::string_view conv_hex, std::string_view conv_raw,
                       Counters* counters, bool* changed);

// An admin token for the gateway's REST API: only a keyed hash is kept.
struct TokenRecord {
  std::string name;     // label, a user-name-like string
  std::string hash;     // raw, Store::Verifier("token:" || token)
  std::string creator;  // the admin who made it
  uint64_t created = 0;
  uint64_t last_used = 0;
};
std::string TokenKey(const Store& store, std::string_view name);
constexpr std::string_view kTokenPrefix = "t";
std::string EncodeToken(const TokenRecord& token);
Status DecodeToken(std::string_view value, TokenRecord* token);

struct Caches {
  std::map<std::string, UserRecord> users;              // by name
  std::map<std::string, InviteRecord> invites;          // by raw invite key
  std::map<std::string, ConversationRecord> conversations;  // by hex id
};
// Loads every user, invite and conversation (with its counters, recovered
// by RecoverCounters: those that were recovered have counters_unsaved set).
Status LoadCaches(const Store& store, Caches* caches);

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_RECORDS_H_
