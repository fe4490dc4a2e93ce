// Store schema: keys, record (de)serialisation, cache loading.
#include "records.h"

#include <string>
#include <utility>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer {
namespace plugin {

namespace {

using nlohmann::json;

constexpr size_t kConvRawBytes = 16;
constexpr size_t kNameHashBytes = 16;

Status ParseObject(std::string_view value, const char* what, json* out) {
  *out = json::parse(value, nullptr, false);
  if (!out->is_object()) return Status::Corruption(std::string(what) + " record is not JSON");
  return Status::OK();
}

// Reads optional typed fields; a present field of the wrong type is corruption.
template <typename T>
bool Read(const json& object, const char* field, T* out) {
  auto it = object.find(field);
  if (it == object.end()) return true;
  try {
    *out = it->get<T>();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

bool ReadB64(const json& object, const char* field, std::string* raw) {
  std::string text;
  if (!Read(object, field, &text)) return false;
  raw->clear();
  return text.empty() || crypto::FromBase64(text, raw);
}

bool ReadHex(const json& object, const char* field, std::string* raw) {
  std::string text;
  if (!Read(object, field, &text)) return false;
  raw->clear();
  return text.empty() || crypto::FromHex(text, raw);
}

}  // namespace

bool ValidRole(std::string_view role) {
  return role == kRoleAdmin || role == kRoleMember || role == kRoleDevice;
}

std::string UserKey(const Store& store, std::string_view name) {
  return "u" + store.NameKey(name);
}

std::string InviteKey(std::string_view invite_key_raw) {
  return "i" + std::string(invite_key_raw);
}

std::string ConversationKey(std::string_view conv_raw) { return "c" + std::string(conv_raw); }

std::string KeyEnvelopePrefix(std::string_view conv_raw) { return "k" + std::string(conv_raw); }

std::string KeyEnvelopeKey(const Store& store, std::string_view conv_raw, uint32_t epoch,
                           std::string_view member) {
  std::string key = KeyEnvelopePrefix(conv_raw);
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(epoch >> shift));
  key.append(store.NameKey(member));
  return key;
}

std::string MessagePrefix(std::string_view conv_raw) { return "m" + std::string(conv_raw); }

std::string MessageKey(std::string_view conv_raw, uint64_t seq) {
  return MessagePrefix(conv_raw) + EncodeU64(seq);
}

std::string DedupeKey(const Store& store, std::string_view conv_raw, std::string_view from,
                      std::string_view cmid_raw) {
  return "d" + std::string(conv_raw) + store.NameKey(from) + std::string(cmid_raw);
}

std::string DedupeKeyFromNameKey(std::string_view conv_raw, std::string_view from_name_key,
                                 std::string_view cmid_raw) {
  std::string key;
  key.reserve(1 + conv_raw.size() + from_name_key.size() + cmid_raw.size());
  key.push_back('d');
  key.append(conv_raw).append(from_name_key).append(cmid_raw);
  return key;
}

std::string CountersKey(std::string_view conv_raw) { return "n" + std::string(conv_raw); }

bool ParseKeyEnvelopeKey(std::string_view key, uint32_t* epoch, std::string_view* name_hash) {
  if (key.size() != 1 + kConvRawBytes + 4 + kNameHashBytes || key[0] != 'k') return false;
  uint32_t value = 0;
  for (size_t i = 0; i < 4; ++i) {
    value = (value << 8) | static_cast<uint8_t>(key[1 + kConvRawBytes + i]);
  }
  *epoch = value;
  *name_hash = key.substr(1 + kConvRawBytes + 4);
  return true;
}

bool ParseMessageKey(std::string_view key, uint64_t* seq) {
  if (key.size() != 1 + kConvRawBytes + 8 || key[0] != 'm') return false;
  *seq = DecodeU64(key.substr(1 + kConvRawBytes));
  return true;
}

std::string EncodeU64(uint64_t value) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
  return out;
}

uint64_t DecodeU64(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes.substr(0, 8)) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

namespace {

// Binary stored envelope: format u8 | epoch u32be | ts u64be | stime u64be |
// len(from) u8 | from | cmid 16 | nonce 24 | sig 64 | body (the rest).
constexpr size_t kStoredHeaderBytes = 1 + 4 + 8 + 8 + 1;
constexpr size_t kCmidBytes = 16;

uint64_t ReadBigEndian(std::string_view bytes, size_t offset, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[offset + i]);
  return value;
}

void AppendBigEndian(std::string* out, uint64_t value, size_t size) {
  for (size_t i = size; i-- > 0;) out->push_back(static_cast<char>(value >> (8 * i)));
}

Status BadStoredEnvelope() { return Status::Corruption("a stored message is damaged"); }

}  // namespace

