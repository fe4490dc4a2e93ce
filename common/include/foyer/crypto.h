// Foyer's crypto module: the only code that talks to libsodium (crypto.cc is
// the only file that includes <sodium.h>). A handful of verbs over fixed
// primitives; see docs/protocol.md for how the protocol combines them.
//
// Byte strings are std::string (any bytes). Secrets live in `Secret`, which
// keeps them in locked memory (never swapped, left out of core dumps) behind
// guard pages, and wipes them on destruction; see Secret for the layout.
//
// Thread safety: every function is safe to call from any thread once Init()
// has returned true.
#ifndef FOYER_CRYPTO_H_
#define FOYER_CRYPTO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "foyer/status.h"

namespace foyer {
namespace crypto {

constexpr size_t kKeyBytes = 32;           // symmetric keys, X25519 keys, Ed25519 public keys
constexpr size_t kNonceBytes = 24;         // XChaCha20-Poly1305 nonce
constexpr size_t kTagBytes = 16;           // AEAD tag
constexpr size_t kSignatureBytes = 64;     // Ed25519 signature
constexpr size_t kSignSecretBytes = 64;    // Ed25519 secret (seed || public)
constexpr size_t kSealOverheadBytes = 48;  // crypto_box_seal overhead
constexpr size_t kSaltBytes = 16;          // Argon2id salt

// Initialises libsodium. Idempotent and thread-safe; false if it cannot run.
bool Init();

// A secret byte buffer of fixed size in guarded memory, wiped when destroyed.
// Move-only. A moved-from Secret is empty (size 0).
//
// Memory: a secret of up to kSecretSlotBytes (every key of the protocol)
// takes a 32-byte slot in a shared slab: one sodium_malloc region of 64 KiB
// (2046 slots; guard pages on both sides, locked, MADV_DONTDUMP). A slot is
// wiped when freed; an empty slab is returned to the system, but one is kept
// for reuse. A larger secret (Ed25519 secret keys, Argon2id output, stream
// states) gets a sodium_malloc region of its own. So a client holding 50,000
// epoch keys uses 25 slabs (1.6 MB locked, ~100 mappings) instead of 50,000
// regions (200,000 mappings: beyond vm.max_map_count, and beyond the 8 MiB
// RLIMIT_MEMLOCK, past which sodium_malloc silently stops locking).
// Construction throws std::bad_alloc when no memory can be had.
class Secret {
 public:
  Secret() = default;
  explicit Secret(size_t size);  // zero-filled
  ~Secret();
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  static Secret FromBytes(std::string_view bytes);
  static Secret Random(size_t size);

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // A view of the secret bytes; valid while this Secret lives. Do not copy it
  // into ordinary strings unless the bytes must leave the process (e.g. the
  // auth key as the MQTT password).
  std::string_view view() const {
    return std::string_view(reinterpret_cast<const char*>(data_), size_);
  }
  Secret Copy() const { return FromBytes(view()); }

