// Key envelopes, titles, the key bundle, login inputs and the JSON field
// helpers (docs/protocol.md §2-§4, §7): round trips and refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer {
namespace protocol {
namespace {

using nlohmann::json;

class KeyEnvelopeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::Init()); }

  KeyEnvelopeTest()
      : conv_(crypto::RandomIdHex()),
        epoch_key_(crypto::Secret::Random(32)),
        alice_(crypto::SignKeyPair::Generate()),
        carol_(crypto::SignKeyPair::Generate()),
        bob_(crypto::BoxKeyPair::Generate()) {}

  KeyEnvelope Make() {
    return MakeKeyEnvelope(conv_, 7, epoch_key_, "alice", alice_, "bob", bob_.public_key);
  }

  std::string conv_;
  crypto::Secret epoch_key_;
  crypto::SignKeyPair alice_;
  crypto::SignKeyPair carol_;
  crypto::BoxKeyPair bob_;
};

TEST_F(KeyEnvelopeTest, RoundTripThroughJson) {
  KeyEnvelope made = Make();
  EXPECT_EQ(made.sealed.size(), 80u);
  json object = KeyEnvelopeToJson(made);
  EXPECT_EQ(object["epoch"], 7);
  EXPECT_EQ(object["to"], "bob");
  EXPECT_FALSE(object.contains("conv"));
  KeyEnvelope parsed;
  ASSERT_TRUE(KeyEnvelopeFromJson(json::parse(object.dump()), conv_, &parsed).ok());
  EXPECT_EQ(parsed.conv, conv_);
  crypto::Secret opened;
  Status status = OpenKeyEnvelope(parsed, alice_.public_key, bob_, &opened);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(opened.view(), epoch_key_.view());
}

TEST_F(KeyEnvelopeTest, WrongSignerIsRefused) {
  KeyEnvelope made = Make();
  crypto::Secret opened;
  // Checked with another member's key: refused.
  EXPECT_EQ(OpenKeyEnvelope(made, carol_.public_key, bob_, &opened).code(), Status::Code::kDenied);
  // Made by carol (or the server) but claimed to come from alice: refused.
  KeyEnvelope forged = MakeKeyEnvelope(conv_, 7, crypto::Secret::Random(32), "alice", carol_, "bob",
                                       bob_.public_key);
  EXPECT_EQ(OpenKeyEnvelope(forged, alice_.public_key, bob_, &opened).code(),
            Status::Code::kDenied);
  EXPECT_TRUE(opened.empty());
}

TEST_F(KeyEnvelopeTest, EveryHeaderFieldIsSigned) {
  crypto::Secret opened;
  KeyEnvelope changed = Make();
  changed.epoch = 8;
  EXPECT_FALSE(OpenKeyEnvelope(changed, alice_.public_key, bob_, &opened).ok());
  changed = Make();
  changed.conv = crypto::RandomIdHex();
  EXPECT_FALSE(OpenKeyEnvelope(changed, alice_.public_key, bob_, &opened).ok());
  changed = Make();
  changed.to = "dave";
  EXPECT_FALSE(OpenKeyEnvelope(changed, alice_.public_key, bob_, &opened).ok());
  changed = Make();
  changed.from = "carol";
  EXPECT_FALSE(OpenKeyEnvelope(changed, alice_.public_key, bob_, &opened).ok());
  changed = Make();
  changed.sealed[5] = static_cast<char>(changed.sealed[5] ^ 1);
  EXPECT_FALSE(OpenKeyEnvelope(changed, alice_.public_key, bob_, &opened).ok());
  crypto::BoxKeyPair dave = crypto::BoxKeyPair::Generate();
  Status status = OpenKeyEnvelope(Make(), alice_.public_key, dave, &opened);
  EXPECT_EQ(status.code(), Status::Code::kDenied);
  EXPECT_NE(status.message().find("recipient"), std::string::npos);
  changed = Make();
  changed.sig.pop_back();
  EXPECT_EQ(OpenKeyEnvelope(changed, alice_.public_key, bob_, &opened).code(),
            Status::Code::kInvalid);
}

