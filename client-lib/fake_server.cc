#include "fake_server.h"

#include <algorithm>
#include <utility>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer {
namespace client {

class FakeTransport : public Transport {
 public:
  explicit FakeTransport(FakeServer* server) : server_(server) {}
  ~FakeTransport() override { Disconnect(); }

  void SetHandlers(MessageHandler on_message, ConnectedHandler on_connected,
                   LostHandler on_lost) override {
    on_message_ = std::move(on_message);
    on_connected_ = std::move(on_connected);
    on_lost_ = std::move(on_lost);
  }
  Status Connect(const TransportOptions& options) override {
    Status status = server_->Login(this, options.user_name, options.password);
    if (!status.ok()) return status;
    connected_ = true;
    server_->Post([this] { if (on_connected_) on_connected_(); });
    return Status::OK();
  }
  void Disconnect() override {
    closed_ = true;
    if (!connected_ && !registered_) return;
    connected_ = false;
    registered_ = false;
    server_->Logout(this);
    server_->Flush();  // no handler runs once Disconnect returns
  }
  bool IsConnected() const override { return connected_; }
  Status Publish(const std::string& topic, const std::string& payload,
                 DoneHandler done) override {
    if (closed_) ++server_->late_calls;
    if (!connected_) return Status::IOError("not connected");
    server_->HandlePublish(this, topic, payload, std::move(done));
    return Status::OK();
  }
  Status Subscribe(const std::vector<std::string>& filters, DoneHandler done) override {
    if (closed_) ++server_->late_calls;
    if (!connected_) return Status::IOError("not connected");
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& filter : filters) filters_.insert(filter);
    }
    server_->Post([done] { if (done) done(Status::OK()); });
    return Status::OK();
  }
  Status Unsubscribe(const std::vector<std::string>& filters, DoneHandler done) override {
    if (closed_) ++server_->late_calls;
    if (!connected_) return Status::IOError("not connected");
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& filter : filters) filters_.erase(filter);
    }
    server_->Post([done] { if (done) done(Status::OK()); });
    return Status::OK();
  }

  bool Subscribed(const std::string& topic) {
    std::lock_guard<std::mutex> lock(mutex_);
    return connected_ && filters_.count(topic) != 0;
  }
  void Deliver(const std::string& topic, const std::string& payload) {
    if (connected_ && on_message_) on_message_(topic, payload);
  }
  void Drop() {
    connected_ = false;
    std::lock_guard<std::mutex> lock(mutex_);
    filters_.clear();  // clean start: the session goes with the connection
  }
  void Lost() { if (on_lost_) on_lost_("dropped by the test"); }
  void Reconnected() {
    connected_ = true;
    if (on_connected_) on_connected_();
  }

  std::atomic<bool> registered_{true};

 private:
  FakeServer* server_;
  std::atomic<bool> closed_{false};  // Disconnect began: nothing may use it now
  std::atomic<bool> connected_{false};
  std::mutex mutex_;
  std::set<std::string> filters_;
  MessageHandler on_message_;
  ConnectedHandler on_connected_;
  LostHandler on_lost_;
};

FakeServer::FakeServer() : household_(crypto::RandomBytes(16)) {
  crypto::Init();
  thread_ = std::thread([this] { Run(); });
}

FakeServer::~FakeServer() {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  thread_.join();
}

void FakeServer::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(queue_mutex_);
      queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    task();
    {
      std::lock_guard<std::mutex> lock(queue_mutex_);
      busy_ = false;
    }
    queue_changed_.notify_all();
  }
}

void FakeServer::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(queue_mutex_);
    queue_.push_back(std::move(task));
  }
  queue_changed_.notify_all();
}

