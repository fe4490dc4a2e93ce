// Conversation requests (docs/protocol.md §4, §7): conv_create, conv_list,
// conv_get, conv_add, conv_remove, conv_leave, conv_rotate, conv_title. Each
// is all-or-nothing: one WriteBatch, caches updated only after it is written,
// inbox events sent last.
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

std::string RawId(const std::string& hex) {
  std::string raw;
  crypto::FromHex(hex, &raw);
  return raw;
}

Json Event(const char* name, const std::string& conv) {
  return Json{{"event", name}, {"conv", conv}};
}

}  // namespace

Json Server::ConversationJson(const ConversationRecord& conversation) const {
  return Json{{"conv", conversation.id},
              {"members", conversation.members},
              {"epoch", conversation.epoch},
              {"title", conversation.title},
              {"last_seq", conversation.counters.next_seq - 1},
              {"rotate", conversation.rotate}};
}

Status Server::OpConvCreate(const Session& s, const Json& request, Json* result) {
  std::string conv;
  Status status = GetConvArg(request, &conv);
  if (!status.ok()) return status;
  auto members_field = request.find("members");
  if (members_field == request.end() || !members_field->is_array() || members_field->empty() ||
      members_field->size() > protocol::kMaxMembers) {
    return Status::Invalid("field 'members' must be an array of 1-50 names");
  }
  std::set<std::string> members;
  for (const Json& member : *members_field) {
    if (!member.is_string() || !protocol::ValidUserName(member.get<std::string>())) {
      return Status::Invalid("field 'members' must hold user names");
    }
    if (!members.insert(member.get<std::string>()).second) {
      return Status::Invalid("member " + member.get<std::string>() + " is listed twice");
    }
  }
  if (members.count(s.user) == 0) return Status::Invalid("'members' must include the creator");
  for (const std::string& member : members) {
    if (ActiveUser(member) == nullptr) return Status::NotFound("unknown or disabled user " + member);
  }
  Json title;
  status = ParseTitle(request, 1, &title);
  if (!status.ok()) return status;
  std::vector<protocol::KeyEnvelope> keys;
  status = ParseKeys(s, conv, request, &keys);
  if (status.ok()) status = CheckNewEpochKeys(keys, 1, members);
  if (!status.ok()) return status;
  if (caches_.conversations.count(conv) != 0) return Status::Conflict("conversation exists");

  ConversationRecord conversation;
  conversation.id = conv;
  conversation.members = std::move(members);
  conversation.title = std::move(title);
  conversation.created = Now();
  conversation.creator = s.user;
  std::string conv_raw = RawId(conv);
  WriteBatch batch;
  batch.Put(ConversationKey(conv_raw), EncodeConversation(conversation));
  batch.Put(CountersKey(conv_raw), EncodeCounters(conversation.counters));
  PutKeys(conv_raw, keys, &batch);
  status = Write(batch);
  if (!status.ok()) return status;
  const ConversationRecord& stored = caches_.conversations[conv] = std::move(conversation);
  SendInboxToMembers(stored, Event("conv_added", conv));
  *result = Json{{"conv", conv}, {"epoch", stored.epoch}};
  return Status::OK();
}

Status Server::OpConvList(const Session& s, const Json& request, Json* result) {
  Json convs = Json::array();
  for (const auto& [conv, conversation] : caches_.conversations) {
    if (conversation.members.count(s.user) != 0) convs.push_back(ConversationJson(conversation));
  }
  (*result)["convs"] = std::move(convs);
  return Status::OK();
}

Status Server::OpConvGet(const Session& s, const Json& request, Json* result) {
  ConversationRecord* conversation;
  Status status = FindConversation(s, request, &conversation);
  if (!status.ok()) return status;
  *result = ConversationJson(*conversation);
  return Status::OK();
}

Status Server::OpConvAdd(const Session& s, const Json& request, Json* result) {
  ConversationRecord* current;
  Status status = FindConversation(s, request, &current);
  if (!status.ok()) return status;
  std::string user;
  status = GetUserNameArg(request, "user", &user);
  if (!status.ok()) return status;
  if (current->rotate) return Status::RotateNeeded("the conversation waits for conv_rotate");
  if (ActiveUser(user) == nullptr) return Status::NotFound("unknown or disabled user " + user);
  if (current->members.count(user) != 0) return Status::Conflict(user + " is already a member");
  if (current->members.size() + 1 > protocol::kMaxMembers) {
    return Status::Limit("at most 50 members");
  }
  std::vector<protocol::KeyEnvelope> keys;
  status = ParseKeys(s, current->id, request, &keys);
  if (!status.ok()) return status;
  ConversationRecord updated = *current;
  updated.members.insert(user);
  bool new_epoch = false;
  for (const protocol::KeyEnvelope& key : keys) new_epoch |= key.epoch == current->epoch + 1;
  if (new_epoch) {
    // No history: a new epoch for every member, the new one included.
    updated.epoch = current->epoch + 1;
    status = CheckNewEpochKeys(keys, updated.epoch, updated.members);
    if (status.ok()) status = ParseTitle(request, updated.epoch, &updated.title);
  } else {
    // History shared: keys for the new member only, covering the current epoch.
    bool has_current = false;
    for (const protocol::KeyEnvelope& key : keys) {
      if (key.to != user) return Status::Invalid("without a new epoch, keys are for " + user + " only");
      if (key.epoch > current->epoch) return Status::Conflict("key envelope for a future epoch");
      has_current |= key.epoch == current->epoch;
    }
    if (!has_current) return Status::Invalid("the keys must cover the current epoch");
  }
  if (!status.ok()) return status;
  std::string conv_raw = RawId(updated.id);
  WriteBatch batch;
  batch.Put(ConversationKey(conv_raw), EncodeConversation(updated));
  PutKeys(conv_raw, keys, &batch);
  status = Write(batch);
  if (!status.ok()) return status;
  *current = std::move(updated);
  for (const std::string& member : current->members) {
    if (member == user) {
      SendInbox(member, Event("conv_added", current->id));
    } else if (new_epoch) {
      SendInbox(member, Json{{"event", "epoch"}, {"conv", current->id}, {"epoch", current->epoch}});
    } else {
      SendInbox(member, Event("conv_updated", current->id));
    }
  }
  *result = Json{{"epoch", current->epoch}};
  return Status::OK();
}

