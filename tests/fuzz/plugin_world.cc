#include "plugin_world.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer_fuzz {
namespace {

namespace crypto = foyer::crypto;
namespace protocol = foyer::protocol;
using Json = nlohmann::json;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "plugin world: %s\n", what);
    std::abort();
  }
}

Json Request(PluginWorld* world, const void* client, Json request) {
  request["id"] = "w";
  world->server->OnControl(client, request.dump());
  return Json::parse(world->port.last_payload, nullptr, false);
}

std::string SecretHex(const std::string& code) {
  std::string household, secret;
  Check(protocol::DecodeInviteCode(code, &household, &secret).ok(), "bad invite code");
  return crypto::ToHex(secret);
}

// Registers `name` from `code` on session `invite_client`, then logs it in
// as `client`. Returns the user's signing key.
void Register(PluginWorld* world, const std::string& name, const std::string& code,
              const void* client, crypto::SignKeyPair* sign, crypto::BoxKeyPair* box) {
  static int invite_tokens[8];
  static int used = 0;
  const void* invite = &invite_tokens[used++];
  std::string secret = SecretHex(code);
  Check(world->server->Authenticate(invite, "~invite:w" + std::to_string(used), "~invite",
                                    secret.c_str(), "127.0.0.1"),
        "invite login refused");
  *sign = crypto::SignKeyPair::Generate();
  *box = crypto::BoxKeyPair::Generate();
  std::string auth_key(32, static_cast<char>(name[0]));
  Json answer = Request(world, invite,
                        {{"op", "register"},
                         {"auth_key", crypto::ToHex(auth_key)},
                         {"x25519", crypto::ToBase64(box->public_key)},
                         {"ed25519", crypto::ToBase64(sign->public_key)},
                         {"bundle", crypto::ToBase64(std::string(136, 'b'))}});
  Check(answer.value("ok", false), "register failed");
  world->server->OnDisconnect(invite);
  std::string password = crypto::ToHex(auth_key);
  Check(world->server->Authenticate(client, name, name.c_str(), password.c_str(), "127.0.0.1"),
        "login refused");
}

}  // namespace

PluginWorld& PluginWorld::Get() {
  static PluginWorld* world = [] {
    auto* w = new PluginWorld();
    Check(crypto::Init(), "libsodium");
    char pattern[] = "/tmp/foyer-fuzz-XXXXXX";
    Check(mkdtemp(pattern) != nullptr, "mkdtemp");
    w->dir = pattern;
    foyer::plugin::PluginOptions options;
    options.data_dir = w->dir;
    options.sync_ms = 0;
    foyer::Status status = foyer::plugin::Server::Open(options, &w->port, {}, &w->server);
    Check(status.ok(), "Server::Open");
    std::ifstream file(w->server->admin_invite_path());
    std::string admin_code;
    std::getline(file, admin_code);
    crypto::SignKeyPair admin_sign, alice_sign;
    crypto::BoxKeyPair admin_box, alice_box;
    Register(w, "admin", admin_code, w->admin(), &admin_sign, &admin_box);
    Json invite = Request(w, w->admin(), {{"op", "invite"}, {"name", "alice"}});
    Register(w, "alice", invite.value("code", ""), w->alice(), &alice_sign, &alice_box);
    // alice's conversation with the admin.
    w->conv = crypto::RandomIdHex();
    crypto::Secret key = crypto::Secret::Random(32);
    Json keys = Json::array();
    keys.push_back(protocol::KeyEnvelopeToJson(protocol::MakeKeyEnvelope(
        w->conv, 1, key, "alice", alice_sign, "alice", alice_box.public_key)));
    keys.push_back(protocol::KeyEnvelopeToJson(protocol::MakeKeyEnvelope(
        w->conv, 1, key, "alice", alice_sign, "admin", admin_box.public_key)));
    Json created = Request(
        w, w->alice(),
        {{"op", "conv_create"},
         {"conv", w->conv},
         {"members", {"alice", "admin"}},
         {"title", protocol::TitleToJson(protocol::EncryptTitle(w->conv, 1, key, "t"))},
         {"keys", keys}});
    Check(created.value("ok", false), "conv_create failed");
    // An invite session left open.
    Json pending = Request(w, w->admin(), {{"op", "invite"}, {"name", "bob"}});
    std::string secret = SecretHex(pending.value("code", ""));
    Check(w->server->Authenticate(w->invite(), "~invite:open", "~invite", secret.c_str(),
                                  "127.0.0.1"),
          "open invite session refused");
    // The store and its temporary directory go when the process ends.
    std::atexit([] {
      PluginWorld& world = PluginWorld::Get();
      world.server.reset();
      std::error_code ignored;
      std::filesystem::remove_all(world.dir, ignored);
    });
    return w;
  }();
  return *world;
}

}  // namespace foyer_fuzz
