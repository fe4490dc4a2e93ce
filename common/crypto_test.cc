// The crypto module (foyer/crypto.h): round trips, refusal of tampered input,
// Secret's ownership rules, encodings, and known answers where a public one
// exists (BLAKE2b). Protocol-level known answers are in vectors_test.cc.
#include "foyer/crypto.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace foyer {
namespace crypto {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(Init()); }
};

std::string Flip(std::string bytes, size_t index) {
  bytes[index] = static_cast<char>(bytes[index] ^ 0x80);
  return bytes;
}

TEST_F(CryptoTest, AeadRoundTripAndTampering) {
  Secret key = Secret::Random(kKeyBytes);
  std::string nonce = RandomBytes(kNonceBytes);
  const std::string plaintext = u8"Rendez-vous à 18 h 🍽";
  const std::string ad = "header";
  std::string sealed = AeadSeal(key, nonce, plaintext, ad);
  ASSERT_EQ(sealed.size(), plaintext.size() + kTagBytes);
  EXPECT_EQ(sealed.find("Rendez"), std::string::npos);
  std::string opened;
  ASSERT_TRUE(AeadOpen(key, nonce, sealed, ad, &opened));
  EXPECT_EQ(opened, plaintext);

  opened = "untouched";
  EXPECT_FALSE(AeadOpen(key, nonce, Flip(sealed, 0), ad, &opened));                  // ciphertext
  EXPECT_FALSE(AeadOpen(key, nonce, Flip(sealed, sealed.size() - 1), ad, &opened));  // tag
  EXPECT_FALSE(AeadOpen(key, nonce, sealed, "heades", &opened));
  EXPECT_FALSE(AeadOpen(key, Flip(nonce, 3), sealed, ad, &opened));
  EXPECT_FALSE(AeadOpen(Secret::Random(kKeyBytes), nonce, sealed, ad, &opened));
  EXPECT_FALSE(AeadOpen(key, nonce, sealed.substr(0, kTagBytes - 1), ad, &opened));
  EXPECT_FALSE(AeadOpen(key, nonce.substr(1), sealed, ad, &opened));
  EXPECT_EQ(opened, "untouched");

  Secret secret_out;
  ASSERT_TRUE(AeadOpenSecret(key, nonce, sealed, ad, &secret_out));
  EXPECT_EQ(secret_out.view(), plaintext);
  Secret untouched;
  EXPECT_FALSE(AeadOpenSecret(key, nonce, Flip(sealed, 2), ad, &untouched));
  EXPECT_TRUE(untouched.empty());

  std::string empty_sealed = AeadSeal(key, nonce, "", ad);
  ASSERT_TRUE(AeadOpen(key, nonce, empty_sealed, ad, &opened));
  EXPECT_EQ(opened, "");
}

TEST_F(CryptoTest, SealedBoxRoundTripAndRefusals) {
  BoxKeyPair bob = BoxKeyPair::Generate();
  Secret key = Secret::Random(kKeyBytes);
  std::string sealed = SealTo(bob.public_key, key.view());
  ASSERT_EQ(sealed.size(), kKeyBytes + kSealOverheadBytes);
  EXPECT_NE(SealTo(bob.public_key, key.view()), sealed);  // an ephemeral key each time
  Secret opened;
  ASSERT_TRUE(OpenSealed(bob, sealed, &opened));
  EXPECT_EQ(opened.view(), key.view());

  Secret untouched;
  EXPECT_FALSE(OpenSealed(BoxKeyPair::Generate(), sealed, &untouched));
  EXPECT_FALSE(OpenSealed(bob, Flip(sealed, 40), &untouched));
  EXPECT_FALSE(OpenSealed(bob, Flip(sealed, 0), &untouched));
  EXPECT_FALSE(OpenSealed(bob, sealed.substr(0, kSealOverheadBytes - 1), &untouched));
  EXPECT_TRUE(untouched.empty());

  // A pair rebuilt from its secret opens the same boxes.
  BoxKeyPair rebuilt = BoxKeyPair::FromSecret(bob.secret_key.Copy());
  EXPECT_EQ(rebuilt.public_key, bob.public_key);
  ASSERT_TRUE(OpenSealed(rebuilt, sealed, &opened));
  EXPECT_EQ(opened.view(), key.view());
}