void FakeServer::Flush() {
  if (std::this_thread::get_id() == thread_.get_id()) return;
  std::unique_lock<std::mutex> lock(queue_mutex_);
  queue_changed_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

std::function<std::unique_ptr<Transport>()> FakeServer::Factory() {
  return [this] { return std::make_unique<FakeTransport>(this); };
}

Credentials FakeServer::AddDevice(const std::string& name, const std::string& role) {
  Credentials credentials;
  credentials.user = name;
  credentials.household = household_;
  credentials.auth_key = crypto::Secret::Random(32);
  credentials.kek = crypto::Secret::Random(32);
  auto box = crypto::BoxKeyPair::Generate();
  auto sign = crypto::SignKeyPair::Generate();
  User user;
  user.role = role;
  user.auth_key_hex = crypto::ToHex(credentials.auth_key.view());
  user.x25519 = crypto::ToBase64(box.public_key);
  user.ed25519 = crypto::ToBase64(sign.public_key);
  user.bundle = crypto::ToBase64(protocol::SealBundle(
      protocol::BundleKeyFromKek(credentials.kek), household_, name, box, sign));
  std::lock_guard<std::mutex> lock(mutex_);
  users_[name] = user;
  return credentials;
}

std::string FakeServer::AddInvite(const std::string& name, const std::string& role) {
  std::string secret = crypto::RandomBytes(16);
  std::lock_guard<std::mutex> lock(mutex_);
  invites_[crypto::ToHex(secret)] = {name, role};
  return protocol::EncodeInviteCode(household_, secret);
}

void FakeServer::ReplaceKeys(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  users_[name].x25519 = crypto::ToBase64(crypto::BoxKeyPair::Generate().public_key);
  users_[name].ed25519 = crypto::ToBase64(crypto::SignKeyPair::Generate().public_key);
}

Status FakeServer::Login(FakeTransport* transport, const std::string& user,
                         const std::string& password) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (user == protocol::kInviteUserName) {
    if (!invites_.count(password)) return Status::Denied("bad invite");
    sessions_[transport] = "~" + password;
    return Status::OK();
  }
  auto it = users_.find(user);
  if (it == users_.end() || it->second.auth_key_hex != password) {
    return Status::Denied("login refused");
  }
  sessions_[transport] = user;
  return Status::OK();
}

void FakeServer::Logout(FakeTransport* transport) {
  std::lock_guard<std::mutex> lock(mutex_);
  sessions_.erase(transport);
}

void FakeServer::DropAndReconnect(const std::string& user) {
  std::vector<FakeTransport*> transports;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& session : sessions_) {
      if (session.second == user) transports.push_back(session.first);
    }
  }
  for (FakeTransport* transport : transports) {
    transport->Drop();
    Post([transport] { transport->Lost(); });
    Post([transport] { transport->Reconnected(); });
  }
  Flush();
}

void FakeServer::DeliverLocked(const std::string& topic, const std::string& payload) {
  for (auto& session : sessions_) {
    FakeTransport* transport = session.first;
    if (transport->Subscribed(topic)) Post([=] { transport->Deliver(topic, payload); });
  }
}

void FakeServer::NotifyLocked(const std::string& user, const nlohmann::json& event) {
  DeliverLocked(protocol::InboxTopic(user), event.dump());
}

void FakeServer::Inject(const std::string& conv, const std::string& payload) {
  std::lock_guard<std::mutex> lock(mutex_);
  DeliverLocked(protocol::MessageTopic(conv), payload);
}

std::vector<nlohmann::json> FakeServer::Stored(const std::string& conv) {
  std::lock_guard<std::mutex> lock(mutex_);
  return convs_[conv].messages;
}

void FakeServer::HandlePublish(FakeTransport* transport, const std::string& topic,
                               const std::string& payload, Transport::DoneHandler done) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string user = sessions_[transport];
  protocol::Topic parsed = protocol::ParseTopic(topic);
  if (parsed.kind == protocol::Topic::Kind::kRequest) {
    nlohmann::json request = nlohmann::json::parse(payload, nullptr, false);
    nlohmann::json response = Handle(user, request);
    response["id"] = request.value("id", "");
    if (!drop_responses) {
      const std::string text = response.dump();
      Post([transport, text] { transport->Deliver(protocol::kResponseTopic, text); });
    }
    Post([done] { if (done) done(Status::OK()); });
    return;
  }
  protocol::Envelope envelope;
  auto conv = convs_.find(parsed.id);
  bool accepted = parsed.kind == protocol::Topic::Kind::kSend && conv != convs_.end() &&
                  protocol::ParseEnvelope(payload, &envelope).ok() && envelope.from == user &&
                  envelope.conv == parsed.id && envelope.epoch == conv->second.epoch &&
                  !conv->second.rotate &&
                  std::count(conv->second.members.begin(), conv->second.members.end(), user);
  if (!accepted) {
    Post([done] { if (done) done(Status::Denied("refused (reason 0x87)")); });
    return;
  }
  Post([done] { if (done) done(Status::OK()); });
  if (drop_sends) return;
  nlohmann::json stored;
  for (const auto& message : conv->second.messages) {
    if (message["from"] == envelope.from && message["cmid"] == envelope.cmid) stored = message;
  }
  if (stored.is_null()) {
    envelope.seq = conv->second.messages.size() + 1;
    envelope.stime = 1767225600000 + envelope.seq;
    stored = protocol::EnvelopeToJson(envelope);
    conv->second.messages.push_back(stored);
  }
  DeliverLocked(protocol::MessageTopic(parsed.id), stored.dump());
}

