// history and catchup (docs/protocol.md §7): pages of stored envelopes by
// seq, only of the epochs the caller holds a key envelope for.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

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
                            uint64_t start_seq, bool reverse, size_t limit, std::string* page,
                            bool* more) const {
  // Pages are built as text: each stored envelope is decoded and written
  // out as JSON (protocol::AppendEnvelopeJson), with no JSON parse and no
  // DOM (docs/performance.md).
  *more = false;
  page->push_back('[');
  if (epochs.empty()) {
    page->push_back(']');
    return Status::OK();
  }
  std::string start = start_seq == 0 ? std::string() : MessageKey(conv_raw, start_seq);
  std::vector<std::pair<uint64_t, std::string>> found;  // (seq, stored value), in scan order
  bool damaged = false;
  Status status = store_->Scan(MessagePrefix(conv_raw), start, reverse,
                               [&](std::string_view key, std::string_view value) {
                                 uint32_t epoch = 0;
                                 uint64_t stime = 0, seq = 0;
                                 if (!ParseMessageKey(key, &seq) ||
                                     !StoredEnvelopeHeader(value, &epoch, &stime).ok()) {
                                   damaged = true;
                                   return false;
                                 }
                                 if (epochs.count(epoch) == 0) return true;
                                 if (found.size() == limit) {
                                   *more = true;
                                   return false;
                                 }
                                 found.emplace_back(seq, std::string(value));
                                 return true;
                               });
  if (!status.ok() || damaged) return Status::Internal("the server could not read its history");
  if (reverse) std::reverse(found.begin(), found.end());
  const std::string conv = crypto::ToHex(conv_raw);
  // Room for the whole page at once (base64 makes 4 characters of 3 bytes;
  // field names, numbers and the hex ids add less than 256 per envelope),
  // instead of growing it envelope after envelope.
  size_t stored_bytes = 0;
  for (const auto& [seq, value] : found) stored_bytes += value.size();
  page->reserve(page->size() + stored_bytes / 3 * 4 + found.size() * 256 + 2);
  protocol::Envelope envelope;
  for (size_t i = 0; i < found.size(); ++i) {
    if (!DecodeStoredEnvelope(found[i].second, conv, found[i].first, &envelope).ok()) {
      return Status::Internal("the server could not read its history");
    }
    if (i > 0) page->push_back(',');
    protocol::AppendEnvelopeJson(envelope, page);
  }
  page->push_back(']');
  return Status::OK();
}

Status Server::OpHistory(const Session& s, const Json& request, std::string* result) {
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
  std::string page;
  bool more = false;
  if (has_after) {
    status = ReadMessages(conv_raw, epochs, after + 1, false, limit, &page, &more);
  } else if (!has_before) {
    status = ReadMessages(conv_raw, epochs, 0, true, limit, &page, &more);
  } else if (before > 1) {
    status = ReadMessages(conv_raw, epochs, before - 1, true, limit, &page, &more);
  } else {
    page = "[]";
  }
  if (!status.ok()) return status;
  // The members of the result, in nlohmann::json's (sorted) order.
  result->reserve(page.size() + 32);
  result->append("\"messages\":").append(page).append(",\"more\":").append(more ? "true" : "false");
  return Status::OK();
}

Status Server::OpCatchup(const Session& s, const Json& request, std::string* result) {
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
  // `since` iterates in key order, as nlohmann::json would write the result.
  std::string messages = "{", more = "{";
  for (auto it = since->begin(); it != since->end(); ++it) {
    // Conversations the caller no longer belongs to are left out.
    if (!IsMember(it.key(), s.user)) continue;
    std::string conv_raw;
    crypto::FromHex(it.key(), &conv_raw);
    if (messages.size() > 1) {
      messages.push_back(',');
      more.push_back(',');
    }
    const std::string quoted_conv = "\"" + it.key() + "\":";  // 32 hex: nothing to escape
    messages += quoted_conv;
    bool page_more = false;
    status = ReadMessages(conv_raw, HeldEpochs(conv_raw, s.user), it.value().get<uint64_t>() + 1,
                          false, limit, &messages, &page_more);
    if (!status.ok()) return status;
    more += quoted_conv + (page_more ? "true" : "false");
  }
  *result = "\"messages\":" + messages + "},\"more\":" + more + "}";
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
