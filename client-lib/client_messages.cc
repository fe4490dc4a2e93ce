// Client: sending (with the outbox), receiving, history (docs/protocol.md §5).
#include <utility>

#include "client_impl.h"

namespace foyer {
namespace client {
namespace {

// Delivered seqs remembered per conversation for de-duplication.
constexpr size_t kSeenLimit = 4096;

}  // namespace

void Client::Impl::OnTransportMessage(const std::string& topic, const std::string& payload) {
  if (topic == protocol::kResponseTopic) {
    requester_->OnResponse(payload);
    return;
  }
  protocol::Topic parsed = protocol::ParseTopic(topic);
  if (parsed.kind == protocol::Topic::Kind::kMessages) {
    // Confirm our own sends here, not on the dispatch thread: a Send called
    // from a callback must not wait for the thread it blocks.
    protocol::Envelope envelope;
    if (protocol::ParseEnvelope(payload, &envelope).ok() && envelope.from == user_ &&
        envelope.seq > 0) {
      outbox_.Stamp(envelope.cmid, envelope.seq, envelope.stime);
    }
  } else if (parsed.kind != protocol::Topic::Kind::kInbox) {
    return;  // signals and presence are not handled by client-lib yet
  }
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (stopping_) return;
    queue_.emplace_back(topic, payload);
  }
  queue_changed_.notify_one();
}

void Client::Impl::OnConnected() {
  // A clean session after every reconnect: subscribe again, then publish the
  // outbox again (the broker handles both in order, so the echoes come back).
  if (!ready_) return;
  transport_->Subscribe(AllFilters(), nullptr);
  for (const Outbox::Entry& entry : outbox_.Pending()) {
    const std::string cmid = entry.cmid;
    Outbox* outbox = &outbox_;
    transport_->Publish(protocol::SendTopic(entry.conv), entry.payload,
                        [outbox, cmid](const Status& status) {
                          if (status.code() == Status::Code::kDenied) outbox->Refuse(cmid, status);
                        });
  }
}

Status Client::Impl::OpenMessage(const protocol::Envelope& envelope, Message* message) {
  PeerKey sender;
  Status status = UsableKeys(envelope.from, &sender);
  if (!status.ok()) return status;
  crypto::Secret key;
  status = KeyFor(envelope.conv, envelope.epoch, &key);
  if (!status.ok()) {
    // A new epoch we have not heard of yet: learn it, then try again.
    if (RefreshConversation(envelope.conv).ok()) status = KeyFor(envelope.conv, envelope.epoch, &key);
    if (!status.ok()) return status;
  }
  std::string plaintext;
  status = protocol::OpenEnvelope(envelope, sender.ed25519, key, &plaintext);
  if (!status.ok()) return status;
  nlohmann::json content = nlohmann::json::parse(plaintext, nullptr, false);
  crypto::Wipe(&plaintext);
  nlohmann::json type = content.is_object() ? content.value("type", nlohmann::json())
                                             : nlohmann::json();
  message->has_file = false;
  message->file = protocol::FileRef();
  if (type == "text") {
    if (!content.contains("text") || !content["text"].is_string()) {
      return Status::Invalid("unsupported message content");
    }
  } else if (type == "file") {
    if (!content.contains("file") ||
        !protocol::FileRefFromJson(content["file"], &message->file).ok() ||
        (content.contains("text") && !content["text"].is_string())) {
      return Status::Invalid("unsupported message content (a malformed file reference)");
    }
    message->has_file = true;
  } else {
    return Status::Invalid("unsupported message content");
  }
  message->conv = envelope.conv;
  message->sender = envelope.from;
  message->text = content.value("text", std::string());
  message->reply_to.clear();
  if (content.contains("reply_to") && content["reply_to"].is_string()) {
    message->reply_to = content["reply_to"].get<std::string>();
  }
  message->seq = envelope.seq;
  message->time = envelope.stime;
  message->ts = envelope.ts;
  message->cmid = envelope.cmid;
  message->epoch = envelope.epoch;
  return Status::OK();
}

void Client::Impl::ProcessLiveMessage(const std::string& conv, const std::string& payload) {
  protocol::Envelope envelope;
  Status status = protocol::ParseEnvelope(payload, &envelope);
  if (status.ok() && (envelope.conv != conv || envelope.seq == 0)) {
    status = Status::Invalid("the envelope does not belong to this topic or has no seq");
  }
  if (!status.ok()) {
    ReportError(MessageError{conv, envelope.seq, envelope.from, status});
    return;
  }
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = convs_.find(conv);
    if (it == convs_.end()) return;  // no longer a member
    ConvState& state = it->second;
    if (!state.seen.insert(envelope.seq).second) return;  // a duplicate
    if (state.seen.size() > kSeenLimit) state.seen.erase(state.seen.begin());
    if (envelope.seq > state.last_seq) state.last_seq = envelope.seq;
  }
  try {
    Message message;
    status = OpenMessage(envelope, &message);  // may need memory for its key
    if (!status.ok()) {
      ReportError(MessageError{conv, envelope.seq, envelope.from, status});
      return;
    }
    std::lock_guard<std::recursive_mutex> running(running_mutex_);
    std::function<void(const Message&)> callback;
    {
      std::lock_guard<std::mutex> lock(callback_mutex_);
      callback = on_message_;
    }
    if (callback) callback(message);
  } catch (...) {
    // Out of memory, or the application's callback threw: the message
    // is reported by its seq (History can fetch it again later).
    ReportFailure("delivering a message", conv, envelope.seq, envelope.from);
  }
}

