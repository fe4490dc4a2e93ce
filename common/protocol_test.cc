// Envelope checks field by field, names, topics, invite codes, key envelopes,
// titles and the key bundle (docs/protocol.md). Known answers are in
// vectors_test.cc; these are round trips and refusals.
#include "foyer/protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "foyer/crypto.h"
#include "protocol_internal.h"

namespace foyer {
namespace protocol {
namespace {

using nlohmann::json;

class ProtocolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::Init()); }

  ProtocolTest()
      : conv_(crypto::RandomIdHex()),
        cmid_(crypto::RandomIdHex()),
        epoch_key_(crypto::Secret::Random(32)),
        alice_(crypto::SignKeyPair::Generate()) {}

  Envelope Seal(std::string_view plaintext) {
    return SealEnvelope(conv_, 2, "alice", cmid_, 1767225600000, epoch_key_, alice_, plaintext);
  }
  json ValidJson() { return json::parse(SerializeEnvelope(Seal(R"({"type":"text","text":"x"})"))); }

  std::string conv_;
  std::string cmid_;
  crypto::Secret epoch_key_;
  crypto::SignKeyPair alice_;
};

TEST_F(ProtocolTest, EnvelopeRoundTrip) {
  const std::string plaintext = u8R"({"type":"text","text":"Ça marche ✅"})";
  Envelope sealed = Seal(plaintext);
  std::string text = SerializeEnvelope(sealed);
  Envelope parsed;
  ASSERT_TRUE(ParseEnvelope(text, &parsed).ok());
  EXPECT_EQ(SerializeEnvelope(parsed), text);
  std::string opened;
  Status status = OpenEnvelope(parsed, alice_.public_key, epoch_key_, &opened);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(opened, plaintext);

  Envelope from_json;
  ASSERT_TRUE(EnvelopeFromJson(EnvelopeToJson(sealed), &from_json).ok());
  EXPECT_EQ(SerializeEnvelope(from_json), text);
  EXPECT_NE(Seal(plaintext).nonce, sealed.nonce);  // a fresh nonce for every message
}

TEST_F(ProtocolTest, SerializeKeepsTheWireOrderAndAddsServerFieldsOnlyWhenSet) {
  Envelope envelope = Seal("{}");
  std::string text = SerializeEnvelope(envelope);
  EXPECT_EQ(text.rfind("{\"v\":1,\"conv\":\"" + conv_ + "\",\"epoch\":2,\"from\":\"alice\",", 0),
            0u);
  EXPECT_EQ(text.find("seq"), std::string::npos);
  std::vector<size_t> positions;
  for (const char* field : {"\"nonce\"", "\"body\"", "\"sig\""})
    positions.push_back(text.find(field));
  EXPECT_LT(positions[0], positions[1]);
  EXPECT_LT(positions[1], positions[2]);

  envelope.seq = 42;
  envelope.stime = 1767225600123;
  text = SerializeEnvelope(envelope);
  EXPECT_NE(text.find("\",\"seq\":42,\"stime\":1767225600123}"), std::string::npos) << text;
  Envelope parsed;
  ASSERT_TRUE(ParseEnvelope(text, &parsed).ok());
  EXPECT_EQ(parsed.seq, 42u);
  EXPECT_EQ(parsed.stime, 1767225600123u);
}

