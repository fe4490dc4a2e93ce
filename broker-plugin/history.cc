// history and catchup (docs/protocol.md §7): pages of stored envelopes by
// seq, only of the epochs the caller holds a key envelope for.
#include <algorithm>
#include <set>
#include <string>

#include "foyer/crypto.h"
#include "request_args.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

using Json = nlohmann::json;

constexpr uint64_t kCatchupDefaultLimit = 200;
constexpr size_t kMaxCatchupConversations = 1000;

Status GetLimit(const Json& request, uint64_t default_limit, uint64_t* limit) {
  *limit = default_limit;
  if (!request.contains("limit")) return Status::OK();
  Status status = protocol::GetUint(request, "limit", limit);
  if (!status.ok()) return status;
  if (*limit < 1 || *limit > static_cast<uint64_t>(protocol::kHistoryMaxLimit)) {
    return Status::Invalid("field 'limit' must be in 1..200");
  }
  return Status::OK();
}

}  // namespace

Status Server::ReadMessages(const std::string& conv_raw, const std::set<uint32_t>& epochs,
                            uint64_t start_seq, bool reverse, size_t limit, Json* messages,
                            bool* more) const {
  *messages = Json::array();
  *more = false;
  if (epochs.empty()) return Status::OK();
  std::string start = start_seq == 0 ? std::string() : MessageKey(conv_raw, start_seq);
  bool damaged = false;
  Status status = store_->Scan(MessagePrefix(conv_raw), start, reverse,
                               [&](std::string_view, std::string_view value) {
                                 Json envelope = Json::parse(value, nullptr, false);
                                 auto epoch = envelope.is_object() ? envelope.find("epoch")
                                                                   : envelope.end();
                                 if (epoch == envelope.end() || !epoch->is_number_unsigned()) {
                                   damaged = true;
                                   return false;
                                 }
                                 if (epochs.count(epoch->get<uint32_t>()) == 0) return true;
                                 if (messages->size() == limit) {
                                   *more = true;
                                   return false;
                                 }
                                 messages->push_back(std::move(envelope));
                                 return true;
                               });
  if (!status.ok() || damaged) return Status::Internal("the server could not read its history");
  if (reverse) std::reverse(messages->begin(), messages->end());
  return Status::OK();
}

Status Server::OpHistory(const Session& s, const Json& request, Json* result) {
  ConversationRecord* conversation;
  Status status = FindConversation(s, request, &conversation);
  if (!status.ok()) return status;
  uint64_t before = 0, after = 0, limit = 0;
  bool has_before = request.contains("before"), has_after = request.contains("after");
  if (has_before && has_after) return Status::Invalid("give 'before' or 'after', not both");
  if (has_before) status = protocol::GetUint(request, "before", &before);
  if (status.ok() && has_after) status = protocol::GetUint(request, "after", &after);
  if (status.ok()) status = GetLimit(request, protocol::kHistoryDefaultLimit, &limit);
  if (!status.ok()) return status;
  if (has_after && after == UINT64_MAX) return Status::Invalid("field 'after' is too large");

  std::string conv_raw;
  crypto::FromHex(conversation->id, &conv_raw);
  std::set<uint32_t> epochs = HeldEpochs(conv_raw, s.user);
  Json messages = Json::array();
  bool more = false;
  if (has_after) {
    status = ReadMessages(conv_raw, epochs, after + 1, false, limit, &messages, &more);
  } else if (!has_before) {
    status = ReadMessages(conv_raw, epochs, 0, true, limit, &messages, &more);
  } else if (before > 1) {
    status = ReadMessages(conv_raw, epochs, before - 1, true, limit, &messages, &more);
  }
  if (!status.ok()) return status;
  *result = Json{{"messages", std::move(messages)}, {"more", more}};
  return Status::OK();
}

Status Server::OpCatchup(const Session& s, const Json& request, Json* result) {
  auto since = request.find("since");
  if (since == request.end() || !since->is_object() ||
      since->size() > kMaxCatchupConversations) {
    return Status::Invalid("field 'since' must be an object {conv: last_seq}");
  }
  uint64_t limit = 0;
  Status status = GetLimit(request, kCatchupDefaultLimit, &limit);
  if (!status.ok()) return status;
  for (auto it = since->begin(); it != since->end(); ++it) {
    if (!protocol::ValidHexId(it.key()) || !it.value().is_number_unsigned() ||
        it.value().get<uint64_t>() == UINT64_MAX) {
      return Status::Invalid("field 'since' must map conversation ids to seq numbers");
    }
  }
  Json messages = Json::object(), more = Json::object();
  for (auto it = since->begin(); it != since->end(); ++it) {
    // Conversations the caller no longer belongs to are left out.
    if (!IsMember(it.key(), s.user)) continue;
    std::string conv_raw;
    crypto::FromHex(it.key(), &conv_raw);
    Json page;
    bool page_more = false;
    status = ReadMessages(conv_raw, HeldEpochs(conv_raw, s.user), it.value().get<uint64_t>() + 1,
                          false, limit, &page, &page_more);
    if (!status.ok()) return status;
    messages[it.key()] = std::move(page);
    more[it.key()] = page_more;
  }
  *result = Json{{"messages", std::move(messages)}, {"more", more}};
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
