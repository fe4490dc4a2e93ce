// MOSQ_EVT_MESSAGE: envelopes on foyer/c/<conv>/send are checked, stamped,
// stored and passed on to foyer/c/<conv>/m; signals on /signal are checked and
// passed on to /e; presence is size-checked. This runs on the broker's only
// thread for every message: no per-message notice logging, no fsync.
#include <string>

#include "foyer/crypto.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

std::string_view ConvOfTopic(std::string_view topic, std::string_view suffix) {
  constexpr std::string_view kPrefix = "foyer/c/";
  if (topic.size() != kPrefix.size() + 32 + suffix.size()) return {};
  if (topic.substr(0, kPrefix.size()) != kPrefix) return {};
  if (topic.substr(kPrefix.size() + 32) != suffix) return {};
  std::string_view conv = topic.substr(kPrefix.size(), 32);
  return protocol::ValidHexId(conv) ? conv : std::string_view();
}

}  // namespace

MessageVerdict Server::OnMessage(const void* client, std::string_view topic,
                                 std::string_view payload, bool retain, std::string* new_topic,
                                 std::string* new_payload) {
  const Session* session = FindSession(client);
  if (session == nullptr || session->invite) return MessageVerdict::kDeny;
  if (std::string_view conv = ConvOfTopic(topic, "/send"); !conv.empty() && !retain) {
    return OnEnvelope(*session, conv, payload, new_topic, new_payload);
  }
  if (std::string_view conv = ConvOfTopic(topic, "/signal"); !conv.empty() && !retain) {
    return OnSignal(*session, conv, payload, new_topic);
  }
  if (topic == protocol::PresenceTopic(session->user)) {
    if (payload.size() > protocol::kMaxPresenceBytes) {
      Log(LogLevel::kDebug, "presence refused: larger than 256 bytes");
      return MessageVerdict::kDeny;
    }
    if (payload.empty()) return MessageVerdict::kPass;  // clears the retained state
    nlohmann::json object = nlohmann::json::parse(payload, nullptr, false);
    auto state = object.is_object() ? object.find("state") : object.end();
    if (!object.is_object() || state == object.end() ||
        !(*state == "online" || *state == "offline")) {
      Log(LogLevel::kDebug, "presence refused: not {\"state\":\"online\"|\"offline\"}");
      return MessageVerdict::kDeny;
    }
    return MessageVerdict::kPass;
  }
  Log(LogLevel::kDebug, "publish refused on " + std::string(topic));
  return MessageVerdict::kDeny;
}