nlohmann::json FakeServer::ConvJson(const std::string& id, const Conv& conv) {
  return {{"conv", id},          {"members", conv.members},
          {"epoch", conv.epoch}, {"title", conv.title},
          {"rotate", conv.rotate}, {"last_seq", conv.messages.size()}};
}

nlohmann::json FakeServer::Handle(const std::string& user, const nlohmann::json& request) {
  const std::string op = request.value("op", "");
  auto error = [](const char* code, const char* message) {
    return nlohmann::json{{"ok", false}, {"error", code}, {"message", message}};
  };
  nlohmann::json ok = {{"ok", true}};
  if (user.rfind("~", 0) == 0) {
    auto& invite = invites_[user.substr(1)];
    if (op == "invite_info") {
      ok.update({{"user", invite.first}, {"role", invite.second},
                 {"household", crypto::ToHex(household_)}, {"expires", 1}});
      return ok;
    }
    if (op != "register") return error("denied", "invite sessions may not do that");
    users_[invite.first] = User{invite.second, request["auth_key"], request["x25519"],
                                request["ed25519"], request["bundle"]};
    ok.update({{"user", invite.first}, {"role", invite.second}});
    return ok;
  }
  if (op == "whoami") {
    ok.update({{"user", user}, {"role", users_[user].role}, {"household", crypto::ToHex(household_)}});
  } else if (op == "bundle_get") {
    ok.update({{"bundle", users_[user].bundle}, {"x25519", users_[user].x25519},
               {"ed25519", users_[user].ed25519}});
  } else if (op == "users") {
    ok["users"] = nlohmann::json::array();
    for (const auto& entry : users_) {
      ok["users"].push_back({{"name", entry.first}, {"role", entry.second.role},
                             {"x25519", entry.second.x25519}, {"ed25519", entry.second.ed25519}});
    }
  } else if (op == "keys") {
    ok["keys"] = nlohmann::json::object();
    for (const auto& name : request["users"]) {
      if (!users_.count(name)) return error("not_found", "unknown user");
      const User& found = users_[name];
      ok["keys"][name.get<std::string>()] = {{"x25519", found.x25519}, {"ed25519", found.ed25519}};
    }
  } else if (op == "conv_list") {
    ok["convs"] = nlohmann::json::array();
    for (const auto& entry : convs_) {
      const auto& members = entry.second.members;
      if (std::count(members.begin(), members.end(), user)) {
        ok["convs"].push_back(ConvJson(entry.first, entry.second));
      }
    }
  } else if (op.rfind("file_", 0) == 0) {
    return HandleFile(user, op, request);
  } else {
    return HandleConv(user, op, request);
  }
  return ok;
}