 private:
  void Free();  // wipes and releases the bytes; leaves the Secret empty

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Secrets up to this size share slabs (see Secret).
constexpr size_t kSecretSlotBytes = 32;

// What the small secrets' slabs hold, for tests and diagnostics.
struct SecretMemoryUsage {
  size_t slabs = 0;           // sodium_malloc regions of slots
  size_t slots_in_use = 0;    // live secrets of up to kSecretSlotBytes
  size_t slots_per_slab = 0;
};
SecretMemoryUsage SecretMemory();

// Wipes an ordinary buffer (e.g. a password read from a file).
void Wipe(std::string* bytes);

// Random bytes from the OS generator.
std::string RandomBytes(size_t size);
// A random id of 16 bytes as 32 lowercase hex characters.
std::string RandomIdHex();

// Constant-time equality (false when sizes differ).
bool Equal(std::string_view a, std::string_view b);

// Encodings. Decoders return false on any invalid character or length.
std::string ToHex(std::string_view bytes);
bool FromHex(std::string_view hex, std::string* bytes);
std::string ToBase64(std::string_view bytes);  // URL-safe alphabet, no padding
bool FromBase64(std::string_view text, std::string* bytes);

// BLAKE2b (crypto_generichash). out_size 16..64; key empty or 16..64 bytes.
std::string Hash(std::string_view data, size_t out_size, std::string_view key = {});
std::string KeyedHash(std::string_view data, size_t out_size, const Secret& key);

// Argon2id (crypto_pwhash, ALG_ARGON2ID13).
struct PwhashParams {
  uint64_t opslimit = 3;
  size_t memlimit = 64u << 20;  // bytes
};
Status Argon2id(std::string_view password, std::string_view salt, size_t out_size,
                const PwhashParams& params, Secret* out);

// crypto_kdf_derive_from_key: a 32-byte subkey of a 32-byte key. `context` is
// exactly 8 characters.
Secret DeriveSubkey(const Secret& key, uint64_t subkey_id, const char context[8]);

// XChaCha20-Poly1305-IETF. Seal returns ciphertext || tag (no nonce).
std::string AeadSeal(const Secret& key, std::string_view nonce, std::string_view plaintext,
                     std::string_view associated_data);
bool AeadOpen(const Secret& key, std::string_view nonce, std::string_view ciphertext,
              std::string_view associated_data, std::string* plaintext);
// Same, for a plaintext that is itself a secret.
bool AeadOpenSecret(const Secret& key, std::string_view nonce, std::string_view ciphertext,
                    std::string_view associated_data, Secret* plaintext);

// crypto_secretstream_xchacha20poly1305 (files, docs/protocol.md §10): a
// stream of chunks under one key; each chunk is authenticated together with
// its place in the stream, and the last one carries the FINAL tag.
constexpr size_t kStreamHeaderBytes = 24;
constexpr size_t kStreamOverheadBytes = 17;  // per chunk

// Encrypts a stream. The key must be 32 bytes; the header is random.
class StreamPush {
 public:
  explicit StreamPush(const Secret& key);
  const std::string& header() const { return header_; }
  // The next chunk's ciphertext (plaintext size + 17), tagged FINAL when `final`.
  std::string Push(std::string_view plaintext, bool final);

 private:
  Secret state_;
  std::string header_;
};

// Decrypts a stream. Init is false for a bad key or header size.
class StreamPull {
 public:
  bool Init(const Secret& key, std::string_view header);
  // False when the chunk does not open (tampered, out of order, wrong key);
  // `*final` tells whether it carried the FINAL tag.
  bool Pull(std::string_view ciphertext, std::string* plaintext, bool* final);

 private:
  Secret state_;
};

// X25519 key pair for sealed boxes.
struct BoxKeyPair {
  std::string public_key;  // 32 bytes
  Secret secret_key;       // 32 bytes
  static BoxKeyPair Generate();
  static BoxKeyPair FromSeed(std::string_view seed32);  // crypto_box_seed_keypair
  // Rebuilds the pair from a secret key (public = scalarmult_base(secret)).
  static BoxKeyPair FromSecret(Secret secret);
};

// Ed25519 key pair.
struct SignKeyPair {
  std::string public_key;  // 32 bytes
  Secret secret_key;       // 64 bytes (seed || public)
  static SignKeyPair Generate();
  static SignKeyPair FromSeed(std::string_view seed32);  // crypto_sign_seed_keypair
  // Rebuilds the pair from a 64-byte secret key.
  static SignKeyPair FromSecret(Secret secret);
};

// crypto_box_seal / crypto_box_seal_open.
std::string SealTo(std::string_view recipient_public_key, std::string_view message);
bool OpenSealed(const BoxKeyPair& recipient, std::string_view sealed, Secret* message);

// Ed25519 detached signatures.
std::string Sign(const SignKeyPair& signer, std::string_view message);
bool Verify(std::string_view public_key, std::string_view message, std::string_view signature);

// Safety number of a user's public keys (docs/protocol.md §3):
// "12345 67890 ..." (12 groups of 5 digits).
std::string Fingerprint(std::string_view ed25519_public, std::string_view x25519_public);

}  // namespace crypto
}  // namespace foyer

#endif  // FOYER_CRYPTO_H_