TEST_F(KeyEnvelopeTest, JsonRefusals) {
  json valid = KeyEnvelopeToJson(Make());
  KeyEnvelope parsed;
  EXPECT_FALSE(KeyEnvelopeFromJson(valid, "not-a-conv", &parsed).ok());
  EXPECT_FALSE(KeyEnvelopeFromJson(json::array(), conv_, &parsed).ok());
  const std::vector<std::pair<const char*, json>> cases = {
      {"epoch", 0},
      {"epoch", "7"},
      {"from", "Alice"},
      {"to", 3},
      {"sealed", crypto::ToBase64(std::string(79, 's'))},
      {"sig", "!!"},
      {"sig", crypto::ToBase64(std::string(65, 's'))}};
  for (const auto& [field, value] : cases) {
    json object = valid;
    object[field] = value;
    Status status = KeyEnvelopeFromJson(object, conv_, &parsed);
    EXPECT_EQ(status.code(), Status::Code::kInvalid) << field;
    EXPECT_NE(status.message().find(std::string("'") + field + "'"), std::string::npos)
        << status.message();
    object.erase(field);
    EXPECT_FALSE(KeyEnvelopeFromJson(object, conv_, &parsed).ok()) << field;
  }
}

TEST_F(KeyEnvelopeTest, TitleRoundTripAndRefusals) {
  const std::string text = u8"Les cousins 🎉 (été)";
  Title title = EncryptTitle(conv_, 7, epoch_key_, text);
  Title parsed;
  ASSERT_TRUE(TitleFromJson(json::parse(TitleToJson(title).dump()), &parsed).ok());
  EXPECT_EQ(parsed.epoch, 7u);
  std::string opened;
  ASSERT_TRUE(DecryptTitle(conv_, parsed, epoch_key_, &opened).ok());
  EXPECT_EQ(opened, text);

  crypto::Secret other_key = crypto::Secret::Random(32);
  EXPECT_EQ(DecryptTitle(conv_, parsed, other_key, &opened).code(), Status::Code::kDenied);
  EXPECT_EQ(DecryptTitle(crypto::RandomIdHex(), parsed, epoch_key_, &opened).code(),
            Status::Code::kDenied);
  EXPECT_EQ(DecryptTitle("bad", parsed, epoch_key_, &opened).code(), Status::Code::kInvalid);

  Title longest = EncryptTitle(conv_, 1, epoch_key_, std::string(kMaxTitleBytes, 't'));
  EXPECT_TRUE(TitleFromJson(TitleToJson(longest), &parsed).ok());
  Title too_long = EncryptTitle(conv_, 1, epoch_key_, std::string(kMaxTitleBytes + 1, 't'));
  EXPECT_FALSE(TitleFromJson(TitleToJson(too_long), &parsed).ok());
  Title not_utf8 = EncryptTitle(conv_, 1, epoch_key_, "caf\xe9");
  EXPECT_EQ(DecryptTitle(conv_, not_utf8, epoch_key_, &opened).code(), Status::Code::kCorruption);

  json bad_nonce = TitleToJson(title);
  bad_nonce["nonce"] = crypto::ToBase64(std::string(23, 'n'));
  EXPECT_FALSE(TitleFromJson(bad_nonce, &parsed).ok());
  json no_ct = TitleToJson(title);
  no_ct.erase("ct");
  EXPECT_FALSE(TitleFromJson(no_ct, &parsed).ok());
}

