// Checks the C++ implementation against tests/vectors/*.json, the files the
// web client checks too: what is reproduced here byte for byte is what makes
// the two implementations compatible.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "protocol_internal.h"

namespace foyer {
namespace protocol {
namespace {

using nlohmann::json;

json Load(const std::string& name) {
  std::ifstream file(std::string(FOYER_VECTORS_DIR) + "/" + name);
  if (!file) {
    ADD_FAILURE() << "cannot read " << name;
    return json::object();
  }
  return json::parse(file);
}

std::string Hex(const json& value) {
  std::string out;
  EXPECT_TRUE(crypto::FromHex(value.get<std::string>(), &out)) << value;
  return out;
}

std::string B64(const json& value) {
  std::string out;
  EXPECT_TRUE(crypto::FromBase64(value.get<std::string>(), &out)) << value;
  return out;
}

crypto::Secret Key(const json& value) { return crypto::Secret::FromBytes(Hex(value)); }

class VectorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::Init()); }
};

TEST_F(VectorsTest, EveryFileHasADescription) {
  for (const char* name : {"login.json", "fingerprint.json", "envelope.json", "bundle.json",
                           "title.json", "key_envelope.json", "invite.json", "names.json"}) {
    json vector = Load(name);
    ASSERT_TRUE(vector.contains("description")) << name;
    EXPECT_GT(vector["description"].get<std::string>().size(), 20u) << name;
  }
}

TEST_F(VectorsTest, LoginDerivation) {
  json vector = Load("login.json");
  crypto::PwhashParams params;  // the protocol's parameters are the defaults
  EXPECT_EQ(vector["opslimit"].get<uint64_t>(), params.opslimit);
  EXPECT_EQ(vector["memlimit"].get<size_t>(), params.memlimit);
  ASSERT_GE(vector["cases"].size(), 2u);
  for (const json& c : vector["cases"]) {
    std::string household = Hex(c["household_hex"]);
    std::string user = c["user"];
    EXPECT_EQ(crypto::ToHex(LoginSalt(household, user)), c["salt_hex"]);
    LoginKeys keys;
    ASSERT_TRUE(DeriveLogin(c["password"].get<std::string>(), household, user, &keys).ok());
    EXPECT_EQ(crypto::ToHex(keys.auth_key.view()), c["auth_key_hex"]);
    EXPECT_EQ(crypto::ToHex(keys.kek.view()), c["kek_hex"]);
    EXPECT_EQ(crypto::ToHex(keys.bundle_key.view()), c["bundle_key_hex"]);
    EXPECT_EQ(crypto::ToHex(BundleKeyFromKek(Key(c["kek_hex"])).view()), c["bundle_key_hex"]);
  }
}

TEST_F(VectorsTest, KeyPairsAndFingerprints) {
  json vector = Load("fingerprint.json");
  ASSERT_GE(vector["cases"].size(), 2u);
  for (const json& c : vector["cases"]) {
    std::string ed25519 = B64(c["ed25519_public_b64"]);
    std::string x25519 = B64(c["x25519_public_b64"]);
    if (c.contains("ed25519_seed_hex")) {
      crypto::SignKeyPair sign = crypto::SignKeyPair::FromSeed(Hex(c["ed25519_seed_hex"]));
      crypto::BoxKeyPair box = crypto::BoxKeyPair::FromSeed(Hex(c["x25519_seed_hex"]));
      EXPECT_EQ(sign.public_key, ed25519);
      EXPECT_EQ(box.public_key, x25519);
      EXPECT_EQ(crypto::ToHex(box.secret_key.view()), c["x25519_secret_hex"]);
    }
    std::string fingerprint = crypto::Fingerprint(ed25519, x25519);
    EXPECT_EQ(fingerprint, c["fingerprint"]);
    EXPECT_EQ(fingerprint.size(), 12u * 5 + 11);
  }
}

