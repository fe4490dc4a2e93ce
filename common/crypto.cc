// The crypto module (with crypto_secret.cc, where secrets live in memory):
// the only files of Foyer that include <sodium.h>.
#include "foyer/crypto.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace foyer {
namespace crypto {
namespace {

static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key size");
static_assert(kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
static_assert(kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag size");
static_assert(kSignatureBytes == crypto_sign_BYTES, "signature size");
static_assert(kSignSecretBytes == crypto_sign_SECRETKEYBYTES, "sign secret size");
static_assert(kSealOverheadBytes == crypto_box_SEALBYTES, "seal overhead");
static_assert(kSaltBytes == crypto_pwhash_SALTBYTES, "salt size");
static_assert(crypto_kdf_KEYBYTES == kKeyBytes, "kdf key size");
static_assert(crypto_box_PUBLICKEYBYTES == kKeyBytes && crypto_box_SECRETKEYBYTES == kKeyBytes,
              "box key size");

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* MutableBytes(std::string* s) { return reinterpret_cast<unsigned char*>(&(*s)[0]); }

// Fails loudly on misuse that would otherwise produce wrong crypto.
void Require(bool condition, const char* what) {
  if (!condition) throw std::invalid_argument(what);
}

}  // namespace

bool Init() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

void Wipe(std::string* bytes) {
  if (bytes == nullptr || bytes->empty()) return;
  sodium_memzero(&(*bytes)[0], bytes->size());
  bytes->clear();
}

std::string RandomBytes(size_t size) {
  Init();
  std::string out(size, '\0');
  if (size > 0) randombytes_buf(&out[0], size);
  return out;
}

std::string RandomIdHex() { return ToHex(RandomBytes(16)); }

bool Equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string ToHex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(&out[0], out.size(), Bytes(bytes), bytes.size());
  out.resize(bytes.size() * 2);
  return out;
}

bool FromHex(std::string_view hex, std::string* bytes) {
  if (hex.size() % 2 != 0) return false;
  for (char c : hex) {  // sodium accepts upper case; the protocol writes lower case only
    bool digit = c >= '0' && c <= '9';
    bool lower = c >= 'a' && c <= 'f';
    bool upper = c >= 'A' && c <= 'F';
    if (!digit && !lower && !upper) return false;
  }
  std::string out(hex.size() / 2, '\0');
  size_t written = 0;
  if (sodium_hex2bin(MutableBytes(&out), out.size(), hex.data(), hex.size(), nullptr, &written,
                     nullptr) != 0 ||
      written != out.size()) {
    return false;
  }
  *bytes = std::move(out);
  return true;
}

std::string ToBase64(std::string_view bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  size_t length = sodium_base64_ENCODED_LEN(bytes.size(), kVariant);
  std::string out(length, '\0');
  sodium_bin2base64(&out[0], length, Bytes(bytes), bytes.size(), kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool FromBase64(std::string_view text, std::string* bytes) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  // libsodium 1.0.18 reads a byte >= 0x80 as a negative char, which its
  // constant-time table lookup takes for an alphabet character (0xA1 reads
  // as '_'): refuse every byte outside the URL-safe alphabet first.
  for (char c : text) {
    bool in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!in_alphabet) return false;
  }
  std::string out(text.size() * 3 / 4 + 3, '\0');
  size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(MutableBytes(&out), out.size(), text.data(), text.size(), nullptr,
                        &written, &end, kVariant) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  out.resize(written);
  *bytes = std::move(out);
  return true;
}

std::string Hash(std::string_view data, size_t out_size, std::string_view key) {
  Require(out_size >= crypto_generichash_BYTES_MIN && out_size <= crypto_generichash_BYTES_MAX,
          "BLAKE2b output size");
  Require(key.empty() || (key.size() >= crypto_generichash_KEYBYTES_MIN &&
                          key.size() <= crypto_generichash_KEYBYTES_MAX),
          "BLAKE2b key size");
  std::string out(out_size, '\0');
  crypto_generichash(MutableBytes(&out), out_size, Bytes(data), data.size(),
                     key.empty() ? nullptr : Bytes(key), key.size());
  return out;
}

std::string KeyedHash(std::string_view data, size_t out_size, const Secret& key) {
  return Hash(data, out_size, key.view());
}

StreamPush::StreamPush(const Secret& key)
    : state_(crypto_secretstream_xchacha20poly1305_statebytes()),
      header_(crypto_secretstream_xchacha20poly1305_HEADERBYTES, '\0') {
  static_assert(kStreamHeaderBytes == crypto_secretstream_xchacha20poly1305_HEADERBYTES,
                "stream header size");
  static_assert(kStreamOverheadBytes == crypto_secretstream_xchacha20poly1305_ABYTES,
                "stream overhead");
  Require(key.size() == crypto_secretstream_xchacha20poly1305_KEYBYTES, "stream key size");
  crypto_secretstream_xchacha20poly1305_init_push(
      reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data()),
      MutableBytes(&header_), key.data());
}

std::string StreamPush::Push(std::string_view plaintext, bool final) {
  std::string out(plaintext.size() + crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
  crypto_secretstream_xchacha20poly1305_push(
      reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data()),
      MutableBytes(&out), nullptr, Bytes(plaintext), plaintext.size(), nullptr, 0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
            : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
  return out;
}

bool StreamPull::Init(const Secret& key, std::string_view header) {
  if (key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES ||
      header.size() != crypto_secretstream_xchacha20poly1305_HEADERBYTES) {
    return false;
  }
  state_ = Secret(crypto_secretstream_xchacha20poly1305_statebytes());
  return crypto_secretstream_xchacha20poly1305_init_pull(
             reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data()),
             Bytes(header), key.data()) == 0;
}

bool StreamPull::Pull(std::string_view ciphertext, std::string* plaintext, bool* final) {
  if (state_.empty() || ciphertext.size() < crypto_secretstream_xchacha20poly1305_ABYTES) {
    return false;
  }
  std::string out(ciphertext.size() - crypto_secretstream_xchacha20poly1305_ABYTES, '\0');
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(
          reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(state_.data()),
          MutableBytes(&out), nullptr, &tag, Bytes(ciphertext),
          ciphertext.size(), nullptr, 0) != 0) {
    return false;
  }
  *final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  *plaintext = std::move(out);
  return true;
}

