// Files (docs/protocol.md §10): chunked secretstream encryption under a fresh
// key, the sizes the server checks, and the file reference that a message
// carries.
#ifndef FOYER_FILE_CRYPTO_H_
#define FOYER_FILE_CRYPTO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "foyer/crypto.h"
#include "foyer/status.h"

namespace foyer {
namespace protocol {

constexpr uint64_t kFileChunkBytes = 65536;  // plaintext per chunk
constexpr size_t kFileHashBytes = 32;
constexpr uint64_t kDefaultMaxFileBytes = 20971520;  // 20 MiB
constexpr size_t kMaxFileNameBytes = 255;
constexpr size_t kMaxFileMimeBytes = 127;

// max(1, ceil(size / 65536)).
uint64_t FileChunkCount(uint64_t size);
// Ciphertext bytes of chunk `index` of a file of `size` plaintext bytes; 0
// when `index` is out of range.
uint64_t FileChunkCipherBytes(uint64_t size, uint64_t index);

// What a message carries about a file. Binary fields are raw bytes.
struct FileRef {
  std::string id;    // hex32, the server's file id
  std::string name;  // as the sender gave it; show as text only
  std::string mime;
  uint64_t size = 0;
  std::string key;     // 32
  std::string header;  // 24
  std::string hash;    // 32, BLAKE2b of the plaintext
};
nlohmann::json FileRefToJson(const FileRef& ref);
// Checks every field (types, sizes, UTF-8 is left to the JSON parser).
Status FileRefFromJson(const nlohmann::json& json, FileRef* ref);

// A file encrypted under a fresh random key: `ref` has everything but id,
// name and mime.
struct EncryptedFile {
  FileRef ref;
  std::vector<std::string> chunks;
};
EncryptedFile EncryptFile(std::string_view plaintext);

// Decrypts and checks a whole file (tags, size, hash). kDenied with a reason
// when anything does not check; nothing is returned then.
Status DecryptFile(const FileRef& ref, const std::vector<std::string>& chunks,
                   std::string* plaintext);

}  // namespace protocol
}  // namespace foyer

#endif  // FOYER_FILE_CRYPTO_H_
