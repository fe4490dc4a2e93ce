// Client: conversations, membership, epochs and their keys (docs/protocol.md §4).
#include <algorithm>
#include <utility>

#include "client_impl.h"

namespace foyer {
namespace client {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

Status Client::Impl::StoreConversation(const nlohmann::json& conv) {
  if (!conv.is_object() || !conv.contains("conv") || !conv["conv"].is_string() ||
      !protocol::ValidHexId(conv["conv"].get<std::string>())) {
    return Status::Corruption("the server sent a malformed conversation");
  }
  std::vector<std::string> members;
  if (conv.contains("members") && conv["members"].is_array()) {
    for (const auto& member : conv["members"]) {
      if (member.is_string()) members.push_back(member.get<std::string>());
    }
  }
  auto number = [&conv](const char* field) -> uint64_t {
    auto it = conv.find(field);
    return it != conv.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
  };
  std::lock_guard<std::mutex> lock(state_mutex_);
  ConvState& state = convs_[conv["conv"].get<std::string>()];
  state.members = std::move(members);
  state.epoch = static_cast<uint32_t>(number("epoch"));
  state.title = conv.contains("title") ? conv["title"] : nlohmann::json();
  state.last_seq = std::max(state.last_seq, number("last_seq"));
  state.rotate = conv.contains("rotate") && conv["rotate"].is_boolean() && conv["rotate"].get<bool>();
  return Status::OK();
}

Status Client::Impl::RefreshConversation(const std::string& conv) {
  nlohmann::json response;
  Status status = Call({{"op", "conv_get"}, {"conv", conv}}, &response);
  if (!status.ok()) return status;
  if (!response.contains("conv")) response["conv"] = conv;
  return StoreConversation(response);
}

bool Client::Impl::HasKey(const std::string& conv, uint32_t epoch) {
  std::lock_guard<std::mutex> lock(state_mutex_);
  auto it = convs_.find(conv);
  return it != convs_.end() && it->second.keys.count(epoch) != 0;
}

Status Client::Impl::FetchEpochKeys(const std::string& conv) {
  nlohmann::json response;
  Status status = Call({{"op", "epoch_keys"}, {"conv", conv}}, &response);
  if (!status.ok()) return status;
  if (!response["keys"].is_array()) return Status::Corruption("the server sent malformed keys");
  std::vector<std::string> members;
  uint32_t current = 0;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = convs_.find(conv);
    if (it == convs_.end()) return Status::NotFound("unknown conversation " + conv);
    members = it->second.members;
    current = it->second.epoch;
  }
  Status result;
  for (const auto& json : response["keys"]) {
    protocol::KeyEnvelope envelope;
    status = protocol::KeyEnvelopeFromJson(json, conv, &envelope);
    if (!status.ok()) {
      result = Status::Corruption("malformed key envelope: " + status.message());
      continue;
    }
    if (envelope.to != user_ || HasKey(conv, envelope.epoch)) continue;
    // Only a member may hand out the key of the current (or a later) epoch.
    // Older epochs may come from someone who has left since: they only open
    // history, and nobody can sign in another's name.
    if (envelope.from != user_ && !Contains(members, envelope.from) && envelope.epoch >= current) {
      result = Status::Denied("key of epoch " + std::to_string(envelope.epoch) + " from " +
                              envelope.from + ", who is not a member");
      continue;
    }
    PeerKey sender;
    status = UsableKeys(envelope.from, &sender);
    if (!status.ok()) {
      result = status;
      continue;
    }
    crypto::Secret key;
    status = protocol::OpenKeyEnvelope(envelope, sender.ed25519, box_, &key);
    if (!status.ok()) {
      result = Status::Corruption("key of epoch " + std::to_string(envelope.epoch) + " from " +
                                  envelope.from + " does not verify: " + status.message());
      continue;
    }
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = convs_.find(conv);
    if (it != convs_.end()) it->second.keys.emplace(envelope.epoch, std::move(key));
  }
  return result;
}

Status Client::Impl::KeyFor(const std::string& conv, uint32_t epoch, crypto::Secret* key) {
  if (!HasKey(conv, epoch)) {
    Status fetched = FetchEpochKeys(conv);
    if (!HasKey(conv, epoch)) {
      return fetched.ok() ? Status::NotFound("no key for epoch " + std::to_string(epoch) +
                                             " of conversation " + conv)
                          : fetched;
    }
  }
  std::lock_guard<std::mutex> lock(state_mutex_);
  *key = convs_[conv].keys[epoch].Copy();
  return Status::OK();
}

Status Client::Impl::TitleText(const std::string& conv, const nlohmann::json& title,
                               std::string* text) {
  text->clear();
  if (title.is_null()) return Status::OK();
  protocol::Title parsed;
  Status status = protocol::TitleFromJson(title, &parsed);
  if (!status.ok()) return status;
  crypto::Secret key;
  status = KeyFor(conv, parsed.epoch, &key);
  if (!status.ok()) return status;
  return protocol::DecryptTitle(conv, parsed, key, text);
}

Status Client::Impl::PrepareEpoch(const std::string& conv, const std::vector<std::string>& members,
                                  uint32_t epoch, const std::string& title, crypto::Secret* key,
                                  nlohmann::json* keys, nlohmann::json* title_json) {
  Status status = EnsureKeys(members);
  if (!status.ok()) return status;
  *key = crypto::Secret::Random(crypto::kKeyBytes);
  *keys = nlohmann::json::array();
  for (const std::string& member : members) {
    PeerKey peer;
    status = peers_.Usable(member, &peer);
    if (!status.ok()) return status;
    keys->push_back(protocol::KeyEnvelopeToJson(
        protocol::MakeKeyEnvelope(conv, epoch, *key, user_, sign_, member, peer.x25519)));
  }
  *title_json = protocol::TitleToJson(protocol::EncryptTitle(conv, epoch, *key, title));
  return Status::OK();
}

namespace {

// Sends a request that starts epoch current+1 for `members` and records the
// new key. `op` is conv_rotate, conv_remove or conv_add (no history).
Status NewEpoch(Client::Impl* impl, const std::string& op, const std::string& conv,
                const std::string& user, bool adding) {
  Status status = impl->RefreshConversation(conv);
  if (!status.ok()) return status;
  std::vector<std::string> members;
  uint32_t epoch = 0;
  nlohmann::json old_title;
  {
    std::lock_guard<std::mutex> lock(impl->state_mutex_);
    const ConvState& state = impl->convs_[conv];
    members = state.members;
    epoch = state.epoch;
    old_title = state.title;
  }
  if (!user.empty()) {
    const bool member = Contains(members, user);
    if (adding && member) return Status::Conflict(user + " is already a member");
    if (!adding && !member) return Status::NotFound(user + " is not a member");
    if (adding) members.push_back(user);
    if (!adding) members.erase(std::find(members.begin(), members.end(), user));
  }
  std::string title;
  status = impl->TitleText(conv, old_title, &title);
  if (!status.ok()) return status;
  crypto::Secret key;
  nlohmann::json keys, title_json;
  status = impl->PrepareEpoch(conv, members, epoch + 1, title, &key, &keys, &title_json);
  if (!status.ok()) return status;
  nlohmann::json request = {{"op", op}, {"conv", conv}, {"keys", keys}, {"title", title_json}};
  if (!user.empty()) request["user"] = user;
  nlohmann::json response;
  status = impl->Call(std::move(request), &response);
  if (!status.ok()) return status;
  std::lock_guard<std::mutex> lock(impl->state_mutex_);
  ConvState& state = impl->convs_[conv];
  state.keys.emplace(epoch + 1, std::move(key));
  state.epoch = std::max(state.epoch, epoch + 1);
  state.members = members;
  state.title = title_json;
  state.rotate = false;
  return Status::OK();
}

}  // namespace

Status Client::Impl::RotateNow(const std::string& conv) {
  return NewEpoch(this, "conv_rotate", conv, "", false);
}

Status Client::CreateConversation(const std::string& title,
                                  const std::vector<std::string>& members, std::string* conv) {
  if (title.size() > protocol::kMaxTitleBytes) return Status::Limit("the title is too long");
  std::vector<std::string> all{impl_->user_};
  for (const std::string& member : members) {
    if (!protocol::ValidUserName(member)) return Status::Invalid("invalid user name: " + member);
    if (!Contains(all, member)) all.push_back(member);
  }
  if (all.size() > protocol::kMaxMembers) return Status::Limit("too many members");
  const std::string id = crypto::RandomIdHex();
  crypto::Secret key;
  nlohmann::json keys, title_json;
  Status status = impl_->PrepareEpoch(id, all, 1, title, &key, &keys, &title_json);
  if (!status.ok()) return status;
  nlohmann::json response;
  status = impl_->Call({{"op", "conv_create"}, {"conv", id}, {"members", all},
                        {"title", title_json}, {"keys", keys}},
                       &response);
  if (!status.ok()) return status;
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex_);
    ConvState& state = impl_->convs_[id];
    state.members = all;
    state.epoch = 1;
    state.title = title_json;
    state.keys.emplace(1, std::move(key));
  }
  status = impl_->EnsureSubscribed(id);
  if (!status.ok()) return status;
  *conv = id;
  return Status::OK();
}

