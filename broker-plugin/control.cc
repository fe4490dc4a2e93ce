// MOSQ_EVT_CONTROL on $CONTROL/foyer/v1: parses a request, checks who may
// send it, dispatches it by op and answers on $CONTROL/foyer/v1/response to
// the requesting client only (docs/protocol.md §7).
#include <string>

#include "server.h"

namespace foyer {
namespace plugin {

namespace {

constexpr size_t kMaxRequestIdLength = 64;

// kAdmin ops are also open to admin tokens (through the service account's
// `admin` op); kAdminLogin ops only to admins logged in themselves.
enum class Who { kInviteSession, kAccount, kAdmin, kAdminLogin, kService };

}  // namespace

struct Server::OpEntry {
  const char* name;
  Who who;
  Status (Server::*handler)(const Session&, const Json&, Json*);
  // Set instead of `handler` for ops that answer with prebuilt JSON text.
  Status (Server::*text_handler)(const Session&, const Json&, std::string*) = nullptr;
};

const Server::OpEntry Server::kOps[] = {
    {"invite_info", Who::kInviteSession, &Server::OpInviteInfo},
    {"register", Who::kInviteSession, &Server::OpRegister},
    {"whoami", Who::kAccount, &Server::OpWhoami},
    {"bundle_get", Who::kAccount, &Server::OpBundleGet},
    {"bundle_put", Who::kAccount, &Server::OpBundlePut},
    {"users", Who::kAccount, &Server::OpUsers},
    {"keys", Who::kAccount, &Server::OpKeys},
    {"conv_create", Who::kAccount, &Server::OpConvCreate},
    {"conv_list", Who::kAccount, &Server::OpConvList},
    {"conv_get", Who::kAccount, &Server::OpConvGet},
    {"conv_add", Who::kAccount, &Server::OpConvAdd},
    {"conv_remove", Who::kAccount, &Server::OpConvRemove},
    {"conv_leave", Who::kAccount, &Server::OpConvLeave},
    {"conv_rotate", Who::kAccount, &Server::OpConvRotate},
    {"conv_title", Who::kAccount, &Server::OpConvTitle},
    {"epoch_keys", Who::kAccount, &Server::OpEpochKeys},
    {"history", Who::kAccount, nullptr, &Server::OpHistory},
    {"catchup", Who::kAccount, nullptr, &Server::OpCatchup},
    {"file_begin", Who::kAccount, &Server::OpFileBegin},
    {"file_put", Who::kAccount, &Server::OpFilePut},
    {"file_end", Who::kAccount, &Server::OpFileEnd},
    {"file_abort", Who::kAccount, &Server::OpFileAbort},
    {"file_get", Who::kAccount, &Server::OpFileGet},
    {"invite", Who::kAdmin, &Server::OpInvite},
    {"user_list", Who::kAdmin, &Server::OpUserList},
    {"user_disable", Who::kAdmin, &Server::OpUserDisable},
    {"user_enable", Who::kAdmin, &Server::OpUserEnable},
    {"user_delete", Who::kAdmin, &Server::OpUserDelete},
    {"user_reset", Who::kAdmin, &Server::OpUserReset},
    {"conv_stats", Who::kAdmin, &Server::OpConvStats},
    {"status", Who::kAdmin, &Server::OpStatus},
    {"backup_begin", Who::kAdmin, &Server::OpBackupBegin},
    {"backup_chunk", Who::kAdmin, &Server::OpBackupChunk},
    {"backup_end", Who::kAdmin, &Server::OpBackupEnd},
    {"token_create", Who::kAdminLogin, &Server::OpTokenCreate},
    {"token_list", Who::kAdminLogin, &Server::OpTokenList},
    {"token_revoke", Who::kAdminLogin, &Server::OpTokenRevoke},
    {"admin", Who::kService, &Server::OpAdmin},
};

namespace {

// Whether `session` may send an op of kind `who`; `via_token` for the call
// inside an `admin` request.
Status CheckWho(const Session& session, Who who, bool via_token, const std::string& op) {
  if (via_token) {
    if (who == Who::kAdmin) return Status::OK();
    return Status::Denied("op '" + op + "' cannot be called with an admin token");
  }
  if (session.invite) {
    if (who == Who::kInviteSession) return Status::OK();
    return Status::Denied("an invite session may only send invite_info and register");
  }
  if (session.service) {
    if (who == Who::kService || op == "whoami") return Status::OK();
    return Status::Denied("the service account may only send whoami and admin");
  }
  switch (who) {
    case Who::kAccount:
      return Status::OK();
    case Who::kAdmin:
    case Who::kAdminLogin:
      if (session.role == kRoleAdmin) return Status::OK();
      return Status::Denied("op '" + op + "' needs the admin role");
    case Who::kInviteSession:
      return Status::Denied("op '" + op + "' is for invite sessions");
    case Who::kService:
      return Status::Denied("op '" + op + "' is for the service account");
  }
  return Status::Denied("op '" + op + "' is not allowed");
}

}  // namespace

Status Server::Dispatch(const Session& session, const Json& request, bool via_token,
                        Json* result, std::string* text_result) {
  auto op_field = request.find("op");
  if (op_field == request.end() || !op_field->is_string()) {
    return Status::Invalid("field 'op' must be a string");
  }
  const std::string& op = op_field->get_ref<const std::string&>();
  const OpEntry* entry = nullptr;
  for (const OpEntry& candidate : kOps) {
    if (op == candidate.name) entry = &candidate;
  }
  if (entry == nullptr) return Status::Invalid("unknown op '" + op + "'");
  Status status = CheckWho(session, entry->who, via_token, op);
  if (!status.ok()) return status;
  try {
    if (entry->text_handler == nullptr) {
      status = (this->*entry->handler)(session, request, result);
    } else if (text_result != nullptr) {
      status = (this->*entry->text_handler)(session, request, text_result);
    } else {
      status = Status::Invalid("op '" + op + "' cannot be called here");
    }
  } catch (const Json::exception& e) {
    status = Status::Invalid(std::string("malformed argument: ") + e.what());
  }
  if (!status.ok() && status.code() == Status::Code::kInternal) {
    Log(LogLevel::kError, "request " + op + " from " + session.user + " failed: " +
                              status.message());
  }
  if (status.ok()) Log(LogLevel::kDebug, "request " + op + " from " + session.user + " done");
  return status;
}

void Server::OnControl(const void* client, std::string_view payload) {
  const Session* found = FindSession(client);
  if (found == nullptr) return;
  Session session = *found;  // handlers may change the session table
  std::string id;
  auto fail = [&](const Status& status) {
    Reply(session, Json{{"id", id},
                        {"ok", false},
                        {"error", status.CodeName()},
                        {"message", status.message()}});
  };
  if (payload.size() > protocol::kMaxRequestBytes) {
    return fail(Status::Limit("request larger than 256 KiB"));
  }
  Json request = Json::parse(payload, nullptr, false);
  if (!request.is_object()) return fail(Status::Invalid("request is not a JSON object"));
  auto id_field = request.find("id");
  if (id_field == request.end() || !id_field->is_string() ||
      id_field->get_ref<const std::string&>().size() > kMaxRequestIdLength) {
    return fail(Status::Invalid("field 'id' must be a string of at most 64 characters"));
  }
  id = id_field->get<std::string>();
  Json result = Json::object();
  std::string text_result;
  Status status = Dispatch(session, request, false, &result, &text_result);
  if (!status.ok()) return fail(status);
  if (!text_result.empty()) {
    // The same members and order as Reply's dump of {id, ..., ok}.
    port_->PublishTo(session.client_id, protocol::kResponseTopic,
                     "{\"id\":" + Json(id).dump() + "," + text_result + ",\"ok\":true}");
    return;
  }
  result["id"] = id;
  result["ok"] = true;
  Reply(session, std::move(result));
}

}  // namespace plugin
}  // namespace foyer