nlohmann::json FakeServer::HandleFile(const std::string& user, const std::string& op,
                                      const nlohmann::json& request) {
  auto error = [](const char* code, const char* message) {
    return nlohmann::json{{"ok", false}, {"error", code}, {"message", message}};
  };
  const std::string conv = request.value("conv", "");
  auto member = [&](const std::string& id) {
    auto it = convs_.find(id);
    return it != convs_.end() &&
           std::count(it->second.members.begin(), it->second.members.end(), user) != 0;
  };
  if (op == "file_begin") {
    if (!member(conv)) return error("denied", "not a member of this conversation");
    if (request["size"].get<uint64_t>() > 100000) return error("limit", "the limit is 100000");
    std::string id = crypto::RandomIdHex();
    File& file = files_[id];
    file.conv = conv;
    file.size = request["size"];
    file.chunks.resize(protocol::FileChunkCount(file.size));
    return {{"ok", true}, {"file", id}, {"chunks", file.chunks.size()}, {"chunk_bytes", 65536}};
  }
  auto it = files_.find(request.value("file", ""));
  if (it == files_.end()) return error("not_found", "unknown file");
  File& file = it->second;
  const uint64_t index = request.value("index", uint64_t{0});
  if (op == "file_put") {
    std::string data;
    crypto::FromBase64(request.value("data", ""), &data);
    file.chunks.at(index) = data;
    return {{"ok", true}};
  }
  if (op == "file_end" || op == "file_abort") return {{"ok", true}};
  if (op == "file_get") {
    if (!member(file.conv) || file.conv != conv) return error("denied", "not a member");
    return {{"ok", true}, {"data", crypto::ToBase64(file.chunks.at(index))},
            {"chunks", file.chunks.size()}, {"size", file.size}};
  }
  return error("invalid", "unknown op");
}

void FakeServer::CorruptFileChunk(const std::string& file, size_t index) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string& chunk = files_.at(file).chunks.at(index);
  chunk[chunk.size() / 2] ^= 1;
}

nlohmann::json FakeServer::HandleConv(const std::string& user, const std::string& op,
                                      const nlohmann::json& request) {
  auto error = [](const char* code, const char* message) {
    return nlohmann::json{{"ok", false}, {"error", code}, {"message", message}};
  };
  nlohmann::json ok = {{"ok", true}};
  const std::string id = request.value("conv", "");
  if (op == "conv_create") {
    if (convs_.count(id)) return error("conflict", "exists");
    Conv& conv = convs_[id];
    conv.members = request["members"].get<std::vector<std::string>>();
    conv.title = request["title"];
    for (const auto& key : request["keys"]) conv.keys.push_back(key);
    for (const auto& member : conv.members) {
      NotifyLocked(member, {{"event", "conv_added"}, {"conv", id}});
    }
    ok.update({{"conv", id}, {"epoch", 1}});
    return ok;
  }
  auto found = convs_.find(id);
  if (found == convs_.end() ||
      !std::count(found->second.members.begin(), found->second.members.end(), user)) {
    return error("not_found", "no such conversation");
  }
  Conv& conv = found->second;
  if (op == "conv_get") {
    nlohmann::json result = ConvJson(id, conv);
    result["ok"] = true;
    return result;
  }
  if (op == "epoch_keys") {
    ok["keys"] = nlohmann::json::array();
    for (const auto& key : conv.keys) {
      if (key["to"] == user) ok["keys"].push_back(key);
    }
  } else if (op == "history") {
    ok["messages"] = conv.messages;
    ok["more"] = false;
  } else if (op == "conv_leave") {
    conv.members.erase(std::find(conv.members.begin(), conv.members.end(), user));
    conv.rotate = true;
    for (const auto& member : conv.members) {
      NotifyLocked(member, {{"event", "rotate_needed"}, {"conv", id}});
    }
  } else if (op == "conv_rotate" || op == "conv_remove" || op == "conv_add") {
    const std::string target = request.value("user", "");
    const auto& keys = request["keys"];
    const bool shared = op == "conv_add" && !keys.empty() && keys[0]["epoch"] <= conv.epoch;
    if (!shared) {
      if (keys.empty() || keys[0]["epoch"] != conv.epoch + 1) return error("conflict", "stale epoch");
      conv.epoch += 1;
      conv.title = request["title"];
      conv.rotate = false;
    }
    for (const auto& key : keys) conv.keys.push_back(key);
    if (op == "conv_add") conv.members.push_back(target);
    if (op == "conv_remove") {
      conv.members.erase(std::find(conv.members.begin(), conv.members.end(), target));
      NotifyLocked(target, {{"event", "conv_removed"}, {"conv", id}});
    }
    if (op == "conv_add") NotifyLocked(target, {{"event", "conv_added"}, {"conv", id}});
    for (const auto& member : conv.members) {
      NotifyLocked(member, {{"event", "epoch"}, {"conv", id}, {"epoch", conv.epoch}});
    }
    ok["epoch"] = conv.epoch;
  } else {
    return error("invalid", "unknown op");
  }
  return ok;
}

}  // namespace client
}  // namespace foyer