TEST_F(ProtocolTest, EnvelopeRefusesEveryBadField) {
  std::string b64_23 = crypto::ToBase64(std::string(23, 'n'));
  std::string b64_25 = crypto::ToBase64(std::string(25, 'n'));
  std::string b64_15 = crypto::ToBase64(std::string(15, 'b'));
  std::string b64_63 = crypto::ToBase64(std::string(63, 's'));
  std::string b64_65 = crypto::ToBase64(std::string(65, 's'));
  const json kRemove(json::value_t::discarded);
  const std::vector<std::pair<const char*, json>> cases = {
      {"v", kRemove},
      {"v", "1"},
      {"v", 2},
      {"v", -1},
      {"v", 1.0},
      {"v", 0},
      {"conv", kRemove},
      {"conv", 123},
      {"conv", "abc"},
      {"conv", std::string(32, 'A')},
      {"conv", std::string(33, 'a')},
      {"conv", std::string(32, 'g')},
      {"epoch", kRemove},
      {"epoch", "1"},
      {"epoch", 0},
      {"epoch", -1},
      {"epoch", 1.5},
      {"epoch", 4294967296ULL},
      {"epoch", json::array()},
      {"from", kRemove},
      {"from", 5},
      {"from", ""},
      {"from", "Alice"},
      {"from", std::string(33, 'a')},
      {"from", "~invite"},
      {"from", "bob/x"},
      {"cmid", kRemove},
      {"cmid", true},
      {"cmid", std::string(31, 'a')},
      {"cmid", "zz"},
      {"ts", kRemove},
      {"ts", "1767225600000"},
      {"ts", -1},
      {"ts", 1.5},
      {"nonce", kRemove},
      {"nonce", 24},
      {"nonce", b64_23},
      {"nonce", b64_25},
      {"nonce", "!!!!"},
      {"nonce", std::string(31, 'A') + "+"},
      {"body", kRemove},
      {"body", json()},
      {"body", b64_15},
      {"body", "a=="},
      {"sig", kRemove},
      {"sig", json::array()},
      {"sig", b64_63},
      {"sig", b64_65},
      {"seq", "1"},
      {"seq", -1},
      {"stime", "x"},
      {"stime", 1.5},
      {"extra", 1},
  };
  for (const auto& [field, value] : cases) {
    json object = ValidJson();
    if (value.is_discarded()) {
      object.erase(field);
    } else {
      object[field] = value;
    }
    Envelope envelope;
    Status status = ParseEnvelope(object.dump(), &envelope);
    EXPECT_FALSE(status.ok()) << field << " = " << object.dump();
    EXPECT_NE(status.message().find(std::string("'") + field + "'"), std::string::npos)
        << field << ": " << status.message();
  }
}

TEST_F(ProtocolTest, EnvelopeRefusesWhatIsNotAJsonObject) {
  std::string deep(40000, '[');
  deep += std::string(40000, ']');
  for (const std::string& text :
       std::vector<std::string>{"", "not json", "{", "[]", "null", "42", "\"text\"", "{\"v\":1,}",
                                "\xff\xfe", "{\"from\":\"\xc3\"}", deep}) {
    Envelope envelope;
    Status status = ParseEnvelope(text, &envelope);
    EXPECT_EQ(status.code(), Status::Code::kInvalid) << text.substr(0, 20);
  }
  Envelope envelope;
  EXPECT_EQ(ParseEnvelope("[1,2]", &envelope).message(), "envelope must be a JSON object");
  EXPECT_EQ(ParseEnvelope("{", &envelope).message().rfind("envelope is not JSON", 0), 0u);
}

