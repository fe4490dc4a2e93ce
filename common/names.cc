// Names, ids, topics and invite codes (docs/protocol.md §1, §6, §7).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "protocol_internal.h"

namespace foyer {
namespace protocol {

const char* const kRequestTopic = "$CONTROL/foyer/v1";
const char* const kResponseTopic = "$CONTROL/foyer/v1/response";
const char* const kInviteUserName = "~invite";

namespace {

constexpr size_t kMaxClientSuffixLength = 32;
constexpr size_t kIdBytes = 16;
constexpr char kInviteCodeVersion = 0x01;
constexpr size_t kInviteCodeLength = 44;  // b64 of 33 bytes

bool Fail(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
  return false;
}

bool IsLowerAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ValidClientSuffix(std::string_view suffix, std::string* why) {
  if (suffix.empty()) return Fail(why, "client id suffix after ':' is empty");
  if (suffix.size() > kMaxClientSuffixLength) {
    return Fail(why, "client id suffix is longer than 32 characters");
  }
  for (char c : suffix) {
    bool ok = IsLowerAlpha(c) || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '_' || c == '-';
    if (!ok) return Fail(why, "client id suffix may only hold A-Z a-z 0-9 _ -");
  }
  return true;
}

}  // namespace

std::vector<std::string_view> SplitTopicLevels(std::string_view topic) {
  std::vector<std::string_view> levels;
  size_t start = 0;
  while (true) {
    size_t slash = topic.find('/', start);
    if (slash == std::string_view::npos) {
      levels.push_back(topic.substr(start));
      return levels;
    }
    levels.push_back(topic.substr(start, slash - start));
    start = slash + 1;
  }
}


bool ValidUserName(std::string_view name, std::string* why) {
  if (name.empty()) return Fail(why, "user name is empty");
  if (name.size() > kMaxUserNameLength) return Fail(why, "user name is longer than 32 characters");
  if (!IsLowerAlpha(name[0])) return Fail(why, "user name must start with a letter a-z");
  for (char c : name) {
    if (!(IsLowerAlpha(c) || IsDigit(c) || c == '.' || c == '_' || c == '-')) {
      return Fail(why, "user name may only hold a-z 0-9 . _ -");
    }
  }
  return true;
}

bool ValidClientId(std::string_view user, std::string_view client_id, std::string* why) {
  if (user == kInviteUserName) {
    // Invite sessions: "~invite:" and a suffix, which is required (§7).
    std::string_view prefix = "~invite:";
    if (client_id.substr(0, prefix.size()) != prefix) {
      return Fail(why, "an invite session's client id must be ~invite:<suffix>");
    }
    return ValidClientSuffix(client_id.substr(prefix.size()), why);
  }
  std::string name_why;
  if (!ValidUserName(user, &name_why)) return Fail(why, name_why);
  if (client_id == user) return true;
  if (client_id.size() <= user.size() || client_id.substr(0, user.size()) != user ||
      client_id[user.size()] != ':') {
    return Fail(why, "client id must be the user name or the user name + ':' + a suffix");
  }
  return ValidClientSuffix(client_id.substr(user.size() + 1), why);
}

bool ValidHexId(std::string_view id) {
  if (id.size() != 2 * kIdBytes) return false;
  for (char c : id) {
    if (!(IsDigit(c) || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string SendTopic(std::string_view conv) { return "foyer/c/" + std::string(conv) + "/send"; }

std::string MessageTopic(std::string_view conv) { return "foyer/c/" + std::string(conv) + "/m"; }

std::string SignalTopic(std::string_view conv) {
  return "foyer/c/" + std::string(conv) + "/signal";
}

std::string EphemeralTopic(std::string_view conv) { return "foyer/c/" + std::string(conv) + "/e"; }

std::string InboxTopic(std::string_view user) { return "foyer/u/" + std::string(user) + "/inbox"; }

std::string PresenceTopic(std::string_view user) { return "foyer/p/" + std::string(user); }

Topic ParseTopic(std::string_view topic) {
  Topic result;
  if (topic == kRequestTopic) {
    result.kind = Topic::Kind::kRequest;
    return result;
  }
  if (topic == kResponseTopic) {
    result.kind = Topic::Kind::kResponse;
    return result;
  }
  std::vector<std::string_view> levels = SplitTopicLevels(topic);
  if (levels.size() < 3 || levels[0] != "foyer") return result;
  std::string_view area = levels[1];
  std::string_view id = levels[2];
  if (area == "c" && levels.size() == 4 && ValidHexId(id)) {
    std::string_view leaf = levels[3];
    if (leaf == "send") result.kind = Topic::Kind::kSend;
    if (leaf == "m") result.kind = Topic::Kind::kMessages;
    if (leaf == "signal") result.kind = Topic::Kind::kSignal;
    if (leaf == "e") result.kind = Topic::Kind::kEphemeral;
  } else if (area == "u" && levels.size() == 4 && levels[3] == "inbox" && ValidUserName(id)) {
    result.kind = Topic::Kind::kInbox;
  } else if (area == "p" && levels.size() == 3 && ValidUserName(id)) {
    result.kind = Topic::Kind::kPresence;
  }
  if (result.kind != Topic::Kind::kOther) result.id = std::string(id);
  return result;
}

std::string EncodeInviteCode(std::string_view household_raw, std::string_view secret_raw) {
  std::string raw(1, kInviteCodeVersion);
  raw.append(household_raw);
  raw.append(secret_raw);
  return crypto::ToBase64(raw);
}

Status DecodeInviteCode(std::string_view code, std::string* household_raw,
                        std::string* secret_raw) {
  if (code.size() != kInviteCodeLength) {
    return Status::Invalid("invite code must be 44 characters");
  }
  std::string raw;
  if (!crypto::FromBase64(code, &raw) || raw.size() != 1 + 2 * kIdBytes) {
    return Status::Invalid("invite code is not valid base64url");
  }
  if (raw[0] != kInviteCodeVersion) return Status::Invalid("invite code has an unknown version");
  *household_raw = raw.substr(1, kIdBytes);
  *secret_raw = raw.substr(1 + kIdBytes, kIdBytes);
  crypto::Wipe(&raw);
  return Status::OK();
}

}  // namespace protocol
}  // namespace foyer