Status Client::Impl::SendOnce(const std::string& conv, const nlohmann::json& content,
                              Message* stamped) {
  const std::string text = content.value("text", std::string());
  const std::string reply_to = content.value("reply_to", std::string());
  bool rotate = false;
  uint32_t epoch = 0;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = convs_.find(conv);
    if (it == convs_.end()) return Status::NotFound("not a member of conversation " + conv);
    rotate = it->second.rotate;
    epoch = it->second.epoch;
  }
  if (rotate) {
    Status rotated = RotateNow(conv);
    // Another member may have rotated first: then learn the new epoch.
    if (!rotated.ok() && rotated.code() != Status::Code::kConflict) return rotated;
    if (!rotated.ok()) {
      Status refreshed = RefreshConversation(conv);
      if (!refreshed.ok()) return refreshed;
    }
    std::lock_guard<std::mutex> lock(state_mutex_);
    epoch = convs_[conv].epoch;
  }
  // The echo on /m is the confirmation: the subscription must be in place.
  Status status = EnsureSubscribed(conv);
  if (!status.ok()) return status;
  crypto::Secret key;
  status = KeyFor(conv, epoch, &key);
  if (!status.ok()) return status;

  std::string plaintext = content.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (plaintext.size() > protocol::kMaxPlaintextBytes) return Status::Limit("the text is too long");
  Outbox::Entry entry;
  entry.conv = conv;
  entry.cmid = crypto::RandomIdHex();
  entry.epoch = epoch;
  entry.ts = NowMs();
  entry.text = text;
  entry.reply_to = reply_to;
  entry.payload = protocol::SerializeEnvelope(protocol::SealEnvelope(
      conv, epoch, user_, entry.cmid, entry.ts, key, sign_, plaintext));
  crypto::Wipe(&plaintext);
  const std::string cmid = entry.cmid;
  outbox_.Add(entry);
  Outbox* outbox = &outbox_;
  // Not queued (disconnected): the entry stays and goes out after reconnect.
  transport_->Publish(protocol::SendTopic(conv), entry.payload,
                      [outbox, cmid](const Status& published) {
                        if (published.code() == Status::Code::kDenied) {
                          outbox->Refuse(cmid, published);
                        }
                      });
  Outbox::Result result = outbox_.Wait(cmid, options_.timeout_ms);
  if (result.state == Outbox::State::kPending) {
    return TimeoutError("the server has not confirmed the message yet; it stays in the outbox");
  }
  if (result.state == Outbox::State::kRefused) {
    return Status::Denied("the server refused the message (stale epoch, conversation waiting "
                          "for a rotation, or not a member)");
  }
  stamped->conv = conv;
  stamped->sender = user_;
  stamped->text = text;
  stamped->has_file = content.contains("file");
  stamped->file = protocol::FileRef();
  if (stamped->has_file) protocol::FileRefFromJson(content["file"], &stamped->file);
  stamped->reply_to = reply_to;
  stamped->seq = result.seq;
  stamped->time = result.stime;
  stamped->ts = entry.ts;
  stamped->cmid = cmid;
  stamped->epoch = epoch;
  return Status::OK();
}