Status Client::ListConversations(std::vector<Conversation>* out) {
  nlohmann::json response;
  Status status = impl_->Call({{"op", "conv_list"}}, &response);
  if (!status.ok()) return status;
  out->clear();
  if (!response["convs"].is_array()) return Status::Corruption("malformed conversation list");
  for (const auto& json : response["convs"]) {
    if (!impl_->StoreConversation(json).ok()) continue;
    Conversation conv;
    conv.id = json["conv"].get<std::string>();
    {
      std::lock_guard<std::mutex> lock(impl_->state_mutex_);
      const ConvState& state = impl_->convs_[conv.id];
      conv.members = state.members;
      conv.epoch = state.epoch;
      conv.last_seq = state.last_seq;
      conv.rotate = state.rotate;
    }
    impl_->EnsureSubscribed(conv.id);  // a conversation we had not heard of yet
    conv.title_ok = impl_->TitleText(conv.id, json.value("title", nlohmann::json()), &conv.title).ok();
    out->push_back(std::move(conv));
  }
  return Status::OK();
}

Status Client::AddMember(const std::string& conv, const std::string& user, bool share_history) {
  if (!protocol::ValidUserName(user)) return Status::Invalid("invalid user name: " + user);
  if (!share_history) return NewEpoch(impl_.get(), "conv_add", conv, user, true);
  Status status = impl_->RefreshConversation(conv);
  if (!status.ok()) return status;
  PeerKey peer;
  status = impl_->UsableKeys(user, &peer);
  if (!status.ok()) return status;
  uint32_t current = 0;
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex_);
    const ConvState& state = impl_->convs_[conv];
    if (Contains(state.members, user)) return Status::Conflict(user + " is already a member");
    current = state.epoch;
  }
  crypto::Secret current_key;
  status = impl_->KeyFor(conv, current, &current_key);  // fetches missing keys too
  if (!status.ok()) return status;
  nlohmann::json keys = nlohmann::json::array();
  {
    std::lock_guard<std::mutex> lock(impl_->state_mutex_);
    for (const auto& entry : impl_->convs_[conv].keys) {
      if (entry.first > current) continue;
      keys.push_back(protocol::KeyEnvelopeToJson(protocol::MakeKeyEnvelope(
          conv, entry.first, entry.second, impl_->user_, impl_->sign_, user, peer.x25519)));
    }
  }
  nlohmann::json response;
  status = impl_->Call({{"op", "conv_add"}, {"conv", conv}, {"user", user}, {"keys", keys}},
                       &response);
  if (!status.ok()) return status;
  std::lock_guard<std::mutex> lock(impl_->state_mutex_);
  impl_->convs_[conv].members.push_back(user);
  return Status::OK();
}

Status Client::RemoveMember(const std::string& conv, const std::string& user) {
  if (user == impl_->user_) return Leave(conv);
  if (!protocol::ValidUserName(user)) return Status::Invalid("invalid user name: " + user);
  return NewEpoch(impl_.get(), "conv_remove", conv, user, false);
}

Status Client::Leave(const std::string& conv) {
  nlohmann::json response;
  Status status = impl_->Call({{"op", "conv_leave"}, {"conv", conv}}, &response);
  if (!status.ok()) return status;
  return impl_->Forget(conv);
}

Status Client::Rotate(const std::string& conv) { return impl_->RotateNow(conv); }

}  // namespace client
}  // namespace foyer
