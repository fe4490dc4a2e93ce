// Client: login and key recovery, the dispatch thread, inbox events.
#include <chrono>
#include <future>
#include <utility>

#include "callback_guard.h"
#include "client_impl.h"

namespace foyer {
namespace client {

std::string RandomClientSuffix() { return "c" + crypto::ToHex(crypto::RandomBytes(6)); }

uint64_t NowMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

bool IsTimeout(const Status& status) {
  return status.code() == Status::Code::kIOError &&
         status.message().rfind(kTimeoutPrefix, 0) == 0;
}

Client::Impl::Impl(const Options& options)
    : options_(options),
      peers_(options.pins),
      on_message_(options.on_message),
      on_error_(options.on_error) {}

Client::Impl::~Impl() { Shutdown(); }

Status Client::Impl::Start(Credentials credentials) {
  if (!crypto::Init()) return Status::Internal("libsodium cannot start");
  user_ = credentials.user;
  household_ = credentials.household;
  if (!protocol::ValidUserName(user_)) return Status::Invalid("invalid user name: " + user_);
  if (credentials.auth_key.empty() || credentials.kek.empty()) {
    if (household_.size() != 16) {
      return Status::Invalid("the household id (32 hex characters) is needed to log in");
    }
    protocol::LoginKeys login;
    Status derived = protocol::DeriveLogin(credentials.password, household_, user_, &login);
    crypto::Wipe(&credentials.password);
    if (!derived.ok()) return derived;
    credentials.auth_key = std::move(login.auth_key);
    credentials.kek = std::move(login.kek);
  }
  crypto::Wipe(&credentials.password);

  transport_ = options_.transport_factory ? options_.transport_factory() : NewPahoTransport();
  requester_ = std::make_unique<Requester>([this](const std::string& payload) {
    return transport_->Publish(protocol::kRequestTopic, payload, nullptr);
  });
  // These run on the transport's (Paho's) thread: nothing may escape them.
  transport_->SetHandlers(
      [this](const std::string& topic, const std::string& payload) {
        try {
          OnTransportMessage(topic, payload);
        } catch (...) {
          NoteTransportFailure("handling a message from the server");
        }
      },
      [this] {
        try {
          OnConnected();
        } catch (...) {
          NoteTransportFailure("subscribing again after a reconnect");
        }
      },
      [](const std::string&) {});
  dispatcher_ = std::thread([this] { DispatchLoop(); });

  TransportOptions connect;
  connect.server = options_.server;
  connect.ca_file = options_.ca_file;
  connect.client_id =
      user_ + ":" + (options_.client_suffix.empty() ? RandomClientSuffix() : options_.client_suffix);
  connect.user_name = user_;
  connect.password = crypto::ToHex(credentials.auth_key.view());
  connect.connect_timeout_ms = options_.timeout_ms;
  connect.auto_reconnect = options_.auto_reconnect;
  Status connected = transport_->Connect(connect);
  crypto::Wipe(&connect.password);
  if (!connected.ok()) return connected;

  // Recover the key pairs and check them against the published keys: a
  // server that swapped the public keys would be caught here.
  nlohmann::json bundle;
  Status status = Call({{"op", "bundle_get"}}, &bundle);
  if (!status.ok()) return status;
  std::string bundle_raw, x25519, ed25519;
  if (!bundle["bundle"].is_string() || !bundle["x25519"].is_string() ||
      !bundle["ed25519"].is_string() ||
      !crypto::FromBase64(bundle["bundle"].get<std::string>(), &bundle_raw) ||
      !crypto::FromBase64(bundle["x25519"].get<std::string>(), &x25519) ||
      !crypto::FromBase64(bundle["ed25519"].get<std::string>(), &ed25519)) {
    return Status::Corruption("the server sent a malformed key bundle");
  }
  crypto::Secret bundle_key = protocol::BundleKeyFromKek(credentials.kek);
  status = protocol::OpenBundle(bundle_key, household_, user_, bundle_raw, &box_, &sign_);
  if (!status.ok()) return Status::Corruption("the key bundle does not open: " + status.message());
  if (!crypto::Equal(box_.public_key, x25519) || !crypto::Equal(sign_.public_key, ed25519)) {
    return Status::Corruption("the published public keys do not match the key bundle");
  }
  status = peers_.Observe(user_, x25519, ed25519, "");
  if (!status.ok()) return status;

  status = SubscribeAndWait({protocol::InboxTopic(user_)});
  if (!status.ok()) return status;
  nlohmann::json users;
  if (Call({{"op", "users"}}, &users).ok()) {
    status = ObserveUsers(users["users"], nullptr);
    if (!status.ok()) return status;
  }
  nlohmann::json list;
  status = Call({{"op", "conv_list"}}, &list);
  if (!status.ok()) return status;
  std::vector<std::string> conv_ids;
  if (list["convs"].is_array()) {
    for (const auto& conv : list["convs"]) {
      if (StoreConversation(conv).ok()) conv_ids.push_back(conv["conv"].get<std::string>());
    }
  }
  status = SubscribeAndWait(AllFilters());
  if (!status.ok()) return status;
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    for (auto& entry : convs_) entry.second.subscribed = true;
  }
  ready_ = true;
  for (const std::string& conv : conv_ids) {
    Status fetched = FetchEpochKeys(conv);
    if (!fetched.ok()) ReportError(MessageError{conv, 0, "", fetched});
  }
  return Status::OK();
}

void Client::Impl::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  queue_changed_.notify_all();
  // Order matters: the dispatch thread may be in the middle of an inbox event
  // (a request, a subscription) that uses the transport. Fail its requests
  // (and refuse new ones), let it finish, and only then disconnect: closing
  // the transport under a running dispatch thread freed the Paho client
  // while that thread published with it (a SIGSEGV at the exit of foyer-cli).
  if (requester_) requester_->FailAll(Status::IOError("the client is closing"));
  if (dispatcher_.joinable()) dispatcher_.join();
  if (transport_) transport_->Disconnect();
}

