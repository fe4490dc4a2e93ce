// Account requests: invite sessions (invite_info, register), every account
// (whoami, bundle_get, bundle_put, users, keys) and admins (invite, user_list,
// user_disable, user_enable, user_delete).
#include <string>
#include <utility>

#include "foyer/crypto.h"
#include "request_args.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

using Json = nlohmann::json;

constexpr size_t kMinBundleBytes = crypto::kNonceBytes + crypto::kTagBytes;
constexpr size_t kMaxBundleBytes = 4096;
constexpr uint64_t kMinInviteTtl = 60;
constexpr uint64_t kMaxInviteTtl = 2592000;
constexpr size_t kMaxKeysQuery = 100;

Json PublicKeys(const UserRecord& user) {
  return Json{{"x25519", crypto::ToBase64(user.x25519)},
              {"ed25519", crypto::ToBase64(user.ed25519)}};
}

}  // namespace

Status Server::OpInviteInfo(const Session& s, const Json& request, Json* result) {
  auto invite = caches_.invites.find(s.invite_key);
  if (invite == caches_.invites.end()) return Status::NotFound("the invite has been used");
  if (Now() >= invite->second.expires) return Status::Expired("the invite has expired");
  *result = Json{{"user", invite->second.user},
                 {"role", invite->second.role},
                 {"household", household_hex_},
                 {"expires", invite->second.expires}};
  return Status::OK();
}

Status Server::OpRegister(const Session& s, const Json& request, Json* result) {
  std::string auth_key, x25519, ed25519, bundle;
  Status status = GetAuthKeyArg(request, &auth_key);
  if (status.ok()) status = protocol::GetB64(request, "x25519", &x25519, 32, 32);
  if (status.ok()) status = protocol::GetB64(request, "ed25519", &ed25519, 32, 32);
  if (status.ok()) {
    status = protocol::GetB64(request, "bundle", &bundle, kMinBundleBytes, kMaxBundleBytes);
  }
  if (!status.ok()) {
    crypto::Wipe(&auth_key);
    return status;
  }
  auto invite = caches_.invites.find(s.invite_key);
  if (invite == caches_.invites.end()) return Status::NotFound("the invite has been used");
  if (Now() >= invite->second.expires) return Status::Expired("the invite has expired");
  auto existing = caches_.users.find(invite->second.user);
  if (existing == caches_.users.end() || existing->second.registered) {
    return Status::Conflict("the invited account is gone or already registered");
  }
  UserRecord user = existing->second;
  user.registered = true;
  user.verifier = store_->Verifier(auth_key);
  crypto::Wipe(&auth_key);
  user.x25519 = std::move(x25519);
  user.ed25519 = std::move(ed25519);
  user.bundle = std::move(bundle);
  user.invite_key.clear();
  user.created = Now();

  WriteBatch batch;
  batch.Put(UserKey(*store_, user.name), EncodeUser(user));
  batch.Delete(InviteKey(s.invite_key));
  status = Write(batch);
  if (!status.ok()) return status;
  caches_.invites.erase(s.invite_key);
  *result = Json{{"user", user.name}, {"role", user.role}};
  bool admin = user.role == kRoleAdmin;
  Log(LogLevel::kNotice, "registered " + user.role + " " + user.name);
  caches_.users[user.name] = std::move(user);
  if (admin) RemoveAdminInviteFile();
  return Status::OK();
}

Status Server::OpWhoami(const Session& s, const Json& request, Json* result) {
  *result = Json{{"user", s.user}, {"role", s.role}, {"household", household_hex_}};
  return Status::OK();
}

Status Server::OpBundleGet(const Session& s, const Json& request, Json* result) {
  const UserRecord* user = ActiveUser(s.user);
  if (user == nullptr) return Status::NotFound("account not found");
  *result = PublicKeys(*user);
  (*result)["bundle"] = crypto::ToBase64(user->bundle);
  return Status::OK();
}

Status Server::OpBundlePut(const Session& s, const Json& request, Json* result) {
  std::string bundle, auth_key;
  Status status =
      protocol::GetB64(request, "bundle", &bundle, kMinBundleBytes, kMaxBundleBytes);
  if (status.ok() && request.contains("auth_key")) status = GetAuthKeyArg(request, &auth_key);
  if (!status.ok()) return status;
  const UserRecord* current = ActiveUser(s.user);
  if (current == nullptr) return Status::NotFound("account not found");
  UserRecord user = *current;
  user.bundle = std::move(bundle);
  if (!auth_key.empty()) user.verifier = store_->Verifier(auth_key);
  crypto::Wipe(&auth_key);
  status = store_->Put(UserKey(*store_, user.name), EncodeUser(user));
  if (!status.ok()) return Status::Internal("the server could not write its store");
  caches_.users[user.name] = std::move(user);
  return Status::OK();
}

Status Server::OpUsers(const Session& s, const Json& request, Json* result) {
  Json users = Json::array();
  for (const auto& [name, user] : caches_.users) {
    if (!user.registered || user.disabled) continue;
    Json entry = PublicKeys(user);
    entry["name"] = name;
    entry["role"] = user.role;
    users.push_back(std::move(entry));
  }
  (*result)["users"] = std::move(users);
  return Status::OK();
}

Status Server::OpKeys(const Session& s, const Json& request, Json* result) {
  auto names = request.find("users");
  if (names == request.end() || !names->is_array() || names->empty() ||
      names->size() > kMaxKeysQuery) {
    return Status::Invalid("field 'users' must be an array of 1-100 names");
  }
  Json keys = Json::object();
  for (const Json& name : *names) {
    if (!name.is_string()) return Status::Invalid("field 'users' must hold names");
    auto user = caches_.users.find(name.get<std::string>());
    if (user == caches_.users.end() || !user->second.registered) {
      return Status::NotFound("unknown user " + name.get<std::string>());
    }
    keys[user->first] = PublicKeys(user->second);
  }
  (*result)["keys"] = std::move(keys);
  return Status::OK();
}