TEST_F(VectorsTest, EnvelopeIsReproducedByteForByte) {
  json v = Load("envelope.json");
  crypto::SignKeyPair sender = crypto::SignKeyPair::FromSeed(Hex(v["ed25519_seed_hex"]));
  EXPECT_EQ(sender.public_key, B64(v["ed25519_public_b64"]));
  std::string plaintext = v["plaintext"];
  EXPECT_EQ(crypto::ToHex(plaintext), v["plaintext_hex"]);
  Envelope envelope = internal::SealEnvelopeWithNonce(
      v["conv"].get<std::string>(), v["epoch"], v["from"].get<std::string>(),
      v["cmid"].get<std::string>(), v["ts"], Key(v["epoch_key_hex"]), sender, plaintext,
      Hex(v["nonce_hex"]));
  EXPECT_EQ(crypto::ToHex(EnvelopeAssociatedData(envelope)), v["ad_hex"]);
  EXPECT_EQ(crypto::ToBase64(envelope.body), v["body_b64"]);
  EXPECT_EQ(crypto::ToBase64(envelope.sig), v["sig_b64"]);
  EXPECT_EQ(SerializeEnvelope(envelope), v["envelope"]);
  envelope.seq = v["stored"]["seq"];
  envelope.stime = v["stored"]["stime"];
  EXPECT_EQ(SerializeEnvelope(envelope), v["stored"]["envelope"]);
}

TEST_F(VectorsTest, EnvelopeParsesAndOpens) {
  json v = Load("envelope.json");
  for (const json* text : {&v["envelope"], &v["stored"]["envelope"]}) {
    Envelope envelope;
    Status status = ParseEnvelope(text->get<std::string>(), &envelope);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(envelope.conv, v["conv"]);
    EXPECT_EQ(envelope.epoch, v["epoch"]);
    EXPECT_EQ(envelope.from, v["from"]);
    EXPECT_EQ(envelope.cmid, v["cmid"]);
    EXPECT_EQ(envelope.ts, v["ts"]);
    EXPECT_EQ(SerializeEnvelope(envelope), *text);
    std::string plaintext;
    status =
        OpenEnvelope(envelope, B64(v["ed25519_public_b64"]), Key(v["epoch_key_hex"]), &plaintext);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(plaintext, v["plaintext"]);
  }
}

