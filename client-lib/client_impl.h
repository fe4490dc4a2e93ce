// Client::Impl: the state behind foyer::client::Client, shared by
// client.cc (login, dispatch, inbox events), client_accounts.cc (users and
// keys), client_conversations.cc (membership and epochs) and
// client_messages.cc (send, receive, history).
//
// Locks: state_mutex_ guards convs_; it is never held across a request or a
// callback. The transport's thread only routes responses, stamps the outbox
// and queues everything else for the dispatch thread.
//
// Exceptions (std::bad_alloc above all) never leave a handler of the
// transport's thread or the dispatch thread: they are caught, logged without
// secrets (callback_guard.h) and reported to OnError as Internal errors.
#ifndef FOYER_CLIENT_LIB_CLIENT_IMPL_H_
#define FOYER_CLIENT_LIB_CLIENT_IMPL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "foyer/client.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "outbox.h"
#include "peer_keys.h"
#include "requester.h"

namespace foyer {
namespace client {

// What the client knows of one conversation.
struct ConvState {
  std::vector<std::string> members;
  uint32_t epoch = 0;
  nlohmann::json title;  // the encrypted title as the server holds it
  uint64_t last_seq = 0;
  bool rotate = false;
  bool subscribed = false;  // to /m and /e (again after each reconnect)
  std::map<uint32_t, crypto::Secret> keys;  // epoch -> key
  std::set<uint64_t> seen;                  // delivered seqs, for de-duplication
};

// A random MQTT client id suffix: "c" + 12 hex characters.
std::string RandomClientSuffix();
// Milliseconds since the Unix epoch.
uint64_t NowMs();

class Client::Impl {
 public:
  explicit Impl(const Options& options);
  ~Impl();

  // client.cc
  Status Start(Credentials credentials);
  void Shutdown();
  Status Call(nlohmann::json request, nlohmann::json* response);
  Status SubscribeAndWait(const std::vector<std::string>& filters);
  // Subscribes to the conversation's /m and /e unless done already.
  Status EnsureSubscribed(const std::string& conv);
  void UnsubscribeQuietly(const std::vector<std::string>& filters);
  void ReportError(MessageError error);
  std::vector<std::string> AllFilters() const;

  // client_accounts.cc
  Status ObserveUsers(const nlohmann::json& users, std::vector<UserInfo>* out);
  Status EnsureKeys(const std::vector<std::string>& names);
  Status UsableKeys(const std::string& name, PeerKey* out);

  // client_conversations.cc
  // Applies a conversation object of conv_list / conv_get to the state.
  Status StoreConversation(const nlohmann::json& conv);
  Status RefreshConversation(const std::string& conv);
  Status FetchEpochKeys(const std::string& conv);
  bool HasKey(const std::string& conv, uint32_t epoch);
  Status KeyFor(const std::string& conv, uint32_t epoch, crypto::Secret* key);
  Status TitleText(const std::string& conv, const nlohmann::json& title, std::string* text);
  // Makes a new epoch (current + 1) for `members`: its key, the key envelopes
  // (JSON array) and the re-encrypted title. Does not send anything.
  Status PrepareEpoch(const std::string& conv, const std::vector<std::string>& members,
                      uint32_t epoch, const std::string& title, crypto::Secret* key,
                      nlohmann::json* keys, nlohmann::json* title_json);
  Status RotateNow(const std::string& conv);
  Status Forget(const std::string& conv);

  // client_messages.cc
  void OnTransportMessage(const std::string& topic, const std::string& payload);
  void OnConnected();
  void ProcessLiveMessage(const std::string& conv, const std::string& payload);
  Status OpenMessage(const protocol::Envelope& envelope, Message* message);
  // `content` is the message plaintext object (docs/protocol.md §5).
  Status SendOnce(const std::string& conv, const nlohmann::json& content, Message* stamped);
  // SendOnce, and once more after learning a new epoch when refused.
  Status SendContent(const std::string& conv, const nlohmann::json& content, Message* stamped);
  void CollectMessages(const std::string& conv, const nlohmann::json& envelopes,
                       std::vector<Message>* messages, std::vector<MessageError>* errors);

  // client.cc: the dispatch thread.
  void DispatchLoop();
  void ProcessInbox(const std::string& payload);
  // Inside a catch block on the transport's thread: logs the failure and
  // has the dispatch thread report it (OnError). Never throws.
  void NoteTransportFailure(const char* where) noexcept;
  // Inside a catch block on the dispatch thread: logs the failure and
  // reports it (OnError) as an Internal error about `conv` (may be empty),
  // `seq` and `sender`. Never throws.
  void ReportFailure(const char* where, const std::string& conv, uint64_t seq,
                     const std::string& sender) noexcept;

  Options options_;
  std::string user_;
  std::string household_;  // raw
  crypto::BoxKeyPair box_;
  crypto::SignKeyPair sign_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<Requester> requester_;
  PeerKeys peers_;
  Outbox outbox_;
  std::atomic<bool> ready_{false};

  mutable std::mutex state_mutex_;
  std::map<std::string, ConvState> convs_;

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<std::pair<std::string, std::string>> queue_;  // topic, payload
  bool stopping_ = false;
  // Failures on the transport's thread not reported yet: how many, and the
  // last one's static description (noting one must not allocate).
  size_t transport_failures_ = 0;
  const char* transport_failure_where_ = "";
  const char* transport_failure_kind_ = "";
  std::thread dispatcher_;

  // Held while a callback runs, so that replacing a callback from another
  // thread waits for the running one (callback_mutex_ guards the pointers).
  std::recursive_mutex running_mutex_;
  std::mutex callback_mutex_;
  std::function<void(const Message&)> on_message_;
  std::function<void(const MessageError&)> on_error_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_LIB_CLIENT_IMPL_H_
