// foyer-plugin-profile: drives the plugin's core (Server) in process, without
// a broker, through the two paths the benchmark cares about: an envelope
// published on /send (check, stamp, store, rewrite) and a `history` request
// (a 50-message page). Made to be run under callgrind, whose instruction
// counts repeat from run to run on a busy machine where wall-clock times do
// not (docs/performance.md, "Where the time goes"):
//
//   valgrind --tool=callgrind --toggle-collect='*RunMessagePhase*'
//       build/bin/foyer-plugin-profile --messages 5000 --history 0
// (one command line)
// (RunAclPhase: the ACL checks around each message; RunHistoryPhase: the
// history requests.) Each phase is one function, so that --toggle-collect counts it alone; the
// program also prints wall-clock microseconds per operation (only meaningful
// on a quiet machine). Everything runs in a temporary data directory that is
// removed at the end.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker_port.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "server.h"

namespace foyer {
namespace bench {
namespace {

using Json = nlohmann::json;
using plugin::MessageVerdict;
using plugin::Server;

class RecordingPort : public plugin::BrokerPort {
 public:
  void PublishTo(const std::string&, const std::string& topic,
                 const std::string& payload) override {
    if (topic == protocol::kResponseTopic) responses.push_back(payload);
  }
  void Publish(const std::string&, const std::string&) override {}
  void KickUser(const std::string&) override {}
  void Log(plugin::LogLevel, const std::string&) override {}
  std::vector<std::string> responses;
};

struct User {
  std::string name;
  std::string auth_key;
  crypto::BoxKeyPair box = crypto::BoxKeyPair::Generate();
  crypto::SignKeyPair sign = crypto::SignKeyPair::Generate();
  int token = 0;
  const void* client() const { return &token; }
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "foyer-plugin-profile: %s\n", what.c_str());
  std::exit(1);
}

Json Request(Server* server, RecordingPort* port, const void* client, Json request) {
  static int count = 0;
  request["id"] = "p" + std::to_string(++count);
  server->OnControl(client, request.dump());
  if (port->responses.empty()) Die("no response to " + request.value("op", ""));
  Json response = Json::parse(port->responses.back());
  port->responses.clear();
  if (response.value("ok", false) != true) Die("request failed: " + response.dump());
  return response;
}

void Register(Server* server, RecordingPort* port, const std::string& code, User* user) {
  std::string household, secret;
  if (!protocol::DecodeInviteCode(code, &household, &secret).ok()) Die("bad invite code");
  int invite_token = 0;
  std::string password = crypto::ToHex(secret);
  if (!server->Authenticate(&invite_token, "~invite:" + user->name, "~invite", password.c_str(),
                            "127.0.0.1")) {
    Die("invite login refused");
  }
  user->auth_key = crypto::RandomBytes(32);
  Request(server, port, &invite_token,
          Json{{"op", "register"},
               {"auth_key", crypto::ToHex(user->auth_key)},
               {"x25519", crypto::ToBase64(user->box.public_key)},
               {"ed25519", crypto::ToBase64(user->sign.public_key)},
               {"bundle", crypto::ToBase64(std::string(136, 'b'))}});
  server->OnDisconnect(&invite_token);
  std::string auth_hex = crypto::ToHex(user->auth_key);
  if (!server->Authenticate(user->client(), user->name, user->name.c_str(), auth_hex.c_str(),
                            "127.0.0.1")) {
    Die("login refused for " + user->name);
  }
}

// The measured phases: kept out of line so that callgrind can toggle on them.
__attribute__((noinline)) size_t RunMessagePhase(Server* server, const void* const* clients,
                                                 const std::string& topic,
                                                 const std::vector<std::string>& payloads) {
  std::string new_topic, new_payload;
  size_t delivered_bytes = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    MessageVerdict verdict =
        server->OnMessage(clients[i % 2], topic, payloads[i], false, &new_topic, &new_payload);
    if (verdict != MessageVerdict::kRewrite) Die("message " + std::to_string(i) + " refused");
    delivered_bytes += new_payload.size();
  }
  return delivered_bytes;
}

// The ACL checks mosquitto makes around each message: WRITE for the
// publisher on /send, READ for the one subscriber on /m.
__attribute__((noinline)) size_t RunAclPhase(const Server* server, const void* const* clients,
                                             const std::string& send_topic,
                                             const std::string& message_topic, size_t messages) {
  size_t allowed = 0;
  for (size_t i = 0; i < messages; ++i) {
    allowed += server->CheckAcl(clients[i % 2], send_topic, plugin::kAccessWrite, false);
    allowed += server->CheckAcl(clients[(i + 1) % 2], message_topic, plugin::kAccessRead, false);
  }
  return allowed;
}

__attribute__((noinline)) void RunHistoryPhase(Server* server, const void* client,
                                               const std::vector<std::string>& requests) {
  for (const std::string& request : requests) server->OnControl(client, request);
}

int Main(int argc, char** argv) {
  size_t messages = 5000, history = 200, limit = 50, body_bytes = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    size_t value = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--messages") {
      messages = value;
    } else if (flag == "--history") {
      history = value;
    } else if (flag == "--body") {
      body_bytes = value;
    } else {
      Die("usage: foyer-plugin-profile [--messages N] [--history N] [--body BYTES]");
    }
  }
  if (argc % 2 == 0) Die("usage: foyer-plugin-profile [--messages N] [--history N] [--body BYTES]");
  if (messages < limit + 1) Die("--messages must be at least 51");
  if (!crypto::Init()) Die("libsodium does not start");

  char pattern[] = "/tmp/foyer-plugin-profile-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) Die("cannot make a temporary directory");
  const std::string dir = pattern;
  int exit_code = 0;
  {
    RecordingPort port;
    plugin::PluginOptions options;
    options.data_dir = dir;
    std::unique_ptr<Server> server;
    Status status = Server::Open(options, &port, {}, &server);
    if (!status.ok()) Die("cannot open the server: " + status.ToString());

    User alice, bob;
    alice.name = "admin";
    bob.name = "bob";
    std::string code;
    std::ifstream(server->admin_invite_path()) >> code;
    Register(server.get(), &port, code, &alice);
    Json invite = Request(server.get(), &port, alice.client(),
                          Json{{"op", "invite"}, {"name", bob.name}, {"role", "member"}});
    Register(server.get(), &port, invite.value("code", ""), &bob);

    const std::string conv = crypto::RandomIdHex();
    crypto::Secret epoch_key = crypto::Secret::Random(32);
    Json keys = Json::array();
    for (const User* to : {&alice, &bob}) {
      keys.push_back(protocol::KeyEnvelopeToJson(protocol::MakeKeyEnvelope(
          conv, 1, epoch_key, alice.name, alice.sign, to->name, to->box.public_key)));
    }
    Request(server.get(), &port, alice.client(),
            Json{{"op", "conv_create"},
                 {"conv", conv},
                 {"members", {alice.name, bob.name}},
                 {"title", protocol::TitleToJson(protocol::EncryptTitle(conv, 1, epoch_key, "t"))},
                 {"keys", keys}});

    // Real envelopes, sealed and signed before the measured phase.
    // A `body_bytes` ciphertext: the plaintext is 16 bytes (the tag) shorter.
    const std::string frame = R"({"type":"text","text":""})";
    if (body_bytes < crypto::kTagBytes + frame.size()) Die("--body must be at least 41");
    const std::string plaintext = R"({"type":"text","text":")" +
                                  std::string(body_bytes - crypto::kTagBytes - frame.size(), 'x') +
                                  "\"}";
    std::vector<std::string> payloads;
    payloads.reserve(messages);
    const User* senders[2] = {&alice, &bob};
    for (size_t i = 0; i < messages; ++i) {
      const User& sender = *senders[i % 2];
      payloads.push_back(protocol::SerializeEnvelope(
          protocol::SealEnvelope(conv, 1, sender.name, crypto::RandomIdHex(), 1767225600000 + i,
                                 epoch_key, sender.sign, plaintext)));
    }
    const void* clients[2] = {alice.client(), bob.client()};

    auto start = std::chrono::steady_clock::now();
    size_t delivered = RunMessagePhase(server.get(), clients, protocol::SendTopic(conv), payloads);
    double message_us = std::chrono::duration<double, std::micro>(
                            std::chrono::steady_clock::now() - start).count() / messages;

    start = std::chrono::steady_clock::now();
    size_t allowed = RunAclPhase(server.get(), clients, protocol::SendTopic(conv),
                                 protocol::MessageTopic(conv), messages);
    double acl_us = std::chrono::duration<double, std::micro>(
                        std::chrono::steady_clock::now() - start).count() / messages;
    if (allowed != 2 * messages) Die("an ACL check refused a member");

    std::mt19937_64 random(42);
    std::vector<std::string> requests;
    for (size_t i = 0; i < history; ++i) {
      uint64_t before = limit + 1 + random() % (messages - limit);
      requests.push_back(Json{{"id", "h" + std::to_string(i)},
                              {"op", "history"},
                              {"conv", conv},
                              {"before", before},
                              {"limit", limit}}
                             .dump());
    }
    port.responses.clear();
    start = std::chrono::steady_clock::now();
    RunHistoryPhase(server.get(), bob.client(), requests);
    double history_us = history == 0 ? 0
                                     : std::chrono::duration<double, std::micro>(
                                           std::chrono::steady_clock::now() - start).count() /
                                           history;
    // Every page must hold `limit` envelopes in ascending seq order.
    if (port.responses.size() != history) Die("a history request got no answer");
    size_t response_bytes = 0;
    for (size_t i = 0; i < history; ++i) {
      Json response = Json::parse(port.responses[i]);
      const Json& page = response["messages"];
      uint64_t before = Json::parse(requests[i])["before"];
      if (response["ok"] != true || page.size() != limit ||
          page.back()["seq"].get<uint64_t>() != before - 1) {
        Die("history answer " + std::to_string(i) + " is wrong: " + port.responses[i].substr(0, 200));
      }
      response_bytes += port.responses[i].size();
    }
    std::printf("messages: %zu, %.1f us each (wall clock), %.0f bytes delivered each\n", messages,
                message_us, static_cast<double>(delivered) / messages);
    std::printf("acl: %.1f us per message (a WRITE and a READ check, wall clock)\n", acl_us);
    if (history > 0) {
      std::printf("history: %zu pages of %zu, %.1f us each (wall clock), %.0f bytes each\n",
                  history, limit, history_us, static_cast<double>(response_bytes) / history);
    }
    std::printf("store: %.0f bytes on disk per message (before compaction)\n",
                static_cast<double>(server->store().DiskBytes()) / messages);
  }
  std::filesystem::remove_all(dir);
  return exit_code;
}

}  // namespace
}  // namespace bench
}  // namespace foyer

int main(int argc, char** argv) { return foyer::bench::Main(argc, argv); }