TEST_F(CryptoTest, SignaturesAndTampering) {
  SignKeyPair alice = SignKeyPair::Generate();
  const std::string message = "foyer/msg/v1 header";
  std::string signature = Sign(alice, message);
  ASSERT_EQ(signature.size(), kSignatureBytes);
  EXPECT_EQ(Sign(alice, message), signature);  // Ed25519 is deterministic
  EXPECT_TRUE(Verify(alice.public_key, message, signature));
  EXPECT_FALSE(Verify(alice.public_key, message + "!", signature));
  EXPECT_FALSE(Verify(alice.public_key, Flip(message, 0), signature));
  EXPECT_FALSE(Verify(alice.public_key, message, Flip(signature, 10)));
  EXPECT_FALSE(Verify(SignKeyPair::Generate().public_key, message, signature));
  EXPECT_FALSE(Verify(alice.public_key, message, signature.substr(1)));
  EXPECT_FALSE(Verify(alice.public_key.substr(1), message, signature));

  SignKeyPair rebuilt = SignKeyPair::FromSecret(alice.secret_key.Copy());
  EXPECT_EQ(rebuilt.public_key, alice.public_key);
  EXPECT_EQ(Sign(rebuilt, message), signature);
  SignKeyPair seeded = SignKeyPair::FromSeed(std::string(32, '\x01'));
  EXPECT_EQ(SignKeyPair::FromSeed(std::string(32, '\x01')).public_key, seeded.public_key);
  EXPECT_EQ(seeded.secret_key.view().substr(0, 32), std::string(32, '\x01'));
  EXPECT_EQ(seeded.secret_key.view().substr(32), seeded.public_key);
}

TEST_F(CryptoTest, SecretOwnershipAndMoves) {
  Secret zeros(16);
  EXPECT_EQ(zeros.size(), 16u);
  EXPECT_EQ(zeros.view(), std::string(16, '\0'));

  Secret first = Secret::FromBytes("sixteen byte key");
  const uint8_t* storage = first.data();
  Secret second(std::move(first));
  EXPECT_TRUE(first.empty());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(first.size(), 0u);
  EXPECT_EQ(second.data(), storage);  // moved, not copied
  EXPECT_EQ(second.view(), "sixteen byte key");

  Secret third = Secret::Random(8);
  third = std::move(second);
  EXPECT_TRUE(second.empty());  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(third.view(), "sixteen byte key");
  Secret& alias = third;
  third = std::move(alias);  // self-move keeps the value
  EXPECT_EQ(third.view(), "sixteen byte key");

  Secret copy = third.Copy();
  EXPECT_EQ(copy.view(), third.view());
  EXPECT_NE(copy.data(), third.data());

  Secret a = Secret::Random(32);
  Secret b = Secret::Random(32);
  EXPECT_NE(a.view(), b.view());
  EXPECT_TRUE(Secret().empty());

  std::string password = "hunter2";
  Wipe(&password);
  EXPECT_EQ(password.find("hunter2"), std::string::npos);
}

TEST_F(CryptoTest, HexDecoding) {
  std::string bytes;
  ASSERT_TRUE(FromHex("00ff10ab", &bytes));
  EXPECT_EQ(bytes, std::string("\x00\xff\x10\xab", 4));
  EXPECT_EQ(ToHex(bytes), "00ff10ab");
  ASSERT_TRUE(FromHex("", &bytes));
  EXPECT_EQ(bytes, "");
  bytes = "untouched";
  for (const char* bad : {"0", "abc", "zz", "0g", " 00", "00 ", "0x00", "00:11"}) {
    EXPECT_FALSE(FromHex(bad, &bytes)) << bad;
  }
  EXPECT_EQ(bytes, "untouched");
}