Status Argon2id(std::string_view password, std::string_view salt, size_t out_size,
                const PwhashParams& params, Secret* out) {
  if (salt.size() != kSaltBytes) return Status::Invalid("Argon2id salt must be 16 bytes");
  if (out_size < crypto_pwhash_BYTES_MIN) return Status::Invalid("Argon2id output too short");
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
      params.memlimit < crypto_pwhash_MEMLIMIT_MIN) {
    return Status::Invalid("Argon2id parameters below the minimum");
  }
  Secret result(out_size);
  if (crypto_pwhash(result.data(), out_size, password.data(), password.size(), Bytes(salt),
                    params.opslimit, params.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Internal("Argon2id ran out of memory");
  }
  *out = std::move(result);
  return Status::OK();
}

Secret DeriveSubkey(const Secret& key, uint64_t subkey_id, const char context[8]) {
  Require(key.size() == crypto_kdf_KEYBYTES, "KDF key size");
  Secret subkey(kKeyBytes);
  crypto_kdf_derive_from_key(subkey.data(), subkey.size(), subkey_id, context, key.data());
  return subkey;
}

std::string AeadSeal(const Secret& key, std::string_view nonce, std::string_view plaintext,
                     std::string_view associated_data) {
  Require(key.size() == kKeyBytes, "AEAD key size");
  Require(nonce.size() == kNonceBytes, "AEAD nonce size");
  std::string out(plaintext.size() + kTagBytes, '\0');
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      MutableBytes(&out), &written, Bytes(plaintext), plaintext.size(), Bytes(associated_data),
      associated_data.size(), nullptr, Bytes(nonce), key.data());
  out.resize(written);
  return out;
}

bool AeadOpen(const Secret& key, std::string_view nonce, std::string_view ciphertext,
              std::string_view associated_data, std::string* plaintext) {
  if (key.size() != kKeyBytes || nonce.size() != kNonceBytes || ciphertext.size() < kTagBytes) {
    return false;
  }
  std::string out(ciphertext.size() - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out.empty() ? nullptr : MutableBytes(&out), &written, nullptr, Bytes(ciphertext),
          ciphertext.size(), Bytes(associated_data), associated_data.size(), Bytes(nonce),
          key.data()) != 0) {
    return false;
  }
  out.resize(written);
  *plaintext = std::move(out);
  return true;
}

bool AeadOpenSecret(const Secret& key, std::string_view nonce, std::string_view ciphertext,
                    std::string_view associated_data, Secret* plaintext) {
  if (key.size() != kKeyBytes || nonce.size() != kNonceBytes || ciphertext.size() < kTagBytes) {
    return false;
  }
  Secret out(ciphertext.size() - kTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out.data(), &written, nullptr, Bytes(ciphertext), ciphertext.size(),
          Bytes(associated_data), associated_data.size(), Bytes(nonce), key.data()) != 0) {
    return false;
  }
  *plaintext = std::move(out);
  return true;
}

