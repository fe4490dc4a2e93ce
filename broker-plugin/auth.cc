// MOSQ_EVT_BASIC_AUTH (docs/protocol.md §7-§8) with the login lockout. A login
// costs one keyed BLAKE2b: Argon2id never runs in the broker.
#include <cstring>
#include <string>

#include "foyer/crypto.h"
#include "lockout.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

std::string AccountKey(std::string_view user) { return "user:" + std::string(user); }
std::string AddressKey(std::string_view address) { return "addr:" + std::string(address); }

}  // namespace

bool Server::Authenticate(const void* client, std::string_view client_id, const char* username,
                          const char* password, std::string_view address) {
  if (username == nullptr || password == nullptr || username[0] == '\0') {
    Log(LogLevel::kNotice, "login refused: no user name or password");
    return false;
  }
  std::string user(username);
  bool invite = user == protocol::kInviteUserName;
  // The service account is not locked by account (anyone could lock the
  // gateway out); its address is, like every address.
  bool service = user == kServiceUserName;
  uint64_t now = Now();
  std::string account_key = AccountKey(user);
  std::string address_key = AddressKey(address);
  bool by_account = !invite && !service;
  if ((by_account && !lockout_.Allowed(account_key, now)) ||
      !address_lockout_.Allowed(address_key, now)) {
    ++failed_logins_;
    Log(LogLevel::kNotice, "login refused without checking (locked out): " +
                               (invite ? std::string("invite session") : user));
    return false;
  }
  Session session;
  bool ok = invite    ? CheckInviteLogin(client_id, password, &session)
            : service ? CheckServiceLogin(client_id, password, &session)
                      : CheckUserLogin(client_id, user, password, &session);
  if (!ok) {
    ++failed_logins_;
    if (by_account) lockout_.Failure(account_key, now);
    address_lockout_.Failure(address_key, now);
    return false;
  }
  if (by_account) {
    lockout_.Success(account_key);
    caches_.users[user].last_seen = now;
    session.name_key = store_->NameKey(user);
  }
  session.client_id = std::string(client_id);
  sessions_[client] = std::move(session);
  return true;
}

bool Server::CheckUserLogin(std::string_view client_id, const std::string& user,
                            const char* password, Session* session) {
  std::string why;
  if (!protocol::ValidClientId(user, client_id, &why)) {
    Log(LogLevel::kNotice, "login refused: " + why);
    return false;
  }
  auto it = caches_.users.find(user);
  if (it == caches_.users.end() || !it->second.registered) {
    Log(LogLevel::kNotice, "login refused: unknown user " + user);
    return false;
  }
  if (it->second.disabled) {
    Log(LogLevel::kNotice, "login refused: account " + user + " is disabled");
    return false;
  }
  std::string auth_key;
  bool decoded = crypto::FromHex(password, &auth_key) && auth_key.size() == crypto::kKeyBytes;
  bool match = decoded && crypto::Equal(store_->Verifier(auth_key), it->second.verifier);
  crypto::Wipe(&auth_key);
  if (!match) {
    Log(LogLevel::kNotice, "login refused: wrong password for " + user);
    return false;
  }
  session->user = user;
  session->role = it->second.role;
  session->invite = false;
  return true;
}

bool Server::CheckInviteLogin(std::string_view client_id, const char* password,
                              Session* session) {
  std::string why;
  if (!protocol::ValidClientId(protocol::kInviteUserName, client_id, &why)) {
    Log(LogLevel::kNotice, "invite login refused: " + why);
    return false;
  }
  std::string secret;
  if (!crypto::FromHex(password, &secret) || secret.size() != 16) {
    crypto::Wipe(&secret);
    Log(LogLevel::kNotice, "invite login refused: malformed invite secret");
    return false;
  }
  std::string invite_key = store_->InviteKey(secret);
  crypto::Wipe(&secret);
  auto it = caches_.invites.find(invite_key);
  if (it == caches_.invites.end()) {
    Log(LogLevel::kNotice, "invite login refused: unknown or used invite");
    return false;
  }
  if (Now() >= it->second.expires) {
    Log(LogLevel::kNotice, "invite login refused: the invite for " + it->second.user +
                               " has expired");
    return false;
  }
  session->user = protocol::kInviteUserName;
  session->role = it->second.role;
  session->invite = true;
  session->invite_key = invite_key;
  return true;
}

}  // namespace plugin
}  // namespace foyer