TEST_F(ProtocolTest, ParseEnvelopeAgreesWithTheChecksOfADom) {
  // ParseEnvelope reads the parser's events (no DOM, it runs on every
  // message the broker receives); EnvelopeFromJson reads a DOM. Both must
  // accept the same texts, the same way, and refuse the others with the
  // same message.
  const std::string valid = SerializeEnvelope(Seal("{}"));
  const std::string tail = valid.substr(1);
  std::vector<std::string> texts = {
      valid,
      R"({"v":2,"v":1,)" + tail,                         // a repeated member: the last wins
      R"({"v":1,"v":2,)" + tail,
      R"({"zz":1,"aa":{"v":1},)" + tail,                 // unknown members, nested ones ignored
      R"({"body":{"body":"x"},)" + tail,
      R"({"epoch":[1],)" + tail,
      R"({"seq":-0,"stime":1.0,)" + tail,
      R"({"ts":-1,)" + tail,
      R"({"from":null,)" + tail,
      R"({"from":"\u0061lice",)" + tail,
      R"({"ts":01,)" + tail,                             // numbers the plain path leaves
      R"({"ts":18446744073709551615,)" + tail,           // to the full parser, and not
      R"({"ts":18446744073709551616,)" + tail,
      R"({"ts":1e3,)" + tail,
      R"({"ts":1.5,)" + tail,
      R"({"ts" : 1 ,)" + tail,
      "{\t\"zz\"\r\n:\"\u00e9\"," + tail,
      R"({"zz":"\"",)" + tail,
      "{}",
      "{ }",
      "{\"v\":1}x",
      "[" + valid + "]",
      valid + " ",
      " " + valid,
  };
  std::mt19937 random(7);
  const std::string alphabet = "\"{}[],:0-1.eE \\auxn";
  for (int i = 0; i < 3000; ++i) {
    std::string text = valid;
    size_t at = random() % text.size();
    switch (random() % 3) {
      case 0:
        text[at] = alphabet[random() % alphabet.size()];
        break;
      case 1:
        text.erase(at, 1 + random() % 12);
        break;
      default:
        text.insert(at, alphabet.substr(random() % alphabet.size(), 1 + random() % 4));
    }
    texts.push_back(text);
  }
  // Every byte replaced by each byte that ends or breaks a plain string, and
  // by its neighbours (the scanner skips 8 plain bytes at a time).
  for (size_t at = 0; at < valid.size(); ++at) {
    for (char c : std::string("\x00\x01\x1f\x20\x21\x22\x5b\x5c\x5d\x7e\x7f\x80\xc3\xff", 14)) {
      std::string text = valid;
      text[at] = c;
      texts.push_back(text);
    }
  }
  int accepted = 0;
  for (const std::string& text : texts) {
    Envelope from_events, from_dom;
    Status status = ParseEnvelope(text, &from_events);
    json dom = json::parse(text, nullptr, false);
    if (dom.is_discarded()) {
      EXPECT_EQ(status.message().rfind("envelope is not JSON: ", 0), 0u) << text;
      continue;
    }
    EXPECT_EQ(status.ToString(), EnvelopeFromJson(dom, &from_dom).ToString()) << text;
    if (status.ok()) {
      ++accepted;
      EXPECT_EQ(SerializeEnvelope(from_events), SerializeEnvelope(from_dom));
    }
  }
  EXPECT_GT(accepted, 5);
}

TEST(Base64UrlTest, SameBytesAndSameRefusalsAsLibsodium) {
  // The envelope's own codec against crypto::ToBase64 / FromBase64.
  ASSERT_TRUE(crypto::Init());
  std::mt19937 random(11);
  for (size_t size = 0; size < 200; ++size) {
    std::string bytes = crypto::RandomBytes(size);
    std::string text;
    internal::AppendBase64Url(&text, bytes);
    ASSERT_EQ(text, crypto::ToBase64(bytes)) << size;
    std::string decoded;
    ASSERT_TRUE(internal::DecodeBase64Url(text, &decoded));
    EXPECT_EQ(decoded, bytes);
    // Every one-character change and truncation is judged alike.
    for (int trial = 0; trial < 20 && !text.empty(); ++trial) {
      std::string changed = text;
      if (trial % 4 == 3) {
        changed.resize(random() % changed.size());
      } else {
        changed[random() % changed.size()] = static_cast<char>(random() % 256);
      }
      std::string ours, theirs;
      bool ok = internal::DecodeBase64Url(changed, &ours);
      ASSERT_EQ(ok, crypto::FromBase64(changed, &theirs)) << crypto::ToHex(changed);
      if (ok) {
        EXPECT_EQ(ours, theirs);
      }
    }
  }
  std::string out;
  for (const char* bad : {"A", "AB=", "AB+", "AB/", "AB==", "AB C", "AF", "AAB", "\xa1\xa1"}) {
    EXPECT_FALSE(internal::DecodeBase64Url(bad, &out)) << bad;
    EXPECT_FALSE(crypto::FromBase64(bad, &out)) << bad;
  }
}

