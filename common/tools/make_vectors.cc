// foyer-make-vectors: writes the protocol's test vectors (tests/vectors/*.json)
// from fixed inputs. Run it by hand after a protocol change and commit the
// files: they are the contract that client-lib and the web client both check.
//
//   foyer-make-vectors <output directory>
//
// Everything is deterministic except the sealed box of key_envelope.json
// (crypto_box_seal draws an ephemeral key): an existing sealed box that still
// opens to the same epoch key is kept, so that a re-run changes nothing.
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "../protocol_internal.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "file_vectors.h"
#include "name_vectors.h"
#include "vector_inputs.h"

namespace foyer {
namespace vectors {
namespace {

// The members of `json` in the order of the spec, for readers of the files.
Json Ordered(const nlohmann::json& json, std::initializer_list<const char*> order) {
  Json out = Json::object();
  for (const char* key : order) out[key] = json.at(key);
  return out;
}
const std::initializer_list<const char*> kKeyEnvelopeOrder = {"epoch", "from", "to", "sealed",
                                                              "sig"};

bool Write(const std::string& dir, const std::string& name, const Json& json) {
  std::ofstream file(dir + "/" + name);
  file << json.dump(2, ' ', false) << "\n";
  file.close();
  if (!file) {
    std::cerr << "cannot write " << dir << "/" << name << "\n";
    return false;
  }
  std::cout << "wrote " << dir << "/" << name << "\n";
  return true;
}

Json Login() {
  Json cases = Json::array();
  struct Input {
    const char* password;
    const char* user;
  };
  for (const Input& input : {Input{"correct horse battery staple", "alice"},
                             Input{u8"Mot de passe d'été 🔑 à Noël", "bob.martin"}}) {
    p::LoginKeys keys;
    Status status = p::DeriveLogin(input.password, kHousehold, input.user, &keys);
    if (!status.ok()) throw std::runtime_error(status.ToString());
    cases.push_back({{"password", input.password},
                     {"household_hex", Hex(kHousehold)},
                     {"user", input.user},
                     {"salt_hex", Hex(p::LoginSalt(kHousehold, input.user))},
                     {"auth_key_hex", Hex(keys.auth_key.view())},
                     {"kek_hex", Hex(keys.kek.view())},
                     {"bundle_key_hex", Hex(keys.bundle_key.view())}});
  }
  return {{"description",
           "Login derivation (protocol.md §2): salt = BLAKE2b-16(household || user); "
           "K = Argon2id13(password, salt, opslimit, memlimit, 64 bytes); auth_key = K[0..32) "
           "(the MQTT password is auth_key_hex); kek = K[32..64); bundle_key = "
           "crypto_kdf_derive_from_key(32, 1, \"foyerkek\", kek)."},
          {"opslimit", 3},
          {"memlimit", 67108864},
          {"cases", cases}};
}

Json KeysCase(const std::string& sign_seed, const std::string& box_seed) {
  crypto::SignKeyPair sign = crypto::SignKeyPair::FromSeed(sign_seed);
  crypto::BoxKeyPair box = crypto::BoxKeyPair::FromSeed(box_seed);
  return {{"ed25519_seed_hex", Hex(sign_seed)},
          {"x25519_seed_hex", Hex(box_seed)},
          {"ed25519_public_b64", B64(sign.public_key)},
          {"x25519_public_b64", B64(box.public_key)},
          {"x25519_secret_hex", Hex(box.secret_key.view())},
          {"fingerprint", crypto::Fingerprint(sign.public_key, box.public_key)}};
}

Json Fingerprints() {
  Json cases =
      Json::array({KeysCase(kAliceSignSeed, kAliceBoxSeed), KeysCase(kBobSignSeed, kBobBoxSeed),
                   KeysCase(kCarolSignSeed, kCarolBoxSeed)});
  std::string zeros = Bytes(0x00, 32);
  std::string ones = Bytes(0xff, 32);
  cases.push_back({{"ed25519_public_b64", B64(zeros)},
                   {"x25519_public_b64", B64(ones)},
                   {"fingerprint", crypto::Fingerprint(zeros, ones)}});
  return {{"description",
           "Key pairs from seeds (crypto_sign_seed_keypair, crypto_box_seed_keypair) and "
           "fingerprints (protocol.md §3): h = BLAKE2b-64(\"foyer/fp/v1\" || ed25519_public || "
           "x25519_public); 12 groups of u40be(h[5i..5i+5)) mod 100000, 5 digits each. The "
           "last case has no seeds: its public keys are given directly."},
          {"cases", cases}};
}

// One tampered or malformed envelope, as JSON text.
Json Tampered(const char* name, const p::Envelope& envelope, const std::string& sign_public,
              const std::string& epoch_key, const char* fails_at) {
  return {{"name", name},
          {"envelope", p::SerializeEnvelope(envelope)},
          {"ed25519_public_b64", B64(sign_public)},
          {"epoch_key_hex", Hex(epoch_key)},
          {"fails_at", fails_at}};
}

Json Invalid(const char* name, const std::string& text, const char* field) {
  return {{"name", name}, {"envelope", text}, {"field", field}};
}

// Replaces one member of the serialized envelope (keeps the field order).
std::string Edit(const p::Envelope& envelope, const char* field, const Json& value) {
  Json json = Json::parse(p::SerializeEnvelope(envelope));
  if (value.is_null()) {
    json.erase(field);
  } else {
    json[field] = value;
  }
  return json.dump();
}

Json TamperedEnvelopes(const p::Envelope& envelope, const crypto::SignKeyPair& alice) {
  const std::string& pub = alice.public_key;
  std::string bob = crypto::SignKeyPair::FromSeed(kBobSignSeed).public_key;
  std::string carol = crypto::SignKeyPair::FromSeed(kCarolSignSeed).public_key;
  auto with = [&](auto change) {
    p::Envelope changed = envelope;
    change(changed);
    return changed;
  };
  using E = p::Envelope;
  const char* kSig = "signature";
  return Json::array({
      Tampered("body byte flipped", with([](E& e) { e.body = Flip(e.body, 0); }), pub, kEpochKey,
               kSig),
      Tampered("sig byte flipped", with([](E& e) { e.sig = Flip(e.sig, 63); }), pub, kEpochKey,
               kSig),
      Tampered("epoch changed", with([](E& e) { e.epoch++; }), pub, kEpochKey, kSig),
      Tampered("from changed (checked with bob's key)", with([](E& e) { e.from = "bob"; }), bob,
               kEpochKey, kSig),
      Tampered("cmid changed", with([](E& e) { e.cmid = Hex(Sequence(0xc1, 16)); }), pub, kEpochKey,
               kSig),
      Tampered("ts changed", with([](E& e) { e.ts++; }), pub, kEpochKey, kSig),
      Tampered("conv changed", with([](E& e) { e.conv = Hex(Sequence(0xa1, 16)); }), pub, kEpochKey,
               kSig),
      Tampered("nonce changed", with([](E& e) { e.nonce = Flip(e.nonce, 0); }), pub, kEpochKey,
               kSig),
      Tampered("wrong sender key (carol's)", envelope, carol, kEpochKey, kSig),
      Tampered("wrong epoch key", envelope, pub, kOtherEpochKey, "body"),
      Tampered("body byte flipped, then re-signed", with([&](E& e) {
                 e.body = Flip(e.body, 0);
                 e.sig = crypto::Sign(alice, p::EnvelopeAssociatedData(e) + e.nonce + e.body);
               }),
               pub, kEpochKey, "body"),
  });
}

Json InvalidEnvelopes(const p::Envelope& envelope) {
  std::string text = p::SerializeEnvelope(envelope);
  struct Case {
    const char* name;
    const char* field;
    Json value;  // null: the field is removed
  };
  const Case cases[] = {
      {"v is 2", "v", 2},
      {"conv missing", "conv", nullptr},
      {"conv upper case", "conv", "A0" + kConvHex.substr(2)},
      {"epoch is a string", "epoch", "3"},
      {"epoch is 0", "epoch", 0},
      {"epoch above 2^32-1", "epoch", 4294967296ULL},
      {"from is not a user name", "from", "Alice"},
      {"cmid 15 bytes", "cmid", kCmidHex.substr(2)},
      {"ts negative", "ts", -1},
      {"ts is a float", "ts", 1.5},
      {"nonce 23 bytes", "nonce", B64(kNonce.substr(1))},
      {"body 15 bytes", "body", B64(envelope.body.substr(0, 15))},
      {"body with base64 padding", "body", B64(envelope.body.substr(0, 16)) + "=="},
      {"sig 63 bytes", "sig", B64(envelope.sig.substr(1))},
      {"sig missing", "sig", nullptr},
      {"seq negative", "seq", -5},
      {"unknown field", "extra", true},
  };
  Json invalid = Json::array({Invalid("not JSON", text.substr(0, text.size() / 2), ""),
                              Invalid("array instead of object", "[" + text + "]", "")});
  for (const Case& c : cases) {
    invalid.push_back(Invalid(c.name, Edit(envelope, c.field, c.value), c.field));
  }
  return invalid;
}

Json Envelopes() {
  crypto::SignKeyPair alice = crypto::SignKeyPair::FromSeed(kAliceSignSeed);
  crypto::Secret epoch_key = crypto::Secret::FromBytes(kEpochKey);
  p::Envelope envelope = p::internal::SealEnvelopeWithNonce(
      kConvHex, kEpoch, "alice", kCmidHex, kTs, epoch_key, alice, kPlaintext, kNonce);
  p::Envelope stored = envelope;
  stored.seq = 42;
  stored.stime = kTs + 123;

  Json tampered = TamperedEnvelopes(envelope, alice);
  Json invalid = InvalidEnvelopes(envelope);
  return {
      {"description",
       "Message envelope (protocol.md §5). ad = \"foyer/msg/v1\" || conv (16 raw) || "
       "u32be(epoch) || u8(len(from)) || from || cmid (16 raw) || u64be(ts); body = "
       "XChaCha20-Poly1305(epoch_key, nonce, plaintext, ad); sig = Ed25519(alice, ad || "
       "nonce || body). 'envelope' is the exact compact JSON; 'stored' is the same with the "
       "server's seq and stime. Each 'tampered' envelope is well formed but must be refused "
       "by a receiver holding the given keys, at the given check (signature first, then "
       "body). Each 'invalid' text must be refused by the structural checks (the server's), "
       "'field' names the offending field when there is one."},
      {"sender", "alice"},
      {"ed25519_seed_hex", Hex(kAliceSignSeed)},
      {"ed25519_public_b64", B64(alice.public_key)},
      {"epoch_key_hex", Hex(kEpochKey)},
      {"conv", kConvHex},
      {"epoch", kEpoch},
      {"from", "alice"},
      {"cmid", kCmidHex},
      {"ts", kTs},
      {"nonce_hex", Hex(kNonce)},
      {"plaintext", kPlaintext},
      {"plaintext_hex", Hex(kPlaintext)},
      {"ad_hex", Hex(p::EnvelopeAssociatedData(envelope))},
      {"body_b64", B64(envelope.body)},
      {"sig_b64", B64(envelope.sig)},
      {"envelope", p::SerializeEnvelope(envelope)},
      {"stored",
       {{"seq", stored.seq}, {"stime", stored.stime}, {"envelope", p::SerializeEnvelope(stored)}}},
      {"tampered", tampered},
      {"invalid", invalid}};
}

Json Bundle() {
  crypto::BoxKeyPair box = crypto::BoxKeyPair::FromSeed(kAliceBoxSeed);
  crypto::SignKeyPair sign = crypto::SignKeyPair::FromSeed(kAliceSignSeed);
  crypto::Secret key = crypto::Secret::FromBytes(kBundleKey);
  std::string bundle =
      p::internal::SealBundleWithNonce(key, kHousehold, "alice", box, sign, kNonce);
  return {{"description",
           "Key bundle (protocol.md §3): bundle = nonce || XChaCha20-Poly1305(bundle_key, nonce, "
           "x25519_secret || ed25519_secret (seed || public), \"foyer/bundle/v1\" || household "
           "|| user). It must not open under 'wrong_user' nor with a flipped byte."},
          {"bundle_key_hex", Hex(kBundleKey)},
          {"household_hex", Hex(kHousehold)},
          {"user", "alice"},
          {"wrong_user", "bob"},
          {"x25519_seed_hex", Hex(kAliceBoxSeed)},
          {"ed25519_seed_hex", Hex(kAliceSignSeed)},
          {"x25519_secret_hex", Hex(box.secret_key.view())},
          {"ed25519_secret_hex", Hex(sign.secret_key.view())},
          {"nonce_hex", Hex(kNonce)},
          {"ad_hex", Hex(p::internal::BundleAssociatedData(kHousehold, "alice"))},
          {"bundle_b64", B64(bundle)}};
}

Json Title() {
  crypto::Secret key = crypto::Secret::FromBytes(kEpochKey);
  p::Title title = p::internal::EncryptTitleWithNonce(kConvHex, kEpoch, key, kTitle, kNonce);
  return {{"description",
           "Conversation title (protocol.md §4): ct = XChaCha20-Poly1305(epoch_key, nonce, "
           "title, \"foyer/title/v1\" || conv (16 raw) || u32be(epoch)). The same json with "
           "epoch 'wrong_epoch' must not open."},
          {"conv", kConvHex},
          {"epoch_key_hex", Hex(kEpochKey)},
          {"title", kTitle},
          {"title_hex", Hex(kTitle)},
          {"nonce_hex", Hex(kNonce)},
          {"ad_hex", Hex(p::internal::TitleAssociatedData(kConvHex, kEpoch))},
          {"json", Ordered(p::TitleToJson(title), {"epoch", "nonce", "ct"})},
          {"wrong_epoch", kEpoch + 1}};
}

// A sealed box from an earlier run, if it still opens to the epoch key.
std::string PreviousSealed(const std::string& dir, const crypto::BoxKeyPair& bob) {
  std::ifstream file(dir + "/key_envelope.json");
  if (!file) return std::string();
  Json old = Json::parse(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>(),
                         nullptr, false);
  std::string sealed;
  crypto::Secret opened;
  if (!old.is_object() || !old.contains("json") || !old["json"].contains("sealed") ||
      !old["json"]["sealed"].is_string() ||
      !crypto::FromBase64(old["json"]["sealed"].get<std::string>(), &sealed) ||
      !crypto::OpenSealed(bob, sealed, &opened) || opened.view() != kEpochKey) {
    return std::string();
  }
  return sealed;
}

Json KeyEnvelopeVectors(const std::string& dir) {
  crypto::SignKeyPair alice = crypto::SignKeyPair::FromSeed(kAliceSignSeed);
  crypto::SignKeyPair carol = crypto::SignKeyPair::FromSeed(kCarolSignSeed);
  crypto::BoxKeyPair bob = crypto::BoxKeyPair::FromSeed(kBobBoxSeed);
  p::KeyEnvelope key_envelope =
      p::MakeKeyEnvelope(kConvHex, kEpoch, crypto::Secret::FromBytes(kEpochKey), "alice", alice,
                         "bob", bob.public_key);
  std::string previous = PreviousSealed(dir, bob);
  if (!previous.empty()) key_envelope.sealed = previous;
  key_envelope.sig = crypto::Sign(alice, p::KeyEnvelopeSignedPart(key_envelope));

  auto tampered = [&](const char* name, const p::KeyEnvelope& changed, const std::string& signer,
                      const std::string& box_seed, const char* fails_at) {
    return Json{{"name", name},
                {"json", Ordered(p::KeyEnvelopeToJson(changed), kKeyEnvelopeOrder)},
                {"from_ed25519_public_b64", B64(signer)},
                {"to_x25519_seed_hex", Hex(box_seed)},
                {"fails_at", fails_at}};
  };
  Json cases = Json::array();
  p::KeyEnvelope t = key_envelope;
  t.sealed = Flip(key_envelope.sealed, 40);
  cases.push_back(tampered("sealed byte flipped", t, alice.public_key, kBobBoxSeed, "signature"));
  t = key_envelope;
  t.epoch = kEpoch + 1;
  cases.push_back(tampered("epoch changed", t, alice.public_key, kBobBoxSeed, "signature"));
  t = key_envelope;
  t.to = "carol";
  cases.push_back(tampered("to changed", t, alice.public_key, kBobBoxSeed, "signature"));
  cases.push_back(tampered("checked with a wrong signer key (carol's)", key_envelope,
                           carol.public_key, kBobBoxSeed, "signature"));
  t = key_envelope;
  t.sig = crypto::Sign(carol, p::KeyEnvelopeSignedPart(t));
  cases.push_back(tampered("signed by carol, claimed from alice", t, alice.public_key, kBobBoxSeed,
                           "signature"));
  cases.push_back(tampered("opened by a wrong recipient (carol's box key)", key_envelope,
                           alice.public_key, kCarolBoxSeed, "open"));

  return {{"description",
           "Key envelope (protocol.md §4). sealed = crypto_box_seal(epoch_key, "
           "to_x25519_public) is randomized: this one opens with to_x25519_seed_hex's key. "
           "signed_part = \"foyer/key/v1\" || conv (16 raw) || u32be(epoch) || u8(len(from)) || "
           "from || u8(len(to)) || to || sealed; sig = Ed25519(from, signed_part). Each "
           "'tampered' case must be refused at the given check (signature, then open)."},
          {"conv", kConvHex},
          {"epoch_key_hex", Hex(kEpochKey)},
          {"from_ed25519_seed_hex", Hex(kAliceSignSeed)},
          {"from_ed25519_public_b64", B64(alice.public_key)},
          {"to_x25519_seed_hex", Hex(kBobBoxSeed)},
          {"to_x25519_public_b64", B64(bob.public_key)},
          {"signed_part_hex", Hex(p::KeyEnvelopeSignedPart(key_envelope))},
          {"json", Ordered(p::KeyEnvelopeToJson(key_envelope), kKeyEnvelopeOrder)},
          {"tampered", cases}};
}

}  // namespace
}  // namespace vectors
}  // namespace foyer

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: foyer-make-vectors <output directory>\n";
    return 2;
  }
  if (!foyer::crypto::Init()) {
    std::cerr << "libsodium cannot start\n";
    return 1;
  }
  std::string dir = argv[1];
  try {
    bool ok =
        foyer::vectors::Write(dir, "login.json", foyer::vectors::Login()) &&
        foyer::vectors::Write(dir, "fingerprint.json", foyer::vectors::Fingerprints()) &&
        foyer::vectors::Write(dir, "envelope.json", foyer::vectors::Envelopes()) &&
        foyer::vectors::Write(dir, "bundle.json", foyer::vectors::Bundle()) &&
        foyer::vectors::Write(dir, "title.json", foyer::vectors::Title()) &&
        foyer::vectors::Write(dir, "key_envelope.json", foyer::vectors::KeyEnvelopeVectors(dir)) &&
        foyer::vectors::Write(dir, "invite.json", foyer::vectors::Invites()) &&
        foyer::vectors::Write(dir, "names.json", foyer::vectors::Names()) &&
        foyer::vectors::Write(dir, "file.json", foyer::vectors::FileVectors(dir));
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "foyer-make-vectors: " << e.what() << "\n";
    return 1;
  }
}