Status Server::OpConvRemove(const Session& s, const Json& request, Json* result) {
  ConversationRecord* current;
  Status status = FindConversation(s, request, &current);
  if (!status.ok()) return status;
  std::string user;
  status = GetUserNameArg(request, "user", &user);
  if (!status.ok()) return status;
  if (user == s.user) return Status::Invalid("use conv_leave to leave a conversation");
  if (current->members.count(user) == 0) return Status::NotFound(user + " is not a member");
  ConversationRecord updated = *current;
  updated.members.erase(user);
  updated.epoch = current->epoch + 1;
  updated.rotate = false;
  std::vector<protocol::KeyEnvelope> keys;
  status = ParseKeys(s, current->id, request, &keys);
  if (status.ok()) status = CheckNewEpochKeys(keys, updated.epoch, updated.members);
  if (status.ok()) status = ParseTitle(request, updated.epoch, &updated.title);
  if (!status.ok()) return status;
  std::string conv_raw = RawId(updated.id);
  WriteBatch batch;
  batch.Put(ConversationKey(conv_raw), EncodeConversation(updated));
  PutKeys(conv_raw, keys, &batch);
  status = Write(batch);
  if (!status.ok()) return status;
  *current = std::move(updated);
  SendInbox(user, Event("conv_removed", current->id));
  SendInboxToMembers(*current,
                     Json{{"event", "epoch"}, {"conv", current->id}, {"epoch", current->epoch}});
  *result = Json{{"epoch", current->epoch}};
  return Status::OK();
}

Status Server::OpConvLeave(const Session& s, const Json& request, Json* result) {
  ConversationRecord* current;
  Status status = FindConversation(s, request, &current);
  if (!status.ok()) return status;
  ConversationRecord updated = *current;
  updated.members.erase(s.user);
  // The leaver knows the current key: the next one must come from someone else.
  updated.rotate = !updated.members.empty();
  status = Write([&] {
    WriteBatch batch;
    batch.Put(ConversationKey(RawId(updated.id)), EncodeConversation(updated));
    return batch;
  }());
  if (!status.ok()) return status;
  *current = std::move(updated);
  SendInbox(s.user, Event("conv_removed", current->id));
  SendInboxToMembers(*current, Event("rotate_needed", current->id));
  return Status::OK();
}

Status Server::OpConvRotate(const Session& s, const Json& request, Json* result) {
  ConversationRecord* current;
  Status status = FindConversation(s, request, &current);
  if (!status.ok()) return status;
  ConversationRecord updated = *current;
  updated.epoch = current->epoch + 1;
  updated.rotate = false;
  std::vector<protocol::KeyEnvelope> keys;
  status = ParseKeys(s, current->id, request, &keys);
  if (status.ok()) status = CheckNewEpochKeys(keys, updated.epoch, updated.members);
  if (status.ok()) status = ParseTitle(request, updated.epoch, &updated.title);
  if (!status.ok()) return status;
  std::string conv_raw = RawId(updated.id);
  WriteBatch batch;
  batch.Put(ConversationKey(conv_raw), EncodeConversation(updated));
  PutKeys(conv_raw, keys, &batch);
  status = Write(batch);
  if (!status.ok()) return status;
  *current = std::move(updated);
  SendInboxToMembers(*current,
                     Json{{"event", "epoch"}, {"conv", current->id}, {"epoch", current->epoch}});
  *result = Json{{"epoch", current->epoch}};
  return Status::OK();
}

Status Server::OpConvTitle(const Session& s, const Json& request, Json* result) {
  ConversationRecord* current;
  Status status = FindConversation(s, request, &current);
  if (!status.ok()) return status;
  ConversationRecord updated = *current;
  status = ParseTitle(request, current->epoch, &updated.title);
  if (!status.ok()) return status;
  WriteBatch batch;
  batch.Put(ConversationKey(RawId(updated.id)), EncodeConversation(updated));
  status = Write(batch);
  if (!status.ok()) return status;
  *current = std::move(updated);
  SendInboxToMembers(*current, Event("conv_updated", current->id));
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