TEST_F(ProtocolTest, EnvelopeSizeLimits) {
  Envelope envelope = Seal(std::string(kMaxPlaintextBytes, 'x'));
  ASSERT_EQ(envelope.body.size(), kMaxBodyBytes);
  std::string text = SerializeEnvelope(envelope);
  Envelope parsed;
  EXPECT_TRUE(ParseEnvelope(text, &parsed).ok());

  Envelope too_big = Seal(std::string(kMaxPlaintextBytes + 1, 'x'));
  Status status = ParseEnvelope(SerializeEnvelope(too_big), &parsed);
  EXPECT_EQ(status.code(), Status::Code::kLimit);
  EXPECT_NE(status.message().find("'body'"), std::string::npos);

  std::string padded = text + std::string(kMaxEnvelopeBytes - text.size(), ' ');
  EXPECT_TRUE(ParseEnvelope(padded, &parsed).ok());
  EXPECT_EQ(ParseEnvelope(padded + " ", &parsed).code(), Status::Code::kLimit);

  Envelope smallest = Seal("");
  ASSERT_EQ(smallest.body.size(), crypto::kTagBytes);
  EXPECT_TRUE(ParseEnvelope(SerializeEnvelope(smallest), &parsed).ok());
}

TEST_F(ProtocolTest, OpenEnvelopeRefusesWrongKeysAndBadHeaders) {
  Envelope envelope = Seal("{}");
  std::string plaintext;
  crypto::SignKeyPair mallory = crypto::SignKeyPair::Generate();
  EXPECT_EQ(OpenEnvelope(envelope, mallory.public_key, epoch_key_, &plaintext).code(),
            Status::Code::kDenied);
  crypto::Secret other_key = crypto::Secret::Random(32);
  EXPECT_EQ(OpenEnvelope(envelope, alice_.public_key, other_key, &plaintext).code(),
            Status::Code::kDenied);
  EXPECT_EQ(OpenEnvelope(envelope, "short", epoch_key_, &plaintext).code(), Status::Code::kDenied);
  envelope.nonce.pop_back();
  EXPECT_EQ(OpenEnvelope(envelope, alice_.public_key, epoch_key_, &plaintext).code(),
            Status::Code::kInvalid);
  EXPECT_TRUE(plaintext.empty());
  Envelope bad_conv = Seal("{}");
  bad_conv.conv = "nothex";
  EXPECT_EQ(EnvelopeAssociatedData(bad_conv), "");
}

TEST(NamesTest, UserNames) {
  for (const char* name : {"a", "alice", "bob.martin", "j_doe-2", "z0"}) {
    EXPECT_TRUE(ValidUserName(name)) << name;
  }
  EXPECT_TRUE(ValidUserName(std::string(32, 'a')));
  std::string why;
  EXPECT_FALSE(ValidUserName(std::string(33, 'a'), &why));
  EXPECT_EQ(why, "user name is longer than 32 characters");
  for (const char* name : {"", "Alice", "9lives", "_x", ".x", "-x", "a b", "a+b", "a#b", "a/b",
                           "a:b", "aé", "~invite", "a\n"}) {
    why.clear();
    EXPECT_FALSE(ValidUserName(name, &why)) << name;
    EXPECT_FALSE(why.empty()) << name;
  }
  EXPECT_FALSE(ValidUserName(std::string("a\0b", 3)));
}

TEST(NamesTest, ClientIds) {
  EXPECT_TRUE(ValidClientId("alice", "alice"));
  EXPECT_TRUE(ValidClientId("alice", "alice:laptop-3f2a"));
  EXPECT_TRUE(ValidClientId("alice", "alice:" + std::string(32, 'Z')));
  EXPECT_TRUE(ValidClientId("~invite", "~invite:Ab_9-"));
  std::string why;
  for (const auto& [user, id] :
       std::vector<std::pair<std::string, std::string>>{{"alice", "alice:"},
                                                        {"alice", "alice:" + std::string(33, 'Z')},
                                                        {"alice", "bob"},
                                                        {"alice", "alice2"},
                                                        {"alice", "alice:a.b"},
                                                        {"alice", "alice:a:b"},
                                                        {"alice", "alice:a b"},
                                                        {"alice", "ALICE"},
                                                        {"Alice", "Alice"},
                                                        {"", ""},
                                                        {"alice", ""},
                                                        {"~invite", "~invite"},
                                                        {"~invite", "~invite:"},
                                                        {"~invite", "alice:x"},
                                                        {"alice", "~invite:x"}}) {
    why.clear();
    EXPECT_FALSE(ValidClientId(user, id, &why)) << user << " " << id;
    EXPECT_FALSE(why.empty()) << user << " " << id;
  }
}