Status Server::OpInvite(const Session& s, const Json& request, Json* result) {
  std::string name, role = kRoleMember;
  uint64_t ttl = options_.invite_ttl_s;
  Status status = GetUserNameArg(request, "name", &name);
  if (status.ok() && request.contains("role")) status = protocol::GetString(request, "role", &role, 16);
  if (status.ok() && !ValidRole(role)) status = Status::Invalid("field 'role' must be member, admin or device");
  if (status.ok() && request.contains("ttl")) status = protocol::GetUint(request, "ttl", &ttl);
  if (status.ok() && (ttl < kMinInviteTtl || ttl > kMaxInviteTtl)) {
    status = Status::Invalid("field 'ttl' must be in 60..2592000");
  }
  if (!status.ok()) return status;
  auto existing = caches_.users.find(name);
  if (existing != caches_.users.end() && existing->second.registered) {
    return Status::Conflict("user " + name + " already exists");
  }
  uint64_t people = 0, devices = 0;
  for (const auto& [other, user] : caches_.users) {
    if (other == name) continue;
    (IsPerson(user.role) ? people : devices)++;
  }
  if (IsPerson(role) && people + 1 > options_.max_people) {
    return Status::Limit("at most " + std::to_string(options_.max_people) + " people");
  }
  if (!IsPerson(role) && devices + 1 > options_.max_devices) {
    return Status::Limit("at most " + std::to_string(options_.max_devices) + " devices");
  }
  std::string code;
  InviteRecord invite;
  status = CreateInvite(name, role, ttl, &code, &invite);
  if (!status.ok()) return status;
  Log(LogLevel::kNotice, s.user + " invited " + role + " " + name);
  *result = Json{{"code", code}, {"user", name}, {"role", role}, {"expires", invite.expires}};
  return Status::OK();
}

Status Server::OpUserList(const Session& s, const Json& request, Json* result) {
  Json users = Json::array();
  for (const auto& [name, user] : caches_.users) {
    users.push_back(Json{{"name", name},
                         {"role", user.role},
                         {"created", user.created},
                         {"last_seen", user.last_seen},
                         {"online", IsOnline(name)},
                         {"disabled", user.disabled},
                         {"registered", user.registered}});
  }
  (*result)["users"] = std::move(users);
  return Status::OK();
}

Status Server::SetDisabled(const Session& s, const Json& request, bool disabled) {
  std::string name;
  Status status = GetUserNameArg(request, "name", &name);
  if (!status.ok()) return status;
  if (name == s.user) return Status::Denied("an admin cannot disable or enable himself");
  auto it = caches_.users.find(name);
  if (it == caches_.users.end()) return Status::NotFound("unknown user " + name);
  UserRecord user = it->second;
  user.disabled = disabled;
  status = store_->Put(UserKey(*store_, name), EncodeUser(user));
  if (!status.ok()) return Status::Internal("the server could not write its store");
  it->second = std::move(user);
  Log(LogLevel::kNotice, s.user + (disabled ? " disabled " : " enabled ") + name);
  if (disabled) port_->KickUser(name);
  return Status::OK();
}

Status Server::OpUserDisable(const Session& s, const Json& request, Json* result) {
  return SetDisabled(s, request, true);
}

Status Server::OpUserEnable(const Session& s, const Json& request, Json* result) {
  return SetDisabled(s, request, false);
}

Status Server::OpUserDelete(const Session& s, const Json& request, Json* result) {
  std::string name;
  Status status = GetUserNameArg(request, "name", &name);
  if (!status.ok()) return status;
  if (name == s.user) return Status::Denied("an admin cannot delete himself");
  auto it = caches_.users.find(name);
  if (it == caches_.users.end()) return Status::NotFound("unknown user " + name);

  WriteBatch batch;
  batch.Delete(UserKey(*store_, name));
  if (!it->second.invite_key.empty()) batch.Delete(InviteKey(it->second.invite_key));
  std::string name_hash = store_->NameKey(name);
  std::vector<ConversationRecord> changed;
  for (const auto& [conv, conversation] : caches_.conversations) {
    if (conversation.members.count(name) == 0) continue;
    ConversationRecord updated = conversation;
    updated.members.erase(name);
    if (!updated.members.empty()) updated.rotate = true;
    std::string conv_raw;
    crypto::FromHex(conv, &conv_raw);
    batch.Put(ConversationKey(conv_raw), EncodeConversation(updated));
    status = store_->ScanKeys(KeyEnvelopePrefix(conv_raw), [&](std::string_view key) {
      uint32_t epoch;
      std::string_view hash;
      if (ParseKeyEnvelopeKey(key, &epoch, &hash) && hash == name_hash) {
        batch.Delete(std::string(key));
      }
      return true;
    });
    if (!status.ok()) return Status::Internal("the server could not read its store");
    changed.push_back(std::move(updated));
  }
  status = Write(batch);
  if (!status.ok()) return status;

  caches_.invites.erase(it->second.invite_key);
  caches_.users.erase(it);
  for (ConversationRecord& conversation : changed) {
    SendInboxToMembers(conversation, Json{{"event", "rotate_needed"}, {"conv", conversation.id}});
    std::string id = conversation.id;
    caches_.conversations[id] = std::move(conversation);
  }
  Log(LogLevel::kNotice, s.user + " deleted " + name);
  port_->KickUser(name);
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
