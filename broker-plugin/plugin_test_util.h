// Test helpers for the plugin's unit tests: a fake BrokerPort, and a fixture
// that opens a Server on a temporary data dir with a fake clock and drives it
// as real clients would (invite, register, login, requests, conversations).
#ifndef FOYER_BROKER_PLUGIN_PLUGIN_TEST_UTIL_H_
#define FOYER_BROKER_PLUGIN_PLUGIN_TEST_UTIL_H_

#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "broker_port.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "server.h"

namespace foyer {
namespace plugin {
namespace testing {

using Json = nlohmann::json;

class FakePort : public BrokerPort {
 public:
  struct Sent {
    std::string client_id;  // empty for Publish
    std::string topic;
    std::string payload;
  };
  void PublishTo(const std::string& client_id, const std::string& topic,
                 const std::string& payload) override {
    sent.push_back({client_id, topic, payload});
  }
  void Publish(const std::string& topic, const std::string& payload) override {
    sent.push_back({"", topic, payload});
  }
  void KickUser(const std::string& user_name) override { kicked.push_back(user_name); }
  void Log(LogLevel level, const std::string& text) override { logs.push_back(text); }

  // Inbox events published for `user`, as JSON.
  std::vector<Json> Inbox(const std::string& user) const {
    std::vector<Json> events;
    for (const Sent& s : sent) {
      if (s.client_id.empty() && s.topic == protocol::InboxTopic(user)) {
        events.push_back(Json::parse(s.payload));
      }
    }
    return events;
  }