Status Client::Impl::Call(nlohmann::json request, nlohmann::json* response) {
  return requester_->Call(std::move(request), options_.timeout_ms, response);
}

Status Client::Impl::SubscribeAndWait(const std::vector<std::string>& filters) {
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> result = done->get_future();
  Status queued = transport_->Subscribe(filters, [done](const Status& status) {
    done->set_value(status);
  });
  if (!queued.ok()) return queued;
  if (result.wait_for(std::chrono::milliseconds(options_.timeout_ms)) !=
      std::future_status::ready) {
    return TimeoutError("no answer from the server to a subscription");
  }
  return result.get();
}

Status Client::Impl::EnsureSubscribed(const std::string& conv) {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = convs_.find(conv);
    if (it == convs_.end()) return Status::NotFound("not a member of conversation " + conv);
    if (it->second.subscribed) return Status::OK();
  }
  Status status = SubscribeAndWait({protocol::MessageTopic(conv), protocol::EphemeralTopic(conv)});
  if (!status.ok()) return status;
  std::lock_guard<std::mutex> lock(state_mutex_);
  auto it = convs_.find(conv);
  if (it != convs_.end()) it->second.subscribed = true;
  return Status::OK();
}

void Client::Impl::UnsubscribeQuietly(const std::vector<std::string>& filters) {
  transport_->Unsubscribe(filters, nullptr);
}

std::vector<std::string> Client::Impl::AllFilters() const {
  std::vector<std::string> filters{protocol::InboxTopic(user_)};
  std::lock_guard<std::mutex> lock(state_mutex_);
  for (const auto& entry : convs_) {
    filters.push_back(protocol::MessageTopic(entry.first));
    filters.push_back(protocol::EphemeralTopic(entry.first));
  }
  return filters;
}

void Client::Impl::ReportError(MessageError error) {
  std::lock_guard<std::recursive_mutex> running(running_mutex_);
  std::function<void(const MessageError&)> callback;
  {
    std::lock_guard<std::mutex> lock(callback_mutex_);
    callback = on_error_;
  }
  if (!callback) return;
  try {
    callback(error);
  } catch (...) {
    // The application's own callback threw: nobody is left to tell.
    LogCallbackFailure("the application's OnError callback", CurrentExceptionKind());
  }
}