TEST(NamesTest, HexIds) {
  EXPECT_TRUE(ValidHexId("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(ValidHexId("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(ValidHexId("0123456789abcdef0123456789abcde"));
  EXPECT_FALSE(ValidHexId("0123456789abcdef0123456789abcdef0"));
  EXPECT_FALSE(ValidHexId("0123456789abcdef0123456789abcdeg"));
  EXPECT_FALSE(ValidHexId(""));
  EXPECT_TRUE(ValidHexId(crypto::RandomIdHex()));
}

TEST(TopicsTest, BuildersAndParser) {
  std::string conv = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(SendTopic(conv), "foyer/c/" + conv + "/send");
  EXPECT_EQ(MessageTopic(conv), "foyer/c/" + conv + "/m");
  EXPECT_EQ(SignalTopic(conv), "foyer/c/" + conv + "/signal");
  EXPECT_EQ(EphemeralTopic(conv), "foyer/c/" + conv + "/e");
  EXPECT_EQ(InboxTopic("bob"), "foyer/u/bob/inbox");
  EXPECT_EQ(PresenceTopic("bob"), "foyer/p/bob");
  EXPECT_STREQ(kRequestTopic, "$CONTROL/foyer/v1");
  EXPECT_STREQ(kResponseTopic, "$CONTROL/foyer/v1/response");
  EXPECT_STREQ(kInviteUserName, "~invite");

  using Kind = Topic::Kind;
  const std::vector<std::tuple<std::string, Kind, std::string>> cases = {
      {SendTopic(conv), Kind::kSend, conv},     {MessageTopic(conv), Kind::kMessages, conv},
      {SignalTopic(conv), Kind::kSignal, conv}, {EphemeralTopic(conv), Kind::kEphemeral, conv},
      {InboxTopic("bob"), Kind::kInbox, "bob"}, {PresenceTopic("bob"), Kind::kPresence, "bob"},
      {kRequestTopic, Kind::kRequest, ""},      {kResponseTopic, Kind::kResponse, ""},
      {"foyer/c/+/m", Kind::kOther, ""},        {"foyer/c/#", Kind::kOther, ""},
      {"foyer/c//m", Kind::kOther, ""},         {"foyer/c/" + conv + "/m/", Kind::kOther, ""},
      {"foyer/c/" + conv, Kind::kOther, ""},    {"foyer/u/bob/outbox", Kind::kOther, ""},
      {"foyer/u/Bob/inbox", Kind::kOther, ""},  {"foyer/p/", Kind::kOther, ""},
      {"foyer/p/bob/x", Kind::kOther, ""},      {"/foyer/p/bob", Kind::kOther, ""},
      {"$CONTROL/foyer/v1/", Kind::kOther, ""}, {"", Kind::kOther, ""},
  };
  for (const auto& [text, kind, id] : cases) {
    Topic topic = ParseTopic(text);
    EXPECT_EQ(topic.kind, kind) << text;
    EXPECT_EQ(topic.id, id) << text;
  }
}

TEST(InviteTest, RoundTripAndRefusals) {
  ASSERT_TRUE(crypto::Init());
  std::string household = crypto::RandomBytes(16);
  std::string secret = crypto::RandomBytes(16);
  std::string code = EncodeInviteCode(household, secret);
  EXPECT_EQ(code.size(), 44u);
  std::string decoded_household, decoded_secret;
  ASSERT_TRUE(DecodeInviteCode(code, &decoded_household, &decoded_secret).ok());
  EXPECT_EQ(decoded_household, household);
  EXPECT_EQ(decoded_secret, secret);

  std::string bad_char = code;
  bad_char[10] = '.';
  std::string version_two = crypto::ToBase64("\x02" + household + secret);
  for (const std::string& bad :
       {code.substr(1), code + "A", bad_char, version_two, std::string(44, '='),
        EncodeInviteCode(household.substr(1), secret), std::string()}) {
    EXPECT_EQ(DecodeInviteCode(bad, &decoded_household, &decoded_secret).code(),
              Status::Code::kInvalid)
        << bad;
  }
}

}  // namespace
}  // namespace protocol
}  // namespace foyer