  std::vector<Sent> sent;
  std::vector<std::string> kicked;
  std::vector<std::string> logs;
};

struct TestUser {
  std::string name;
  std::string role;
  crypto::BoxKeyPair box;
  crypto::SignKeyPair sign;
  std::string auth_key;  // raw 32 bytes
  const void* client = nullptr;
  std::string client_id;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    char pattern[] = "/tmp/foyer-plugin-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    options_.data_dir = dir_;
    options_.sync_ms = 0;
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    server_.reset();
    Status status = Server::Open(options_, &port_, [this] { return now_; }, &server_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  // Closes and reopens the store: every session is gone.
  void Reopen() {
    server_.reset();
    for (auto& [name, user] : users_) user->client = nullptr;
    Open();
  }

  // A distinct opaque client pointer per call.
  const void* NewClient() {
    tokens_.push_back(0);
    return &tokens_.back();
  }

  std::string ReadAdminInvite() {
    std::ifstream file(server_->admin_invite_path());
    std::string code;
    std::getline(file, code);
    return code;
  }

  static std::string SecretHex(const std::string& code) {
    std::string household, secret;
    EXPECT_TRUE(protocol::DecodeInviteCode(code, &household, &secret).ok());
    return crypto::ToHex(secret);
  }

  // Sends a request from `client` and returns the response sent to it.
  Json Request(const void* client, Json request) {
    if (!request.contains("id")) request["id"] = "r" + std::to_string(++request_count_);
    size_t before = port_.sent.size();
    server_->OnControl(client, request.dump());
    const Session* session = server_->FindSession(client);
    for (size_t i = before; i < port_.sent.size(); ++i) {
      const FakePort::Sent& s = port_.sent[i];
      if (session && s.client_id == session->client_id && s.topic == protocol::kResponseTopic) {
        Json response = Json::parse(s.payload);
        EXPECT_EQ(response["id"], request["id"]);
        return response;
      }
    }
    return Json{{"ok", false}, {"error", "no response"}};
  }
  Json Request(TestUser& user, Json request) { return Request(user.client, std::move(request)); }

  // Logs an invite session in with `code`; nullptr when refused.
  const void* InviteSession(const std::string& code) {
    const void* client = NewClient();
    std::string client_id = "~invite:t" + std::to_string(tokens_.size());
    std::string password = SecretHex(code);
    return server_->Authenticate(client, client_id, "~invite", password.c_str(), "127.0.0.1")
               ? client
               : nullptr;
  }

  // Registers `name` through an invite code (keys made here) and logs in.
  TestUser& RegisterWithCode(const std::string& name, const std::string& code) {
    auto user = std::make_unique<TestUser>();
    user->name = name;
    user->box = crypto::BoxKeyPair::Generate();
    user->sign = crypto::SignKeyPair::Generate();
    user->auth_key = crypto::RandomBytes(32);
    const void* invite = InviteSession(code);
    EXPECT_NE(invite, nullptr);
    Json response = Request(invite, Json{{"op", "register"},
                                         {"auth_key", crypto::ToHex(user->auth_key)},
                                         {"x25519", crypto::ToBase64(user->box.public_key)},
                                         {"ed25519", crypto::ToBase64(user->sign.public_key)},
                                         {"bundle", crypto::ToBase64(std::string(136, 'b'))}});
    EXPECT_EQ(response["ok"], true) << response.dump();
    user->role = response.value("role", "");
    server_->OnDisconnect(invite);
    TestUser& stored = *(users_[name] = std::move(user));
    EXPECT_TRUE(Login(stored));
    return stored;
  }

  // Registers the first admin from the admin-invite file.
  TestUser& Admin() {
    if (users_.count("admin")) return *users_["admin"];
    return RegisterWithCode("admin", ReadAdminInvite());
  }

  TestUser& AddUser(const std::string& name, const std::string& role = "member") {
    Json response = Request(Admin(), Json{{"op", "invite"}, {"name", name}, {"role", role}});
    EXPECT_EQ(response["ok"], true) << response.dump();
    return RegisterWithCode(name, response.value("code", ""));
  }

  bool Login(TestUser& user, const std::string& suffix = "") {
    user.client = NewClient();
    user.client_id = suffix.empty() ? user.name : user.name + ":" + suffix;
    std::string password = crypto::ToHex(user.auth_key);
    return server_->Authenticate(user.client, user.client_id, user.name.c_str(),
                                 password.c_str(), "127.0.0.1");
  }

  // Key envelopes from `from` to each of `to` for `epoch` of `conv`.
  Json Keys(const TestUser& from, const std::string& conv, uint32_t epoch,
            const std::vector<std::string>& to) {
    crypto::Secret& key = EpochKey(conv, epoch);
    Json keys = Json::array();
    for (const std::string& name : to) {
      keys.push_back(protocol::KeyEnvelopeToJson(protocol::MakeKeyEnvelope(
          conv, epoch, key, from.name, from.sign, name, users_.at(name)->box.public_key)));
    }
    return keys;
  }
  Json Title(const std::string& conv, uint32_t epoch) {
    return protocol::TitleToJson(protocol::EncryptTitle(conv, epoch, EpochKey(conv, epoch), "t"));
  }
  crypto::Secret& EpochKey(const std::string& conv, uint32_t epoch) {
    auto& key = epoch_keys_[{conv, epoch}];
    if (key.empty()) key = crypto::Secret::Random(32);
    return key;
  }

  // Creates a conversation of `members` (creator first); returns its id.
  std::string CreateConv(TestUser& creator, const std::vector<std::string>& members) {
    std::string conv = crypto::RandomIdHex();
    Json response = Request(creator, Json{{"op", "conv_create"},
                                          {"conv", conv},
                                          {"members", members},
                                          {"title", Title(conv, 1)},
                                          {"keys", Keys(creator, conv, 1, members)}});
    EXPECT_EQ(response["ok"], true) << response.dump();
    return conv;
  }

  // An envelope from `user` in `conv` at `epoch` (sealed with the test key).
  std::string Envelope(const TestUser& user, const std::string& conv, uint32_t epoch,
                       const std::string& cmid = crypto::RandomIdHex()) {
    return protocol::SerializeEnvelope(protocol::SealEnvelope(
        conv, epoch, user.name, cmid, now_, EpochKey(conv, epoch), user.sign,
        R"({"type":"text","text":"hello"})"));
  }

  // Publishes an envelope; returns the delivered payload ("" when refused).
  std::string Send(const TestUser& user, const std::string& conv, const std::string& payload) {
    std::string topic, delivered;
    MessageVerdict verdict = server_->OnMessage(user.client, "foyer/c/" + conv + "/send",
                                                payload, false, &topic, &delivered);
    if (verdict != MessageVerdict::kRewrite) return "";
    EXPECT_EQ(topic, "foyer/c/" + conv + "/m");
    return delivered;
  }

  std::string dir_;
  PluginOptions options_;
  FakePort port_;
  uint64_t now_ = 1767225600000;
  std::unique_ptr<Server> server_;
  std::map<std::string, std::unique_ptr<TestUser>> users_;
  std::map<std::pair<std::string, uint32_t>, crypto::Secret> epoch_keys_;
  std::deque<int> tokens_;
  int request_count_ = 0;
};

}  // namespace testing
}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_PLUGIN_TEST_UTIL_H_