std::string RawOfHexId(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string raw(hex.size() / 2, '\0');
  for (size_t i = 0; i < raw.size(); ++i) {
    raw[i] = static_cast<char>((nibble(hex[2 * i]) << 4) | nibble(hex[2 * i + 1]));
  }
  return raw;
}

std::string EncodeStoredEnvelope(const protocol::Envelope& envelope) {
  std::string cmid_raw = RawOfHexId(envelope.cmid);
  std::string out;
  out.reserve(kStoredHeaderBytes + envelope.from.size() + kCmidBytes + envelope.nonce.size() +
              envelope.sig.size() + envelope.body.size());
  out.push_back(kStoredEnvelopeFormat);
  AppendBigEndian(&out, envelope.epoch, 4);
  AppendBigEndian(&out, envelope.ts, 8);
  AppendBigEndian(&out, envelope.stime, 8);
  out.push_back(static_cast<char>(envelope.from.size()));  // at most 32 (a checked name)
  out.append(envelope.from);
  out.append(cmid_raw);
  out.append(envelope.nonce);
  out.append(envelope.sig);
  out.append(envelope.body);
  return out;
}

Status StoredEnvelopeHeader(std::string_view value, uint32_t* epoch, uint64_t* stime) {
  if (!value.empty() && value[0] == '{') {  // the JSON form of older stores
    protocol::Envelope envelope;
    if (!protocol::ParseEnvelope(value, &envelope).ok()) return BadStoredEnvelope();
    *epoch = envelope.epoch;
    *stime = envelope.stime;
    return Status::OK();
  }
  if (value.size() < kStoredHeaderBytes || value[0] != kStoredEnvelopeFormat) {
    return BadStoredEnvelope();
  }
  *epoch = static_cast<uint32_t>(ReadBigEndian(value, 1, 4));
  *stime = ReadBigEndian(value, 13, 8);
  return Status::OK();
}

Status DecodeStoredEnvelope(std::string_view value, std::string_view conv, uint64_t seq,
                            protocol::Envelope* envelope) {
  protocol::Envelope result;
  if (!value.empty() && value[0] == '{') {
    if (!protocol::ParseEnvelope(value, &result).ok() || result.conv != conv ||
        result.seq != seq) {
      return BadStoredEnvelope();
    }
    *envelope = std::move(result);
    return Status::OK();
  }
  if (value.size() < kStoredHeaderBytes || value[0] != kStoredEnvelopeFormat) {
    return BadStoredEnvelope();
  }
  size_t from_size = static_cast<uint8_t>(value[kStoredHeaderBytes - 1]);
  size_t offset = kStoredHeaderBytes;
  if (value.size() < offset + from_size + kCmidBytes + crypto::kNonceBytes +
                         crypto::kSignatureBytes + crypto::kTagBytes) {
    return BadStoredEnvelope();
  }
  result.conv = std::string(conv);
  result.epoch = static_cast<uint32_t>(ReadBigEndian(value, 1, 4));
  result.ts = ReadBigEndian(value, 5, 8);
  result.stime = ReadBigEndian(value, 13, 8);
  result.seq = seq;
  result.from = std::string(value.substr(offset, from_size));
  offset += from_size;
  result.cmid = crypto::ToHex(value.substr(offset, kCmidBytes));
  offset += kCmidBytes;
  result.nonce = std::string(value.substr(offset, crypto::kNonceBytes));
  offset += crypto::kNonceBytes;
  result.sig = std::string(value.substr(offset, crypto::kSignatureBytes));
  offset += crypto::kSignatureBytes;
  result.body = std::string(value.substr(offset));
  if (result.epoch == 0 || !protocol::ValidUserName(result.from) ||
      result.body.size() > protocol::kMaxBodyBytes) {
    return BadStoredEnvelope();
  }
  *envelope = std::move(result);
  return Status::OK();
}