TEST_F(CryptoTest, Base64UrlDecoding) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  std::string encoded = ToBase64(all);
  EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
  std::string decoded;
  ASSERT_TRUE(FromBase64(encoded, &decoded));
  EXPECT_EQ(decoded, all);
  EXPECT_EQ(ToBase64("\xfb\xff"), "-_8");
  ASSERT_TRUE(FromBase64("-_8", &decoded));
  EXPECT_EQ(decoded, "\xfb\xff");

  decoded = "untouched";
  // Padding, the standard alphabet, stray characters, impossible lengths, and
  // non-zero unused bits ("AB" would decode to 0x00 with leftover bits).
  // Bytes >= 0x80 (UTF-8 "\xc2\xa1"; libsodium 1.0.18 alone takes 0xA1 for '_').
  for (const char* bad : {"AA==", "+/8", "ab/c", "ab c", "A", "AAAAA", "AB", "QUJD\n", "!!",
                          "ab\xc2\xa1", "\xa1\xa1\xa1\xa1"}) {
    EXPECT_FALSE(FromBase64(bad, &decoded)) << bad;
  }
  EXPECT_EQ(decoded, "untouched");
}

TEST_F(CryptoTest, Blake2bKnownAnswersAndKeys) {
  // RFC 7693 / the BLAKE2 reference: BLAKE2b-512("abc") and BLAKE2b-512("").
  EXPECT_EQ(ToHex(Hash("abc", 64)),
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  EXPECT_EQ(ToHex(Hash("", 64)),
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
            "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
  EXPECT_EQ(Hash("abc", 16).size(), 16u);
  Secret key = Secret::Random(32);
  EXPECT_NE(KeyedHash("abc", 32, key), Hash("abc", 32));
  EXPECT_EQ(KeyedHash("abc", 32, key), Hash("abc", 32, key.view()));
}

TEST_F(CryptoTest, Argon2idIsDeterministic) {
  PwhashParams fast;  // small parameters: only determinism is checked here
  fast.opslimit = 1;
  fast.memlimit = 8u << 20;
  const std::string salt(kSaltBytes, 's');
  Secret first, second, other_salt, other_password;
  ASSERT_TRUE(Argon2id("password", salt, 64, fast, &first).ok());
  ASSERT_TRUE(Argon2id("password", salt, 64, fast, &second).ok());
  ASSERT_TRUE(Argon2id("password", std::string(kSaltBytes, 't'), 64, fast, &other_salt).ok());
  ASSERT_TRUE(Argon2id("passwore", salt, 64, fast, &other_password).ok());
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first.view(), second.view());
  EXPECT_NE(first.view(), other_salt.view());
  EXPECT_NE(first.view(), other_password.view());
  PwhashParams defaults;
  EXPECT_EQ(defaults.opslimit, 3u);
  EXPECT_EQ(defaults.memlimit, 64u << 20);
}

TEST_F(CryptoTest, SubkeysRandomnessAndEquality) {
  Secret key = Secret::Random(32);
  EXPECT_EQ(DeriveSubkey(key, 1, "foyerkek").view(), DeriveSubkey(key, 1, "foyerkek").view());
  EXPECT_NE(DeriveSubkey(key, 1, "foyerkek").view(), DeriveSubkey(key, 2, "foyerkek").view());
  EXPECT_NE(DeriveSubkey(key, 1, "foyerkek").view(), DeriveSubkey(key, 1, "foyerxxx").view());
  EXPECT_EQ(RandomBytes(24).size(), 24u);
  EXPECT_NE(RandomBytes(24), RandomBytes(24));
  std::string id = RandomIdHex();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(Equal("abc", "abc"));
  EXPECT_FALSE(Equal("abc", "abd"));
  EXPECT_FALSE(Equal("abc", "abcd"));
  EXPECT_TRUE(Equal("", ""));
}

}  // namespace
}  // namespace crypto
}  // namespace foyer