BoxKeyPair BoxKeyPair::Generate() {
  Init();
  BoxKeyPair pair;
  pair.public_key.assign(crypto_box_PUBLICKEYBYTES, '\0');
  pair.secret_key = Secret(crypto_box_SECRETKEYBYTES);
  crypto_box_keypair(MutableBytes(&pair.public_key), pair.secret_key.data());
  return pair;
}

BoxKeyPair BoxKeyPair::FromSeed(std::string_view seed32) {
  Require(seed32.size() == crypto_box_SEEDBYTES, "box seed size");
  Init();
  BoxKeyPair pair;
  pair.public_key.assign(crypto_box_PUBLICKEYBYTES, '\0');
  pair.secret_key = Secret(crypto_box_SECRETKEYBYTES);
  crypto_box_seed_keypair(MutableBytes(&pair.public_key), pair.secret_key.data(), Bytes(seed32));
  return pair;
}

BoxKeyPair BoxKeyPair::FromSecret(Secret secret) {
  Require(secret.size() == crypto_box_SECRETKEYBYTES, "box secret size");
  BoxKeyPair pair;
  pair.public_key.assign(crypto_box_PUBLICKEYBYTES, '\0');
  crypto_scalarmult_base(MutableBytes(&pair.public_key), secret.data());
  pair.secret_key = std::move(secret);
  return pair;
}

SignKeyPair SignKeyPair::Generate() {
  Init();
  SignKeyPair pair;
  pair.public_key.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  pair.secret_key = Secret(crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair(MutableBytes(&pair.public_key), pair.secret_key.data());
  return pair;
}

SignKeyPair SignKeyPair::FromSeed(std::string_view seed32) {
  Require(seed32.size() == crypto_sign_SEEDBYTES, "sign seed size");
  Init();
  SignKeyPair pair;
  pair.public_key.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  pair.secret_key = Secret(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(MutableBytes(&pair.public_key), pair.secret_key.data(), Bytes(seed32));
  return pair;
}

SignKeyPair SignKeyPair::FromSecret(Secret secret) {
  Require(secret.size() == crypto_sign_SECRETKEYBYTES, "sign secret size");
  SignKeyPair pair;
  pair.public_key.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  crypto_sign_ed25519_sk_to_pk(MutableBytes(&pair.public_key), secret.data());
  pair.secret_key = std::move(secret);
  return pair;
}

std::string SealTo(std::string_view recipient_public_key, std::string_view message) {
  Require(recipient_public_key.size() == crypto_box_PUBLICKEYBYTES, "box public key size");
  Init();
  std::string out(message.size() + crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal(MutableBytes(&out), Bytes(message), message.size(),
                      Bytes(recipient_public_key)) != 0) {
    throw std::runtime_error("crypto_box_seal failed");
  }
  return out;
}

bool OpenSealed(const BoxKeyPair& recipient, std::string_view sealed, Secret* message) {
  if (sealed.size() < crypto_box_SEALBYTES ||
      recipient.public_key.size() != crypto_box_PUBLICKEYBYTES ||
      recipient.secret_key.size() != crypto_box_SECRETKEYBYTES) {
    return false;
  }
  Secret out(sealed.size() - crypto_box_SEALBYTES);
  // crypto_box_seal_open needs a non-null output even for an empty message.
  unsigned char empty = 0;
  if (crypto_box_seal_open(out.empty() ? &empty : out.data(), Bytes(sealed), sealed.size(),
                           Bytes(recipient.public_key), recipient.secret_key.data()) != 0) {
    return false;
  }
  *message = std::move(out);
  return true;
}

std::string Sign(const SignKeyPair& signer, std::string_view message) {
  Require(signer.secret_key.size() == crypto_sign_SECRETKEYBYTES, "sign secret size");
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(MutableBytes(&signature), nullptr, Bytes(message), message.size(),
                       signer.secret_key.data());
  return signature;
}

bool Verify(std::string_view public_key, std::string_view message, std::string_view signature) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(Bytes(signature), Bytes(message), message.size(),
                                     Bytes(public_key)) == 0;
}

std::string Fingerprint(std::string_view ed25519_public, std::string_view x25519_public) {
  std::string input = "foyer/fp/v1";
  input.append(ed25519_public.data(), ed25519_public.size());
  input.append(x25519_public.data(), x25519_public.size());
  const std::string digest = Hash(input, 64);
  std::string out;
  for (int group = 0; group < 12; ++group) {
    uint64_t value = 0;
    for (int i = 0; i < 5; ++i) {
      value = (value << 8) | static_cast<unsigned char>(digest[group * 5 + i]);
    }
    char digits[6];
    std::snprintf(digits, sizeof digits, "%05u", static_cast<unsigned>(value % 100000));
    if (group > 0) out += ' ';
    out += digits;
  }
  return out;
}

}  // namespace crypto
}  // namespace foyer