void Client::Impl::CollectMessages(const std::string& conv, const nlohmann::json& envelopes,
                                   std::vector<Message>* messages,
                                   std::vector<MessageError>* errors) {
  if (!envelopes.is_array()) return;
  for (const auto& json : envelopes) {
    protocol::Envelope envelope;
    Status status = protocol::EnvelopeFromJson(json, &envelope);
    if (status.ok() && envelope.conv != conv) {
      status = Status::Invalid("the envelope belongs to another conversation");
    }
    Message message;
    if (status.ok()) status = OpenMessage(envelope, &message);
    if (status.ok()) {
      messages->push_back(std::move(message));
    } else {
      errors->push_back(MessageError{conv, envelope.seq, envelope.from, status});
    }
  }
}

Status Client::Send(const std::string& conv, const std::string& text, const std::string& reply_to,
                    Message* stamped) {
  if (!reply_to.empty() && !protocol::ValidHexId(reply_to)) {
    return Status::Invalid("reply_to must be a message id (32 hex)");
  }
  nlohmann::json content = {{"type", "text"}, {"text", text}};
  if (!reply_to.empty()) content["reply_to"] = reply_to;
  return impl_->SendContent(conv, content, stamped);
}

Status Client::Impl::SendContent(const std::string& conv, const nlohmann::json& content,
                                 Message* stamped) {
  Status status = SendOnce(conv, content, stamped);
  if (status.code() != Status::Code::kDenied) return status;
  // Refused: the epoch may have moved on meanwhile. Learn the conversation's
  // state and keys, then try once more under the current epoch.
  uint32_t before = 0;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = convs_.find(conv);
    if (it == convs_.end()) return status;
    before = it->second.epoch;
  }
  Status refreshed = RefreshConversation(conv);
  if (!refreshed.ok()) return refreshed;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    const ConvState& state = convs_[conv];
    if (state.epoch == before && !state.rotate) return status;
  }
  return SendOnce(conv, content, stamped);
}

size_t Client::OutboxSize() const { return impl_->outbox_.size(); }

Status Client::History(const std::string& conv, uint64_t before, int limit, HistoryPage* out) {
  if (limit < 1 || limit > protocol::kHistoryMaxLimit) return Status::Invalid("limit must be 1-200");
  nlohmann::json request = {{"op", "history"}, {"conv", conv}, {"limit", limit}};
  if (before > 0) request["before"] = before;
  nlohmann::json response;
  Status status = impl_->Call(std::move(request), &response);
  if (!status.ok()) return status;
  *out = HistoryPage();
  impl_->CollectMessages(conv, response["messages"], &out->messages, &out->errors);
  out->more = response.value("more", nlohmann::json(false)) == true;
  return Status::OK();
}

Status Client::CatchUp(const std::map<std::string, uint64_t>& since, int limit,
                       CatchUpResult* out) {
  if (limit < 1) return Status::Invalid("limit must be at least 1");
  nlohmann::json request = {{"op", "catchup"}, {"since", since}, {"limit", limit}};
  nlohmann::json response;
  Status status = impl_->Call(std::move(request), &response);
  if (!status.ok()) return status;
  *out = CatchUpResult();
  if (!response["messages"].is_object()) return Status::OK();
  for (const auto& entry : response["messages"].items()) {
    if (!protocol::ValidHexId(entry.key())) continue;
    impl_->CollectMessages(entry.key(), entry.value(), &out->messages, &out->errors);
    const nlohmann::json& more = response["more"];
    out->more[entry.key()] = more.is_object() && more.contains(entry.key()) &&
                             more[entry.key()].is_boolean() && more[entry.key()].get<bool>();
  }
  return Status::OK();
}

}  // namespace client
}  // namespace foyer
