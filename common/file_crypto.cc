// Files (docs/protocol.md §10).
#include "foyer/file_crypto.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "foyer/protocol.h"

namespace foyer {
namespace protocol {

uint64_t FileChunkCount(uint64_t size) {
  return size == 0 ? 1 : (size - 1) / kFileChunkBytes + 1;
}

uint64_t FileChunkCipherBytes(uint64_t size, uint64_t index) {
  uint64_t chunks = FileChunkCount(size);
  if (index >= chunks) return 0;
  uint64_t plain = index + 1 < chunks ? kFileChunkBytes : size - kFileChunkBytes * (chunks - 1);
  return plain + crypto::kStreamOverheadBytes;
}

nlohmann::json FileRefToJson(const FileRef& ref) {
  return nlohmann::json{{"id", ref.id},
                        {"name", ref.name},
                        {"mime", ref.mime},
                        {"size", ref.size},
                        {"key", crypto::ToBase64(ref.key)},
                        {"header", crypto::ToBase64(ref.header)},
                        {"hash", crypto::ToBase64(ref.hash)}};
}

Status FileRefFromJson(const nlohmann::json& json, FileRef* ref) {
  FileRef out;
  Status status = GetString(json, "id", &out.id, 32);
  if (status.ok() && !ValidHexId(out.id)) status = Status::Invalid("field 'id' must be 32 hex");
  if (status.ok()) status = GetString(json, "name", &out.name, kMaxFileNameBytes);
  if (status.ok() && out.name.empty()) status = Status::Invalid("field 'name' is empty");
  if (status.ok()) status = GetString(json, "mime", &out.mime, kMaxFileMimeBytes);
  if (status.ok()) status = GetUint(json, "size", &out.size);
  if (status.ok()) status = GetB64(json, "key", &out.key, crypto::kKeyBytes, crypto::kKeyBytes);
  if (status.ok()) {
    status = GetB64(json, "header", &out.header, crypto::kStreamHeaderBytes,
                    crypto::kStreamHeaderBytes);
  }
  if (status.ok()) status = GetB64(json, "hash", &out.hash, kFileHashBytes, kFileHashBytes);
  if (!status.ok()) return status;
  *ref = std::move(out);
  return Status::OK();
}

EncryptedFile EncryptFile(std::string_view plaintext) {
  EncryptedFile out;
  crypto::Secret key = crypto::Secret::Random(crypto::kKeyBytes);
  crypto::StreamPush stream(key);
  uint64_t chunks = FileChunkCount(plaintext.size());
  for (uint64_t i = 0; i < chunks; ++i) {
    std::string_view chunk = plaintext.substr(
        std::min<size_t>(i * kFileChunkBytes, plaintext.size()), kFileChunkBytes);
    out.chunks.push_back(stream.Push(chunk, i + 1 == chunks));
  }
  out.ref.size = plaintext.size();
  out.ref.key = std::string(key.view());
  out.ref.header = stream.header();
  out.ref.hash = crypto::Hash(plaintext, kFileHashBytes);
  return out;
}

Status DecryptFile(const FileRef& ref, const std::vector<std::string>& chunks,
                   std::string* plaintext) {
  uint64_t expected = FileChunkCount(ref.size);
  if (chunks.size() != expected) {
    return Status::Denied("the file has " + std::to_string(chunks.size()) + " chunks, not " +
                          std::to_string(expected));
  }
  crypto::StreamPull stream;
  if (!stream.Init(crypto::Secret::FromBytes(ref.key), ref.header)) {
    return Status::Denied("bad file key or header");
  }
  std::string out;
  out.reserve(ref.size);
  for (size_t i = 0; i < chunks.size(); ++i) {
    std::string part;
    bool final = false;
    if (!stream.Pull(chunks[i], &part, &final)) {
      return Status::Denied("chunk " + std::to_string(i) + " does not open");
    }
    if (final != (i + 1 == chunks.size())) {
      return Status::Denied("chunk " + std::to_string(i) + " has the wrong tag");
    }
    out += part;
  }
  if (out.size() != ref.size) return Status::Denied("the file has the wrong size");
  if (!crypto::Equal(crypto::Hash(out, kFileHashBytes), ref.hash)) {
    return Status::Denied("the file does not match its hash");
  }
  *plaintext = std::move(out);
  return Status::OK();
}

}  // namespace protocol
}  // namespace foyer