std::string EncodeUser(const UserRecord& user) {
  return json{{"name", user.name},
              {"role", user.role},
              {"registered", user.registered},
              {"disabled", user.disabled},
              {"verifier", crypto::ToHex(user.verifier)},
              {"x25519", crypto::ToBase64(user.x25519)},
              {"ed25519", crypto::ToBase64(user.ed25519)},
              {"bundle", crypto::ToBase64(user.bundle)},
              {"invite", crypto::ToHex(user.invite_key)},
              {"created", user.created},
              {"last_seen", user.last_seen}}
      .dump();
}

Status DecodeUser(std::string_view value, UserRecord* user) {
  json object;
  Status status = ParseObject(value, "user", &object);
  if (!status.ok()) return status;
  UserRecord result;
  bool ok = Read(object, "name", &result.name) && Read(object, "role", &result.role) &&
            Read(object, "registered", &result.registered) &&
            Read(object, "disabled", &result.disabled) &&
            ReadHex(object, "verifier", &result.verifier) &&
            ReadB64(object, "x25519", &result.x25519) &&
            ReadB64(object, "ed25519", &result.ed25519) &&
            ReadB64(object, "bundle", &result.bundle) &&
            ReadHex(object, "invite", &result.invite_key) &&
            Read(object, "created", &result.created) &&
            Read(object, "last_seen", &result.last_seen);
  if (!ok || !protocol::ValidUserName(result.name) || !ValidRole(result.role)) {
    return Status::Corruption("user record has bad fields");
  }
  *user = std::move(result);
  return Status::OK();
}

std::string EncodeInvite(const InviteRecord& invite) {
  return json{{"user", invite.user},
              {"role", invite.role},
              {"created", invite.created},
              {"expires", invite.expires}}
      .dump();
}

Status DecodeInvite(std::string_view value, InviteRecord* invite) {
  json object;
  Status status = ParseObject(value, "invite", &object);
  if (!status.ok()) return status;
  InviteRecord result;
  bool ok = Read(object, "user", &result.user) && Read(object, "role", &result.role) &&
            Read(object, "created", &result.created) && Read(object, "expires", &result.expires);
  if (!ok || !protocol::ValidUserName(result.user) || !ValidRole(result.role)) {
    return Status::Corruption("invite record has bad fields");
  }
  *invite = std::move(result);
  return Status::OK();
}

std::string EncodeConversation(const ConversationRecord& conversation) {
  return json{{"conv", conversation.id},
              {"members", conversation.members},
              {"epoch", conversation.epoch},
              {"rotate", conversation.rotate},
              {"title", conversation.title},
              {"created", conversation.created},
              {"creator", conversation.creator}}
      .dump();
}

Status DecodeConversation(std::string_view value, ConversationRecord* conversation) {
  json object;
  Status status = ParseObject(value, "conversation", &object);
  if (!status.ok()) return status;
  ConversationRecord result;
  bool ok = Read(object, "conv", &result.id) && Read(object, "members", &result.members) &&
            Read(object, "epoch", &result.epoch) && Read(object, "rotate", &result.rotate) &&
            Read(object, "created", &result.created) && Read(object, "creator", &result.creator);
  auto title = object.find("title");
  if (title != object.end()) result.title = *title;
  if (!ok || !protocol::ValidHexId(result.id) || result.epoch == 0) {
    return Status::Corruption("conversation record has bad fields");
  }
  *conversation = std::move(result);
  return Status::OK();
}

