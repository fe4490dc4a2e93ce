// Server: opening, first-start admin invite, sessions and shared helpers.
#include "server.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <utility>

#include "foyer/crypto.h"
#include "private_file.h"

namespace foyer {
namespace plugin {

namespace {

constexpr const char* kAdminName = "admin";
constexpr const char* kAdminInviteFile = "admin-invite";
constexpr const char* kServiceKeyFile = "gateway.key";

uint64_t SystemNowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

Server::Server(const PluginOptions& options, BrokerPort* port, Clock clock)
    : options_(options), port_(port), clock_(clock ? std::move(clock) : Clock(SystemNowMs)) {}

Server::~Server() {
  if (store_ != nullptr) SaveCounters();
}

Status Server::Open(const PluginOptions& options, BrokerPort* port, Clock clock,
                    std::unique_ptr<Server>* server) {
  if (!crypto::Init()) return Status::Internal("libsodium does not initialise");
  std::unique_ptr<Server> result(new Server(options, port, std::move(clock)));
  StoreOptions store_options;
  store_options.data_dir = options.data_dir;
  store_options.key_file = options.key_file;
  store_options.sync_period_ms = static_cast<int>(options.sync_ms);
  if (!options.passphrase_file.empty()) {
    Status status = ReadPassphraseFile(options.passphrase_file, &store_options.passphrase);
    if (!status.ok()) return status;
  }
  Status status = Store::Open(store_options, &result->store_);
  crypto::Wipe(&store_options.passphrase);
  if (!status.ok()) return status;
  status = LoadCaches(*result->store_, &result->caches_);
  if (!status.ok()) return status;
  // Counters recovered from messages stored after their last write.
  result->SaveCounters();
  status = result->files_.Load(*result->store_, result->Now());
  if (!status.ok()) return status;
  result->household_hex_ = crypto::ToHex(result->store_->household_id());
  result->admin_invite_path_ =
      (std::filesystem::path(options.data_dir) / kAdminInviteFile).string();
  status = result->LoadTokens();
  if (!status.ok()) return status;
  result->service_key_path_ =
      options.gateway_key_file.empty()
          ? (std::filesystem::path(options.data_dir) / kServiceKeyFile).string()
          : options.gateway_key_file;
  status = result->RotateServiceKey();
  if (!status.ok()) return status;
  result->started_ms_ = result->Now();
  status = result->EnsureAdminInvite();
  if (!status.ok()) return status;
  *server = std::move(result);
  return Status::OK();
}

Status Server::EnsureAdminInvite() {
  for (const auto& [name, user] : caches_.users) {
    if (user.role == kRoleAdmin && user.registered) {
      RemoveAdminInviteFile();
      return Status::OK();
    }
  }
  auto admin = caches_.users.find(kAdminName);
  if (admin != caches_.users.end() && admin->second.registered) {
    return Status::Invalid("no registered admin, and the name 'admin' is taken by a " +
                           admin->second.role + " account");
  }
  std::string code;
  InviteRecord invite;
  Status status = CreateInvite(kAdminName, kRoleAdmin, options_.invite_ttl_s, &code, &invite);
  if (!status.ok()) return status;
  status = WritePrivateFile(admin_invite_path_, code + "\n");
  if (!status.ok()) return status;
  Log(LogLevel::kNotice, "admin invite: " + code + " (also in " + admin_invite_path_ + ")");
  return Status::OK();
}

Status Server::CreateInvite(const std::string& name, const std::string& role, uint64_t ttl_s,
                            std::string* code, InviteRecord* invite) {
  UserRecord user;
  auto existing = caches_.users.find(name);
  if (existing != caches_.users.end()) {
    if (existing->second.registered) return Status::Conflict("user " + name + " exists");
    user = existing->second;
  } else {
    user.name = name;
    user.created = Now();
  }
  user.role = role;
  return IssueInvite(std::move(user), ttl_s, code, invite);
}

Status Server::IssueInvite(UserRecord user, uint64_t ttl_s, std::string* code,
                           InviteRecord* invite) {
  const std::string name = user.name;
  std::string old_invite_key = user.invite_key;
  std::string secret = crypto::RandomBytes(16);
  std::string invite_key = store_->InviteKey(secret);
  InviteRecord record;
  record.user = name;
  record.role = user.role;
  record.created = Now();
  record.expires = record.created + ttl_s * 1000;
  user.invite_key = invite_key;

  WriteBatch batch;
  if (!old_invite_key.empty()) batch.Delete(InviteKey(old_invite_key));
  batch.Put(InviteKey(invite_key), EncodeInvite(record));
  batch.Put(UserKey(*store_, name), EncodeUser(user));
  Status status = Write(batch);
  if (!status.ok()) return status;

  if (!old_invite_key.empty()) caches_.invites.erase(old_invite_key);
  caches_.invites[invite_key] = record;
  caches_.users[name] = std::move(user);
  *code = protocol::EncodeInviteCode(store_->household_id(), secret);
  crypto::Wipe(&secret);
  *invite = std::move(record);
  return Status::OK();
}

void Server::RemoveAdminInviteFile() {
  std::error_code error;
  if (std::filesystem::remove(admin_invite_path_, error)) {
    Log(LogLevel::kNotice, "admin registered: removed " + admin_invite_path_);
  }
}

Status Server::Write(const WriteBatch& batch) {
  Status status = store_->Write(batch);
  if (!status.ok()) {
    Log(LogLevel::kError, "store write failed: " + status.ToString());
    return Status::Internal("the server could not write its store");
  }
  return Status::OK();
}

void Server::SendInbox(const std::string& user, const nlohmann::json& event) {
  port_->Publish(protocol::InboxTopic(user), event.dump());
}

void Server::SendInboxToMembers(const ConversationRecord& conversation,
                                const nlohmann::json& event) {
  for (const std::string& member : conversation.members) SendInbox(member, event);
}

void Server::Reply(const Session& session, nlohmann::json response) {
  port_->PublishTo(session.client_id, protocol::kResponseTopic, response.dump());
}

bool Server::IsOnline(const std::string& user) const {
  for (const auto& [client, session] : sessions_) {
    if (!session.invite && !session.service && session.user == user) return true;
  }
  return false;
}

bool Server::IsMember(std::string_view conv, const std::string& user) const {
  auto it = caches_.conversations.find(std::string(conv));
  return it != caches_.conversations.end() && it->second.members.count(user) != 0;
}

const UserRecord* Server::ActiveUser(const std::string& name) const {
  auto it = caches_.users.find(name);
  if (it == caches_.users.end() || !it->second.registered || it->second.disabled) return nullptr;
  return &it->second;
}

const Session* Server::FindSession(const void* client) const {
  auto it = sessions_.find(client);
  return it == sessions_.end() ? nullptr : &it->second;
}

void Server::OnDisconnect(const void* client) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return;
  Session session = std::move(it->second);
  sessions_.erase(it);
  if (session.invite || session.service) return;
  auto user = caches_.users.find(session.user);
  if (user == caches_.users.end()) return;  // deleted meanwhile
  user->second.last_seen = Now();
  Status status = store_->Put(UserKey(*store_, session.user), EncodeUser(user->second));
  if (!status.ok()) Log(LogLevel::kWarning, "cannot persist last_seen: " + status.ToString());
}

}  // namespace plugin
}  // namespace foyer