MessageVerdict Server::OnEnvelope(const Session& session, std::string_view conv,
                                  std::string_view payload, std::string* new_topic,
                                  std::string* new_payload) {
  auto refuse = [this, &session](const std::string& why) {
    Log(LogLevel::kDebug, "envelope from " + session.user + " refused: " + why);
    return MessageVerdict::kDeny;
  };
  protocol::Envelope envelope;
  Status status = protocol::ParseEnvelope(payload, &envelope);
  if (!status.ok()) return refuse(status.message());
  if (envelope.conv != conv) return refuse("conv differs from the topic's");
  if (envelope.from != session.user) return refuse("from is not the connected user");
  auto it = caches_.conversations.find(envelope.conv);
  if (it == caches_.conversations.end() || it->second.members.count(session.user) == 0) {
    return refuse("not a member");
  }
  ConversationRecord& conversation = it->second;

  if (conversation.raw.empty()) conversation.raw = RawOfHexId(conversation.id);
  const std::string& conv_raw = conversation.raw;
  std::string dedupe_key = DedupeKeyFromNameKey(
      conv_raw, session.name_key.empty() ? store_->NameKey(envelope.from) : session.name_key,
      RawOfHexId(envelope.cmid));
  std::string stored_seq;
  status = store_->Get(dedupe_key, &stored_seq);
  if (status.ok()) {
    // Already stored: deliver the stored copy again, with its seq.
    uint64_t seq = DecodeU64(stored_seq);
    std::string stored;
    protocol::Envelope copy;
    status = store_->Get(MessageKey(conv_raw, seq), &stored);
    if (status.ok()) status = DecodeStoredEnvelope(stored, envelope.conv, seq, &copy);
    if (!status.ok()) return refuse("stored copy unreadable: " + status.ToString());
    *new_payload = protocol::SerializeEnvelope(copy);
    *new_topic = protocol::MessageTopic(conv);
    return MessageVerdict::kRewrite;
  }
  if (status.code() != Status::Code::kNotFound) return refuse(status.ToString());
  // Checked after the duplicate test, so that a retry after a rotation still
  // learns its seq.
  if (envelope.epoch != conversation.epoch) return refuse("not the current epoch");
  if (conversation.rotate) return refuse("the conversation waits for a rotation");

  Counters counters = conversation.counters;
  envelope.seq = counters.next_seq++;
  envelope.stime = Now();
  // Delivered as JSON, stored in binary (docs/storage.md); `bytes` counts
  // what readers receive.
  std::string stamped = protocol::SerializeEnvelope(envelope);
  counters.count++;
  counters.bytes += stamped.size();
  // The "n" record is not written with the message: SaveCounters writes it
  // every few seconds, and after a crash LoadCaches recounts the messages
  // stored since (RecoverCounters), so the counters never disagree with them.
  WriteBatch batch;
  batch.Put(MessageKey(conv_raw, envelope.seq), EncodeStoredEnvelope(envelope));
  batch.Put(std::move(dedupe_key), EncodeU64(envelope.seq));
  status = store_->Write(batch);
  if (!status.ok()) {
    // Not a refusal (PUBACK 0x87 makes clients drop the message): the
    // sender is disconnected and sends it again from its outbox.
    Log(LogLevel::kError, "cannot store a message: " + status.ToString());
    return MessageVerdict::kRetryLater;
  }
  conversation.counters = counters;
  conversation.counters_unsaved = true;
  if (envelope.stime - counters_saved_ms_ >= kCountersSavePeriodMs) SaveCounters();
  *new_payload = std::move(stamped);
  *new_topic = protocol::MessageTopic(conv);
  return MessageVerdict::kRewrite;
}

void Server::SaveCounters() {
  counters_saved_ms_ = Now();
  WriteBatch batch;
  for (auto& [id, conversation] : caches_.conversations) {
    if (!conversation.counters_unsaved) continue;
    if (conversation.raw.empty()) conversation.raw = RawOfHexId(id);
    batch.Put(CountersKey(conversation.raw), EncodeCounters(conversation.counters));
  }
  if (batch.empty()) return;
  Status status = store_->Write(batch);
  if (!status.ok()) {
    // Nothing is lost: the counters are recounted from the messages at the
    // next start, and written again at the next period.
    Log(LogLevel::kError, "cannot write the message counters: " + status.ToString());
    return;
  }
  for (auto& [id, conversation] : caches_.conversations) conversation.counters_unsaved = false;
}

MessageVerdict Server::OnSignal(const Session& session, std::string_view conv,
                                std::string_view payload, std::string* new_topic) {
  auto refuse = [this, &session](const char* why) {
    Log(LogLevel::kDebug, "signal from " + session.user + " refused: " + why);
    return MessageVerdict::kDeny;
  };
  if (payload.size() > protocol::kMaxEphemeralBytes) return refuse("larger than 1 KiB");
  if (!IsMember(conv, session.user)) return refuse("not a member");
  nlohmann::json object = nlohmann::json::parse(payload, nullptr, false);
  if (!object.is_object()) return refuse("not a JSON object");
  auto from = object.find("from");
  if (from == object.end() || !from->is_string() || *from != session.user) {
    return refuse("from is not the connected user");
  }
  auto type = object.find("type");
  if (type == object.end() || !(*type == "typing" || *type == "read")) {
    return refuse("type is not typing or read");
  }
  *new_topic = protocol::EphemeralTopic(conv);
  return MessageVerdict::kRewriteTopic;
}

}  // namespace plugin
}  // namespace foyer