std::string EncodeCounters(const Counters& counters) {
  // Written with every message: the text nlohmann::json would make (members
  // sorted), without building one.
  return "{\"bytes\":" + std::to_string(counters.bytes) +
         ",\"count\":" + std::to_string(counters.count) +
         ",\"next_seq\":" + std::to_string(counters.next_seq) + "}";
}

Status DecodeCounters(std::string_view value, Counters* counters) {
  json object;
  Status status = ParseObject(value, "counters", &object);
  if (!status.ok()) return status;
  Counters result;
  if (!Read(object, "next_seq", &result.next_seq) || !Read(object, "count", &result.count) ||
      !Read(object, "bytes", &result.bytes) || result.next_seq == 0) {
    return Status::Corruption("counters record has bad fields");
  }
  *counters = result;
  return Status::OK();
}

Status RecoverCounters(const Store& store, std::string_view conv_hex, std::string_view conv_raw,
                       Counters* counters, bool* changed) {
  Counters result = *counters;
  Status failure;
  Status status = store.Scan(
      MessagePrefix(conv_raw), MessageKey(conv_raw, result.next_seq), false,
      [&](std::string_view key, std::string_view value) {
        uint64_t seq = 0;
        protocol::Envelope envelope;
        if (!ParseMessageKey(key, &seq)) return true;
        failure = DecodeStoredEnvelope(value, conv_hex, seq, &envelope);
        if (!failure.ok()) return false;
        result.next_seq = seq + 1;
        result.count++;
        result.bytes += protocol::SerializeEnvelope(envelope).size();
        return true;
      });
  if (!status.ok()) return status;
  if (!failure.ok()) {
    return Status::Corruption("cannot recount the messages of a conversation: " +
                              failure.message());
  }
  *changed = result.next_seq != counters->next_seq;
  *counters = result;
  return Status::OK();
}

Status LoadCaches(const Store& store, Caches* caches) {
  Caches loaded;
  Status failure;
  auto fail = [&failure](Status status) {
    failure = std::move(status);
    return false;
  };
  Status status = store.Scan("u", {}, false, [&](std::string_view, std::string_view value) {
    UserRecord user;
    Status decoded = DecodeUser(value, &user);
    if (!decoded.ok()) return fail(decoded);
    std::string name = user.name;
    loaded.users.emplace(std::move(name), std::move(user));
    return true;
  });
  if (!status.ok()) return status;
  if (!failure.ok()) return failure;
  status = store.Scan("i", {}, false, [&](std::string_view key, std::string_view value) {
    InviteRecord invite;
    Status decoded = DecodeInvite(value, &invite);
    if (!decoded.ok()) return fail(decoded);
    loaded.invites.emplace(std::string(key.substr(1)), std::move(invite));
    return true;
  });
  if (!status.ok()) return status;
  if (!failure.ok()) return failure;
  status = store.Scan("c", {}, false, [&](std::string_view, std::string_view value) {
    ConversationRecord conversation;
    Status decoded = DecodeConversation(value, &conversation);
    if (!decoded.ok()) return fail(decoded);
    std::string id = conversation.id;
    loaded.conversations.emplace(std::move(id), std::move(conversation));
    return true;
  });
  if (!status.ok()) return status;
  if (!failure.ok()) return failure;
  status = store.Scan("n", {}, false, [&](std::string_view key, std::string_view value) {
    Counters counters;
    Status decoded = DecodeCounters(value, &counters);
    if (!decoded.ok()) return fail(decoded);
    auto it = loaded.conversations.find(crypto::ToHex(key.substr(1)));
    if (it != loaded.conversations.end()) it->second.counters = counters;
    return true;
  });
  if (!status.ok()) return status;
  if (!failure.ok()) return failure;
  for (auto& [id, conversation] : loaded.conversations) {
    crypto::FromHex(id, &conversation.raw);
    status = RecoverCounters(store, id, conversation.raw, &conversation.counters,
                             &conversation.counters_unsaved);
    if (!status.ok()) return status;
  }
  *caches = std::move(loaded);
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