TEST_F(VectorsTest, TamperedEnvelopesAreRefusedAtTheRightCheck) {
  json v = Load("envelope.json");
  ASSERT_GE(v["tampered"].size(), 10u);
  for (const json& c : v["tampered"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Envelope envelope;
    ASSERT_TRUE(ParseEnvelope(c["envelope"].get<std::string>(), &envelope).ok());
    std::string public_key = B64(c["ed25519_public_b64"]);
    bool signature_ok = crypto::Verify(
        public_key, EnvelopeAssociatedData(envelope) + envelope.nonce + envelope.body,
        envelope.sig);
    EXPECT_EQ(signature_ok, c["fails_at"] == "body");
    std::string plaintext = "untouched";
    Status status = OpenEnvelope(envelope, public_key, Key(c["epoch_key_hex"]), &plaintext);
    EXPECT_EQ(status.code(), Status::Code::kDenied);
    EXPECT_NE(status.message().find(c["fails_at"] == "body" ? "body" : "signature"),
              std::string::npos)
        << status.message();
    EXPECT_EQ(plaintext, "untouched");
  }
}

TEST_F(VectorsTest, MalformedEnvelopesAreRefusedWithTheFieldNamed) {
  json v = Load("envelope.json");
  ASSERT_GE(v["invalid"].size(), 15u);
  for (const json& c : v["invalid"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    Envelope envelope;
    Status status = ParseEnvelope(c["envelope"].get<std::string>(), &envelope);
    EXPECT_FALSE(status.ok());
    std::string field = c["field"];
    if (!field.empty()) {
      EXPECT_NE(status.message().find("'" + field + "'"), std::string::npos) << status.message();
    }
  }
}

TEST_F(VectorsTest, BundleIsReproducedAndOpens) {
  json v = Load("bundle.json");
  crypto::BoxKeyPair box = crypto::BoxKeyPair::FromSeed(Hex(v["x25519_seed_hex"]));
  crypto::SignKeyPair sign = crypto::SignKeyPair::FromSeed(Hex(v["ed25519_seed_hex"]));
  EXPECT_EQ(crypto::ToHex(box.secret_key.view()), v["x25519_secret_hex"]);
  EXPECT_EQ(crypto::ToHex(sign.secret_key.view()), v["ed25519_secret_hex"]);
  std::string household = Hex(v["household_hex"]);
  std::string user = v["user"];
  crypto::Secret key = Key(v["bundle_key_hex"]);
  EXPECT_EQ(crypto::ToHex(internal::BundleAssociatedData(household, user)), v["ad_hex"]);
  std::string bundle = B64(v["bundle_b64"]);
  EXPECT_EQ(internal::SealBundleWithNonce(key, household, user, box, sign, Hex(v["nonce_hex"])),
            bundle);

  crypto::BoxKeyPair opened_box;
  crypto::SignKeyPair opened_sign;
  Status status = OpenBundle(key, household, user, bundle, &opened_box, &opened_sign);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(opened_box.public_key, box.public_key);
  EXPECT_EQ(opened_box.secret_key.view(), box.secret_key.view());
  EXPECT_EQ(opened_sign.public_key, sign.public_key);
  EXPECT_EQ(opened_sign.secret_key.view(), sign.secret_key.view());

  std::string wrong_user = v["wrong_user"];
  EXPECT_FALSE(OpenBundle(key, household, wrong_user, bundle, &opened_box, &opened_sign).ok());
  std::string flipped = bundle;
  flipped[30] = static_cast<char>(flipped[30] ^ 1);
  EXPECT_FALSE(OpenBundle(key, household, user, flipped, &opened_box, &opened_sign).ok());
}

TEST_F(VectorsTest, TitleIsReproducedAndOpens) {
  json v = Load("title.json");
  std::string conv = v["conv"];
  crypto::Secret key = Key(v["epoch_key_hex"]);
  std::string text = v["title"];
  EXPECT_EQ(crypto::ToHex(text), v["title_hex"]);
  uint32_t epoch = v["json"]["epoch"];
  EXPECT_EQ(crypto::ToHex(internal::TitleAssociatedData(conv, epoch)), v["ad_hex"]);
  Title made = internal::EncryptTitleWithNonce(conv, epoch, key, text, Hex(v["nonce_hex"]));
  EXPECT_EQ(TitleToJson(made), json(v["json"]));

  Title title;
  ASSERT_TRUE(TitleFromJson(v["json"], &title).ok());
  std::string opened;
  ASSERT_TRUE(DecryptTitle(conv, title, key, &opened).ok());
  EXPECT_EQ(opened, text);
  title.epoch = v["wrong_epoch"];
  EXPECT_EQ(DecryptTitle(conv, title, key, &opened).code(), Status::Code::kDenied);
}

TEST_F(VectorsTest, KeyEnvelopeVerifiesAndOpens) {
  json v = Load("key_envelope.json");
  std::string conv = v["conv"];
  crypto::SignKeyPair from = crypto::SignKeyPair::FromSeed(Hex(v["from_ed25519_seed_hex"]));
  crypto::BoxKeyPair to = crypto::BoxKeyPair::FromSeed(Hex(v["to_x25519_seed_hex"]));
  EXPECT_EQ(from.public_key, B64(v["from_ed25519_public_b64"]));
  EXPECT_EQ(to.public_key, B64(v["to_x25519_public_b64"]));

  KeyEnvelope key_envelope;
  Status status = KeyEnvelopeFromJson(v["json"], conv, &key_envelope);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(KeyEnvelopeToJson(key_envelope), json(v["json"]));
  std::string signed_part = KeyEnvelopeSignedPart(key_envelope);
  EXPECT_EQ(crypto::ToHex(signed_part), v["signed_part_hex"]);
  EXPECT_EQ(crypto::Sign(from, signed_part), key_envelope.sig);  // Ed25519 is deterministic

  crypto::Secret epoch_key;
  status = OpenKeyEnvelope(key_envelope, from.public_key, to, &epoch_key);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(crypto::ToHex(epoch_key.view()), v["epoch_key_hex"]);

  ASSERT_GE(v["tampered"].size(), 5u);
  for (const json& c : v["tampered"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    KeyEnvelope tampered;
    ASSERT_TRUE(KeyEnvelopeFromJson(c["json"], conv, &tampered).ok());
    crypto::BoxKeyPair recipient = crypto::BoxKeyPair::FromSeed(Hex(c["to_x25519_seed_hex"]));
    crypto::Secret opened;
    status = OpenKeyEnvelope(tampered, B64(c["from_ed25519_public_b64"]), recipient, &opened);
    EXPECT_EQ(status.code(), Status::Code::kDenied);
    EXPECT_NE(status.message().find(c["fails_at"] == "open" ? "open" : "signature"),
              std::string::npos)
        << status.message();
    EXPECT_TRUE(opened.empty());
  }
}

TEST_F(VectorsTest, InviteCodes) {
  json v = Load("invite.json");
  for (const json& c : v["valid"]) {
    std::string code = c["code"];
    EXPECT_EQ(EncodeInviteCode(Hex(c["household_hex"]), Hex(c["secret_hex"])), code);
    std::string household, secret;
    ASSERT_TRUE(DecodeInviteCode(code, &household, &secret).ok());
    EXPECT_EQ(crypto::ToHex(household), c["household_hex"]);
    EXPECT_EQ(crypto::ToHex(secret), c["secret_hex"]);
  }
  ASSERT_GE(v["invalid"].size(), 5u);
  for (const json& c : v["invalid"]) {
    std::string household, secret;
    EXPECT_EQ(DecodeInviteCode(c["code"].get<std::string>(), &household, &secret).code(),
              Status::Code::kInvalid)
        << c["reason"];
  }
}

const char* KindName(Topic::Kind kind) {
  switch (kind) {
    case Topic::Kind::kSend:
      return "send";
    case Topic::Kind::kMessages:
      return "messages";
    case Topic::Kind::kSignal:
      return "signal";
    case Topic::Kind::kEphemeral:
      return "ephemeral";
    case Topic::Kind::kInbox:
      return "inbox";
    case Topic::Kind::kPresence:
      return "presence";
    case Topic::Kind::kRequest:
      return "request";
    case Topic::Kind::kResponse:
      return "response";
    case Topic::Kind::kOther:
      return "other";
  }
  return "?";
}

TEST_F(VectorsTest, NamesIdsAndTopics) {
  json v = Load("names.json");
  for (const json& name : v["user_names"]["valid"]) {
    EXPECT_TRUE(ValidUserName(name.get<std::string>())) << name;
  }
  for (const json& c : v["user_names"]["invalid"]) {
    std::string why;
    EXPECT_FALSE(ValidUserName(c["name"].get<std::string>(), &why)) << c["name"];
    EXPECT_EQ(why, c["reason"]);
  }
  for (const json& c : v["client_ids"]["valid"]) {
    EXPECT_TRUE(ValidClientId(c["user"].get<std::string>(), c["client_id"].get<std::string>()))
        << c;
  }
  for (const json& c : v["client_ids"]["invalid"]) {
    std::string why;
    EXPECT_FALSE(
        ValidClientId(c["user"].get<std::string>(), c["client_id"].get<std::string>(), &why))
        << c;
    EXPECT_EQ(why, c["reason"]);
  }
  for (const json& id : v["hex_ids"]["valid"]) EXPECT_TRUE(ValidHexId(id.get<std::string>()));
  for (const json& id : v["hex_ids"]["invalid"]) EXPECT_FALSE(ValidHexId(id.get<std::string>()));
  ASSERT_GE(v["topics"].size(), 10u);
  for (const json& c : v["topics"]) {
    Topic topic = ParseTopic(c["topic"].get<std::string>());
    EXPECT_EQ(KindName(topic.kind), c["kind"]) << c["topic"];
    EXPECT_EQ(topic.id, c["id"]) << c["topic"];
  }
}

}  // namespace
}  // namespace protocol
}  // namespace foyer
