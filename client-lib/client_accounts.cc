// Client: accounts, public keys and pins, invites.
#include <utility>

#include "client_impl.h"

namespace foyer {
namespace client {
namespace {

bool DecodeKeys(const nlohmann::json& object, std::string* x25519, std::string* ed25519) {
  return object.is_object() && object.contains("x25519") && object["x25519"].is_string() &&
         object.contains("ed25519") && object["ed25519"].is_string() &&
         crypto::FromBase64(object["x25519"].get<std::string>(), x25519) &&
         crypto::FromBase64(object["ed25519"].get<std::string>(), ed25519);
}

std::string StringField(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Status Client::Impl::ObserveUsers(const nlohmann::json& users, std::vector<UserInfo>* out) {
  if (!users.is_array()) return Status::Corruption("the server sent a malformed user list");
  Status result;
  for (const auto& entry : users) {
    std::string x25519, ed25519;
    const std::string name = StringField(entry, "name");
    if (!protocol::ValidUserName(name) || !DecodeKeys(entry, &x25519, &ed25519)) continue;
    Status observed = peers_.Observe(name, x25519, ed25519, StringField(entry, "role"));
    if (!observed.ok()) result = observed;
    PeerKey key;
    if (out != nullptr && peers_.Get(name, &key)) {
      out->push_back(UserInfo{name, key.role, key.fingerprint, key.pin});
    }
  }
  return result;
}

Status Client::Impl::EnsureKeys(const std::vector<std::string>& names) {
  nlohmann::json unknown = nlohmann::json::array();
  for (const std::string& name : names) {
    if (!peers_.Known(name)) unknown.push_back(name);
  }
  if (unknown.empty()) return Status::OK();
  nlohmann::json response;
  Status status = Call({{"op", "keys"}, {"users", unknown}}, &response);
  if (!status.ok()) return status;
  const nlohmann::json& keys = response["keys"];
  if (!keys.is_object()) return Status::Corruption("the server sent malformed keys");
  for (const auto& name : unknown) {
    std::string x25519, ed25519;
    auto found = keys.find(name.get<std::string>());
    if (found == keys.end() || !DecodeKeys(*found, &x25519, &ed25519)) {
      return Status::Corruption("the server sent no keys for " + name.get<std::string>());
    }
    status = peers_.Observe(name.get<std::string>(), x25519, ed25519, "");
    if (!status.ok()) return status;
  }
  return Status::OK();
}

Status Client::Impl::UsableKeys(const std::string& name, PeerKey* out) {
  Status status = EnsureKeys({name});
  if (!status.ok()) return status;
  return peers_.Usable(name, out);
}

Status Client::Whoami(Identity* out) {
  nlohmann::json response;
  Status status = impl_->Call({{"op", "whoami"}}, &response);
  if (!status.ok()) return status;
  out->user = StringField(response, "user");
  out->role = StringField(response, "role");
  out->household = StringField(response, "household");
  return Status::OK();
}

Status Client::Users(std::vector<UserInfo>* out) {
  nlohmann::json response;
  Status status = impl_->Call({{"op", "users"}}, &response);
  if (!status.ok()) return status;
  out->clear();
  return impl_->ObserveUsers(response["users"], out);
}

Status Client::Fingerprint(const std::string& name, std::string* fingerprint, PinState* pin) {
  if (!protocol::ValidUserName(name)) return Status::Invalid("invalid user name: " + name);
  Status status = impl_->EnsureKeys({name});
  if (!status.ok()) return status;
  PeerKey key;
  if (!impl_->peers_.Get(name, &key)) return Status::NotFound("no keys known for " + name);
  *fingerprint = key.fingerprint;
  if (pin != nullptr) *pin = key.pin;
  return Status::OK();
}

Status Client::Trust(const std::string& name) {
  if (!protocol::ValidUserName(name)) return Status::Invalid("invalid user name: " + name);
  // Ask the server again: trust what it publishes now, not a stale copy.
  nlohmann::json response;
  Status status = impl_->Call({{"op", "keys"}, {"users", nlohmann::json::array({name})}}, &response);
  if (!status.ok()) return status;
  std::string x25519, ed25519;
  if (!response["keys"].is_object() || !response["keys"].contains(name) ||
      !DecodeKeys(response["keys"][name], &x25519, &ed25519)) {
    return Status::Corruption("the server sent no keys for " + name);
  }
  status = impl_->peers_.Observe(name, x25519, ed25519, "");
  if (!status.ok()) return status;
  return impl_->peers_.Trust(name);
}

Status Client::Invite(const std::string& name, const std::string& role, uint64_t ttl_seconds,
                      InviteInfo* out) {
  nlohmann::json request = {{"op", "invite"}, {"name", name}, {"role", role}};
  if (ttl_seconds > 0) request["ttl"] = ttl_seconds;
  nlohmann::json response;
  Status status = impl_->Call(std::move(request), &response);
  if (!status.ok()) return status;
  out->code = StringField(response, "code");
  out->user = StringField(response, "user");
  out->role = StringField(response, "role");
  out->expires = response.value("expires", nlohmann::json(0)).is_number_unsigned()
                     ? response["expires"].get<uint64_t>()
                     : 0;
  if (out->code.empty()) return Status::Corruption("the server sent no invite code");
  return Status::OK();
}

}  // namespace client
}  // namespace foyer