TEST_F(KeyEnvelopeTest, BundleRoundTripAndRefusals) {
  crypto::Secret bundle_key = BundleKeyFromKek(crypto::Secret::Random(32));
  std::string household = crypto::RandomBytes(16);
  std::string bundle = SealBundle(bundle_key, household, "alice", bob_, alice_);
  EXPECT_EQ(bundle.size(), 24u + 96 + 16);
  EXPECT_NE(SealBundle(bundle_key, household, "alice", bob_, alice_), bundle);

  crypto::BoxKeyPair opened_box;
  crypto::SignKeyPair opened_sign;
  ASSERT_TRUE(OpenBundle(bundle_key, household, "alice", bundle, &opened_box, &opened_sign).ok());
  EXPECT_EQ(opened_box.public_key, bob_.public_key);
  EXPECT_EQ(opened_sign.public_key, alice_.public_key);
  EXPECT_EQ(opened_sign.secret_key.view(), alice_.secret_key.view());

  crypto::Secret wrong_key = crypto::Secret::Random(32);
  EXPECT_EQ(OpenBundle(wrong_key, household, "alice", bundle, &opened_box, &opened_sign).code(),
            Status::Code::kDenied);
  EXPECT_FALSE(
      OpenBundle(bundle_key, crypto::RandomBytes(16), "alice", bundle, &opened_box, &opened_sign)
          .ok());
  EXPECT_EQ(OpenBundle(bundle_key, household, "alice", bundle.substr(1), &opened_box, &opened_sign)
                .code(),
            Status::Code::kInvalid);
}

TEST(LoginTest, SaltAndInputChecks) {
  ASSERT_TRUE(crypto::Init());
  std::string household = crypto::RandomBytes(16);
  EXPECT_EQ(LoginSalt(household, "alice").size(), 16u);
  EXPECT_EQ(LoginSalt(household, "alice"), LoginSalt(household, "alice"));
  EXPECT_NE(LoginSalt(household, "alice"), LoginSalt(household, "alicf"));
  EXPECT_NE(LoginSalt(household, "alice"), LoginSalt(crypto::RandomBytes(16), "alice"));
  LoginKeys keys;
  EXPECT_EQ(DeriveLogin("pw", household.substr(1), "alice", &keys).code(), Status::Code::kInvalid);
  EXPECT_EQ(DeriveLogin("pw", household, "Alice", &keys).code(), Status::Code::kInvalid);
  EXPECT_TRUE(keys.auth_key.empty());
  crypto::Secret kek = crypto::Secret::Random(32);
  EXPECT_EQ(BundleKeyFromKek(kek).view(), BundleKeyFromKek(kek).view());
  EXPECT_NE(BundleKeyFromKek(kek).view(), kek.view());
}

TEST(JsonFieldsTest, Helpers) {
  json object = json::parse(R"({"s":"text","n":5,"neg":-1,"f":1.5,"b":"AAEC","bad":"A"})");
  std::string text;
  EXPECT_TRUE(GetString(object, "s", &text).ok());
  EXPECT_EQ(text, "text");
  EXPECT_EQ(GetString(object, "s", &text, 3).code(), Status::Code::kInvalid);
  EXPECT_EQ(GetString(object, "n", &text).message(), "field 'n' must be a string");
  EXPECT_EQ(GetString(object, "missing", &text).message(), "field 'missing' is missing");
  EXPECT_FALSE(GetString(json::array(), "s", &text).ok());

  std::string raw;
  EXPECT_TRUE(GetB64(object, "b", &raw, 3, 3).ok());
  EXPECT_EQ(raw, std::string("\x00\x01\x02", 3));
  EXPECT_FALSE(GetB64(object, "b", &raw, 4, 8).ok());
  EXPECT_FALSE(GetB64(object, "b", &raw, 0, 2).ok());
  EXPECT_FALSE(GetB64(object, "bad", &raw, 0, 8).ok());
  EXPECT_FALSE(GetB64(object, "n", &raw, 0, 8).ok());

  uint64_t number = 0;
  EXPECT_TRUE(GetUint(object, "n", &number).ok());
  EXPECT_EQ(number, 5u);
  EXPECT_TRUE(GetUint(json{{"n", 9}}, "n", &number).ok());  // a signed int built in C++
  EXPECT_EQ(number, 9u);
  EXPECT_EQ(GetUint(object, "neg", &number).message(), "field 'neg' must be an unsigned integer");
  EXPECT_FALSE(GetUint(object, "f", &number).ok());
  EXPECT_FALSE(GetUint(object, "s", &number).ok());
  EXPECT_FALSE(GetUint(json{{"n", true}}, "n", &number).ok());
}

}  // namespace
}  // namespace protocol
}  // namespace foyer
