// Key envelopes and titles in requests: structure, sender, signature (the
// server knows every public key, so it verifies them: cheap, and it catches
// client bugs), recipients and epochs; and the epoch_keys request.
#include <set>
#include <string>
#include <utility>

#include "foyer/crypto.h"
#include "request_args.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

using Json = nlohmann::json;

constexpr size_t kMaxKeysPerRequest = 1000;

}  // namespace

Status Server::FindConversation(const Session& session, const Json& request,
                                ConversationRecord** conversation) {
  std::string conv;
  Status status = GetConvArg(request, &conv);
  if (!status.ok()) return status;
  auto it = caches_.conversations.find(conv);
  if (it == caches_.conversations.end()) return Status::NotFound("unknown conversation");
  if (it->second.members.count(session.user) == 0) {
    return Status::Denied("not a member of this conversation");
  }
  *conversation = &it->second;
  return Status::OK();
}

Status Server::ParseKeys(const Session& session, const std::string& conv, const Json& request,
                         std::vector<protocol::KeyEnvelope>* keys) {
  auto field = request.find("keys");
  if (field == request.end() || !field->is_array() || field->empty() ||
      field->size() > kMaxKeysPerRequest) {
    return Status::Invalid("field 'keys' must be a non-empty array of key envelopes");
  }
  const UserRecord* sender = ActiveUser(session.user);
  if (sender == nullptr) return Status::Denied("account not found");
  std::set<std::pair<uint32_t, std::string>> seen;
  keys->clear();
  for (const Json& item : *field) {
    protocol::KeyEnvelope key;
    Status status = protocol::KeyEnvelopeFromJson(item, conv, &key);
    if (!status.ok()) return Status::Invalid("key envelope: " + status.message());
    if (key.from != session.user) return Status::Invalid("key envelope 'from' must be the requester");
    if (!crypto::Verify(sender->ed25519, protocol::KeyEnvelopeSignedPart(key), key.sig)) {
      return Status::Invalid("key envelope for " + key.to + " epoch " +
                             std::to_string(key.epoch) + ": signature does not verify");
    }
    if (!seen.emplace(key.epoch, key.to).second) {
      return Status::Invalid("two key envelopes for " + key.to + " epoch " +
                             std::to_string(key.epoch));
    }
    keys->push_back(std::move(key));
  }
  return Status::OK();
}

Status Server::CheckNewEpochKeys(const std::vector<protocol::KeyEnvelope>& keys, uint32_t epoch,
                                 const std::set<std::string>& recipients) {
  std::set<std::string> covered;
  for (const protocol::KeyEnvelope& key : keys) {
    if (key.epoch != epoch) {
      return Status::Conflict("key envelopes must be for epoch " + std::to_string(epoch));
    }
    if (recipients.count(key.to) == 0) {
      return Status::Invalid("key envelope for " + key.to + ", who is not a member");
    }
    covered.insert(key.to);
  }
  if (covered.size() != recipients.size()) {
    return Status::Invalid("a key envelope is needed for every member");
  }
  return Status::OK();
}

Status Server::ParseTitle(const Json& request, uint32_t epoch, Json* title) {
  auto field = request.find("title");
  if (field == request.end()) return Status::Invalid("field 'title' is missing");
  protocol::Title parsed;
  Status status = protocol::TitleFromJson(*field, &parsed);
  if (!status.ok()) return Status::Invalid("title: " + status.message());
  if (parsed.epoch != epoch) {
    return Status::Conflict("the title must be encrypted for epoch " + std::to_string(epoch));
  }
  *title = protocol::TitleToJson(parsed);
  return Status::OK();
}

void Server::PutKeys(const std::string& conv_raw, const std::vector<protocol::KeyEnvelope>& keys,
                     WriteBatch* batch) {
  for (const protocol::KeyEnvelope& key : keys) {
    batch->Put(KeyEnvelopeKey(*store_, conv_raw, key.epoch, key.to),
               protocol::KeyEnvelopeToJson(key).dump());
  }
}

std::set<uint32_t> Server::HeldEpochs(const std::string& conv_raw, const std::string& user) const {
  std::set<uint32_t> epochs;
  std::string name_hash = store_->NameKey(user);
  store_->ScanKeys(KeyEnvelopePrefix(conv_raw), [&](std::string_view key) {
    uint32_t epoch;
    std::string_view hash;
    if (ParseKeyEnvelopeKey(key, &epoch, &hash) && hash == name_hash) epochs.insert(epoch);
    return true;
  });
  return epochs;
}

Status Server::OpEpochKeys(const Session& s, const Json& request, Json* result) {
  ConversationRecord* conversation;
  Status status = FindConversation(s, request, &conversation);
  if (!status.ok()) return status;
  std::string conv_raw;
  crypto::FromHex(conversation->id, &conv_raw);
  std::string name_hash = store_->NameKey(s.user);
  Json keys = Json::array();
  bool damaged = false;
  status = store_->Scan(KeyEnvelopePrefix(conv_raw), {}, false,
                        [&](std::string_view key, std::string_view value) {
                          uint32_t epoch;
                          std::string_view hash;
                          if (!ParseKeyEnvelopeKey(key, &epoch, &hash) || hash != name_hash) {
                            return true;
                          }
                          Json envelope = Json::parse(value, nullptr, false);
                          damaged = !envelope.is_object();
                          if (!damaged) keys.push_back(std::move(envelope));
                          return !damaged;
                        });
  if (!status.ok() || damaged) return Status::Internal("the server could not read its store");
  (*result)["keys"] = std::move(keys);
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