void Client::Impl::NoteTransportFailure(const char* where) noexcept {
  const char* kind = CurrentExceptionKind();
  LogCallbackFailure(where, kind);
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    ++transport_failures_;
    transport_failure_where_ = where;
    transport_failure_kind_ = kind;
  }
  queue_changed_.notify_one();
}

void Client::Impl::ReportFailure(const char* where, const std::string& conv, uint64_t seq,
                                 const std::string& sender) noexcept {
  const char* kind = CurrentExceptionKind();
  LogCallbackFailure(where, kind);
  try {
    ReportError(MessageError{conv, seq, sender,
                             Status::Internal(std::string(where) + " failed: " + kind)});
  } catch (...) {
    LogCallbackFailure("reporting a failure to OnError", CurrentExceptionKind());
  }
}

void Client::Impl::DispatchLoop() {
  for (;;) {
    std::pair<std::string, std::string> item;
    size_t failures = 0;
    const char* failure_where = "";
    const char* failure_kind = "";
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_changed_.wait(lock, [this] {
        return stopping_ || !queue_.empty() || transport_failures_ > 0;
      });
      if (stopping_) return;
      if (transport_failures_ > 0) {
        std::swap(failures, transport_failures_);
        failure_where = transport_failure_where_;
        failure_kind = transport_failure_kind_;
      } else {
        item = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (failures > 0) {
      // A response, a message or an event from the server may be lost: a
      // request times out, CatchUp fetches missed messages.
      try {
        std::string text = std::string(failure_where) + " failed: " + failure_kind;
        if (failures > 1) text += " (" + std::to_string(failures) + " times)";
        ReportError(MessageError{"", 0, "", Status::Internal(text)});
      } catch (...) {
        LogCallbackFailure("reporting a failure to OnError", CurrentExceptionKind());
      }
      continue;
    }
    protocol::Topic topic;
    try {
      topic = protocol::ParseTopic(item.first);
      if (topic.kind == protocol::Topic::Kind::kInbox) {
        ProcessInbox(item.second);
      } else if (topic.kind == protocol::Topic::Kind::kMessages) {
        ProcessLiveMessage(topic.id, item.second);
      }
    } catch (...) {
      static const std::string kNone;  // no copy may be made in here
      const bool live = topic.kind == protocol::Topic::Kind::kMessages;
      ReportFailure(live ? "handling a live message" : "handling an inbox event",
                    live ? topic.id : kNone, 0, kNone);
    }
  }
}

void Client::Impl::ProcessInbox(const std::string& payload) {
  nlohmann::json event = nlohmann::json::parse(payload, nullptr, false);
  if (!event.is_object() || !event["event"].is_string() || !event["conv"].is_string()) return;
  const std::string name = event["event"].get<std::string>();
  const std::string conv = event["conv"].get<std::string>();
  if (!protocol::ValidHexId(conv)) return;
  Status status;
  if (name == "conv_added") {
    status = RefreshConversation(conv);
    if (status.ok()) status = EnsureSubscribed(conv);
    if (status.ok()) status = FetchEpochKeys(conv);
  } else if (name == "epoch" || name == "conv_updated") {
    status = RefreshConversation(conv);
    if (status.ok()) status = FetchEpochKeys(conv);
  } else if (name == "conv_removed") {
    status = Forget(conv);
  } else if (name == "rotate_needed") {
    std::lock_guard<std::mutex> lock(state_mutex_);
    auto it = convs_.find(conv);
    if (it != convs_.end()) it->second.rotate = true;
  }
  if (!status.ok()) ReportError(MessageError{conv, 0, "", status});
}

Status Client::Impl::Forget(const std::string& conv) {
  UnsubscribeQuietly({protocol::MessageTopic(conv), protocol::EphemeralTopic(conv)});
  std::lock_guard<std::mutex> lock(state_mutex_);
  convs_.erase(conv);
  return Status::OK();
}

}  // namespace client
}  // namespace foyer
