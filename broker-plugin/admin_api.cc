// Administration ops behind the gateway's REST API (docs/admin-api.md): the
// token-checked `admin` wrapper of the service account, and the admin ops
// user_reset, conv_stats and status.
#include <string>
#include <utility>

#include "foyer/crypto.h"
#include "request_args.h"
#include "server.h"

#ifndef FOYER_VERSION
#error "FOYER_VERSION must be defined by the build"
#endif

namespace foyer {
namespace plugin {

namespace {

using Json = nlohmann::json;

constexpr uint64_t kMinInviteTtl = 60;
constexpr uint64_t kMaxInviteTtl = 2592000;

}  // namespace

Status Server::OpAdmin(const Session& s, const Json& request, Json* result) {
  std::string token;
  Status status = protocol::GetString(request, "token", &token, 256);
  if (!status.ok()) return status;
  auto call = request.find("call");
  if (call == request.end() || !call->is_object()) {
    return Status::Invalid("field 'call' must be an object holding the admin op");
  }
  std::string name;
  bool valid = CheckToken(token, &name);
  crypto::Wipe(&token);
  if (!valid) return Status::Denied("wrong admin token");
  // The call runs as an admin that is no account: "~token:<name>".
  Session admin = s;
  admin.user = "~token:" + name;
  admin.role = kRoleAdmin;
  admin.service = false;
  return Dispatch(admin, *call, true, result);
}

Status Server::OpUserReset(const Session& s, const Json& request, Json* result) {
  std::string name;
  uint64_t ttl = options_.invite_ttl_s;
  Status status = GetUserNameArg(request, "name", &name);
  if (status.ok() && request.contains("ttl")) status = protocol::GetUint(request, "ttl", &ttl);
  if (status.ok() && (ttl < kMinInviteTtl || ttl > kMaxInviteTtl)) {
    status = Status::Invalid("field 'ttl' must be in 60..2592000");
  }
  if (!status.ok()) return status;
  if (name == s.user) return Status::Denied("an admin cannot reset himself");
  auto it = caches_.users.find(name);
  if (it == caches_.users.end()) return Status::NotFound("unknown user " + name);
  // The account stays (name, role, conversations, public keys until the next
  // registration); its password stops working now.
  UserRecord user = it->second;
  bool was_registered = user.registered;
  user.registered = false;
  user.verifier.clear();
  std::string code;
  InviteRecord invite;
  status = IssueInvite(std::move(user), ttl, &code, &invite);
  if (!status.ok()) return status;
  Log(LogLevel::kNotice, s.user + " reset " + name);
  if (was_registered) port_->KickUser(name);
  *result = Json{{"code", code}, {"user", name}, {"role", invite.role}, {"expires", invite.expires}};
  return Status::OK();
}

Status Server::OpConvStats(const Session& s, const Json& request, Json* result) {
  Json conversations = Json::array();
  for (const auto& [id, conversation] : caches_.conversations) {
    std::string conv_raw;
    crypto::FromHex(id, &conv_raw);
    uint64_t last_activity = conversation.created;
    Status status = store_->Scan(MessagePrefix(conv_raw), "", true,
                                 [&](std::string_view, std::string_view value) {
                                   uint32_t epoch = 0;
                                   uint64_t stime = 0;
                                   if (StoredEnvelopeHeader(value, &epoch, &stime).ok()) {
                                     last_activity = stime;
                                   }
                                   return false;
                                 });
    if (!status.ok()) return Status::Internal("the server could not read its store");
    conversations.push_back(Json{{"conv", id},
                                 {"members", conversation.members},
                                 {"epoch", conversation.epoch},
                                 {"messages", conversation.counters.count},
                                 {"bytes", conversation.counters.bytes},
                                 {"created", conversation.created},
                                 {"last_activity", last_activity}});
  }
  (*result)["conversations"] = std::move(conversations);
  return Status::OK();
}

Status Server::OpStatus(const Session& s, const Json& request, Json* result) {
  uint64_t people = 0, devices = 0, messages = 0, connected = 0;
  for (const auto& [name, user] : caches_.users) (IsPerson(user.role) ? people : devices)++;
  for (const auto& [id, conversation] : caches_.conversations) {
    messages += conversation.counters.count;
  }
  for (const auto& [client, session] : sessions_) {
    if (!session.invite && !session.service) ++connected;
  }
  *result = Json{{"version", FOYER_VERSION},
                 {"uptime_s", (Now() - started_ms_) / 1000},
                 {"users", people},
                 {"devices", devices},
                 {"connected", connected},
                 {"messages", messages},
                 {"disk_bytes", store_->DiskBytes()},
                 {"failed_logins", failed_logins_},
                 {"household", household_hex_}};
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
