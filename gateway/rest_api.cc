#include "rest_api.h"

#include <ctime>
#include <memory>
#include <utility>

#include "backup_stream.h"

namespace foyer {
namespace gateway {

namespace {

using Json = nlohmann::json;

constexpr char kTokenPrefix[] = "foyer_";
constexpr size_t kTokenTextBytes = 6 + 43;  // "foyer_" + b64 of 32 bytes

// An admin call in progress: the caller's token, once checked for shape and
// lockout. False (and the answer set) when the call must stop here.
bool Authorize(const RestContext& context, const httplib::Request& req, httplib::Response& res,
               std::string* token) {
  uint64_t wait = context.lockout->RetryAfterSeconds(req.remote_addr);
  if (wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    SetError(res, 429, "locked_out",
             "too many wrong tokens from this address; retry in " + std::to_string(wait) + " s");
    return false;
  }
  std::string header = req.get_header_value("Authorization");
  const std::string bearer = "Bearer ";
  if (header.compare(0, bearer.size(), bearer) != 0 || header.size() == bearer.size()) {
    res.set_header("WWW-Authenticate", "Bearer");
    SetError(res, 401, "unauthorized", "an admin token is required: Authorization: Bearer <token>");
    return false;
  }
  *token = header.substr(bearer.size());
  if (token->size() != kTokenTextBytes || token->compare(0, 6, kTokenPrefix) != 0) {
    context.lockout->Failure(req.remote_addr);
    res.set_header("WWW-Authenticate", "Bearer");
    SetError(res, 401, "unauthorized", "wrong admin token");
    return false;
  }
  return true;
}

// Runs `call` for an authorized caller; false with the answer set on error.
// `token_out` (optional) receives the caller's token for further calls.
bool Call(const RestContext& context, const httplib::Request& req, httplib::Response& res,
          const Json& call, Json* result, std::string* token_out = nullptr) {
  std::string token;
  if (!Authorize(context, req, res, &token)) return false;
  Status status = context.backend->AdminCall(token, call, result);
  if (status.code() == Status::Code::kDenied && status.message() == kWrongTokenMessage) {
    context.lockout->Failure(req.remote_addr);
    res.set_header("WWW-Authenticate", "Bearer");
    SetError(res, 401, "unauthorized", "wrong admin token");
    return false;
  }
  if (!status.ok()) {
    SetStatusError(res, status);
    return false;
  }
  context.lockout->Success(req.remote_addr);
  if (token_out != nullptr) *token_out = std::move(token);
  return true;
}

// The JSON body of a POST (an empty body is {}); false with a 400 set.
bool ParseBody(const httplib::Request& req, httplib::Response& res, Json* body) {
  if (req.body.empty()) {
    *body = Json::object();
    return true;
  }
  *body = Json::parse(req.body, nullptr, false);
  if (!body->is_object()) {
    SetError(res, 400, "invalid", "the request body must be a JSON object");
    return false;
  }
  return true;
}

std::string InviteLink(const RestContext& context, const std::string& code) {
  std::string base = context.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/#invite=" + code;
}

void GetStatus(const RestContext& context, const httplib::Request& req, httplib::Response& res) {
  Json result;
  if (!Call(context, req, res, Json{{"op", "status"}}, &result)) return;
  Json body;
  for (const char* field : {"version", "uptime_s", "users", "devices", "connected", "messages",
                            "disk_bytes", "household"}) {
    body[field] = result[field];
  }
  SetJson(res, 200, body);
}

void GetUsers(const RestContext& context, const httplib::Request& req, httplib::Response& res) {
  Json result;
  if (!Call(context, req, res, Json{{"op", "user_list"}}, &result)) return;
  SetJson(res, 200, Json{{"users", result["users"]}});
}

void PostUser(const RestContext& context, const httplib::Request& req, httplib::Response& res) {
  Json body;
  if (!ParseBody(req, res, &body)) return;
  Json call{{"op", "invite"}};
  for (const char* field : {"name", "role", "ttl"}) {
    if (body.contains(field)) call[field] = body[field];
  }
  Json result;
  if (!Call(context, req, res, call, &result)) return;
  std::string code = result.value("code", "");
  SetJson(res, 201, Json{{"user", result["user"]},
                         {"role", result["role"]},
                         {"code", code},
                         {"link", InviteLink(context, code)},
                         {"expires", result["expires"]}});
}

void UserAction(const RestContext& context, const httplib::Request& req, httplib::Response& res) {
  std::string name = req.matches[1];
  std::string action = req.matches[2];
  Json body;
  if (!ParseBody(req, res, &body)) return;
  Json call{{"op", "user_" + action}, {"name", name}};
  if (action == "reset" && body.contains("ttl")) call["ttl"] = body["ttl"];
  Json result;
  if (!Call(context, req, res, call, &result)) return;
  if (action == "reset") {
    std::string code = result.value("code", "");
    SetJson(res, 200, Json{{"user", name},
                           {"role", result["role"]},
                           {"code", code},
                           {"link", InviteLink(context, code)},
                           {"expires", result["expires"]}});
    return;
  }
  SetJson(res, 200, Json{{"user", name}, {"disabled", action == "disable"}});
}

void DeleteUser(const RestContext& context, const httplib::Request& req, httplib::Response& res) {
  std::string name = req.matches[1];
  Json result;
  if (!Call(context, req, res, Json{{"op", "user_delete"}, {"name", name}}, &result)) return;
  SetJson(res, 200, Json{{"user", name}, {"deleted", true}});
}

void GetConversations(const RestContext& context, const httplib::Request& req,
                      httplib::Response& res) {
  Json result;
  if (!Call(context, req, res, Json{{"op", "conv_stats"}}, &result)) return;
  SetJson(res, 200, Json{{"conversations", result["conversations"]}});
}

void GetBackup(const RestContext& context, const httplib::Request& req, httplib::Response& res) {
  Json begin;
  std::string token;
  if (!Call(context, req, res, Json{{"op", "backup_begin"}}, &begin, &token)) return;
  auto stream = std::make_shared<BackupStream>(context.backend, token, begin);
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof(date), "%Y%m%d-%H%M%S", std::gmtime(&now));
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Disposition",
                 std::string("attachment; filename=\"foyer-") + date + ".backup\"");
  res.set_chunked_content_provider(
      "application/octet-stream",
      [stream](size_t, httplib::DataSink& sink) { return stream->Next(sink); },
      [stream](bool) { stream->Finish(); });
}

void GetMetrics(const RestContext& context, const httplib::Request& req, httplib::Response& res) {
  Json status;
  if (!Call(context, req, res, Json{{"op", "status"}}, &status)) return;
  std::string text;
  auto metric = [&text](const char* name, const char* type, const char* help) {
    text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  metric("foyer_connected_clients", "gauge", "People and devices connected to the broker.");
  text += "foyer_connected_clients " + std::to_string(status.value("connected", 0)) + "\n";
  metric("foyer_messages_stored_total", "counter", "Messages in the store.");
  text += "foyer_messages_stored_total " + std::to_string(status.value("messages", 0)) + "\n";
  metric("foyer_store_bytes", "gauge", "Bytes of the store on disk.");
  text += "foyer_store_bytes " + std::to_string(status.value("disk_bytes", 0)) + "\n";
  metric("foyer_failed_logins_total", "counter",
         "Refused MQTT logins (since the broker started) and wrong admin tokens (since the "
         "gateway started).");
  text += "foyer_failed_logins_total{source=\"mqtt\"} " +
          std::to_string(status.value("failed_logins", 0)) + "\n";
  text += "foyer_failed_logins_total{source=\"token\"} " +
          std::to_string(context.lockout->failures()) + "\n";
  metric("foyer_http_requests_total", "counter", "HTTP answers of this gateway by status.");
  for (const auto& [code, count] : context.counters->Snapshot()) {
    text += "foyer_http_requests_total{code=\"" + std::to_string(code) + "\"} " +
            std::to_string(count) + "\n";
  }
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void RegisterRestApi(httplib::Server& server, const RestContext* context) {
  auto bind = [context](void (*handler)(const RestContext&, const httplib::Request&,
                                        httplib::Response&)) {
    return [context, handler](const httplib::Request& req, httplib::Response& res) {
      handler(*context, req, res);
    };
  };
  server.Get("/api/v1/status", bind(GetStatus));
  server.Get("/api/v1/users", bind(GetUsers));
  server.Post("/api/v1/users", bind(PostUser));
  server.Post(R"(/api/v1/users/([^/]+)/(disable|enable|reset))", bind(UserAction));
  server.Delete(R"(/api/v1/users/([^/]+))", bind(DeleteUser));
  server.Get("/api/v1/conversations", bind(GetConversations));
  server.Get("/api/v1/backup", bind(GetBackup));
  server.Get("/metrics", bind(GetMetrics));
}

}  // namespace gateway
}  // namespace foyer
