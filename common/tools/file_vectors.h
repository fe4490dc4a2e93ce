// file.json of foyer-make-vectors: chunked file encryption (protocol.md §10).
// crypto_secretstream draws its header at random: an existing file.json whose
// chunks still decrypt to the same plaintexts under the fixed keys is kept, so
// that a re-run changes nothing.
#ifndef FOYER_COMMON_TOOLS_FILE_VECTORS_H_
#define FOYER_COMMON_TOOLS_FILE_VECTORS_H_

#include <fstream>
#include <string>
#include <vector>

#include "foyer/file_crypto.h"
#include "vector_inputs.h"

namespace foyer {
namespace vectors {

inline const std::string kFileKey = Bytes(0x0a, 32);
inline const std::string kFileIdHex = crypto::ToHex(Sequence(0xf0, 16));

// Plaintext of `size` bytes: byte i = i mod 251.
inline std::string FilePlaintext(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>(i % 251);
  return out;
}

// Encrypts `plaintext` under kFileKey, each chunk tagged FINAL or not as `finals` says
// (default: only the last).
inline void EncryptWithFileKey(const std::string& plaintext, std::vector<bool> finals,
                               std::string* header, std::vector<std::string>* chunks) {
  crypto::StreamPush stream(crypto::Secret::FromBytes(kFileKey));
  uint64_t count = p::FileChunkCount(plaintext.size());
  if (finals.empty()) {
    finals.assign(count, false);
    finals.back() = true;
  }
  for (uint64_t i = 0; i < count; ++i) {
    size_t start = std::min<size_t>(i * p::kFileChunkBytes, plaintext.size());
    chunks->push_back(stream.Push(std::string_view(plaintext).substr(start, p::kFileChunkBytes),
                                  finals[i]));
  }
  *header = stream.header();
}

// A case of an earlier run, if its chunks still decrypt to `plaintext`.
inline bool PreviousFileCase(const Json& old, const std::string& name,
                             const std::string& plaintext, std::string* header,
                             std::vector<std::string>* chunks) {
  if (!old.is_object() || !old.contains(name)) return false;
  const Json& c = old[name];
  if (!c.is_object() || !c.contains("header_b64") || !c.contains("chunks_b64")) return false;
  p::FileRef ref;
  ref.key = kFileKey;
  ref.size = plaintext.size();
  ref.hash = crypto::Hash(plaintext, p::kFileHashBytes);
  std::vector<std::string> raw;
  try {
    if (!crypto::FromBase64(c["header_b64"].get<std::string>(), &ref.header)) return false;
    for (const Json& chunk : c["chunks_b64"]) {
      std::string bytes;
      if (!crypto::FromBase64(chunk.get<std::string>(), &bytes)) return false;
      raw.push_back(std::move(bytes));
    }
  } catch (const std::exception&) {
    return false;
  }
  std::string opened;
  if (!p::DecryptFile(ref, raw, &opened).ok()) return false;
  *header = ref.header;
  *chunks = std::move(raw);
  return true;
}

inline Json FileCase(const Json& old, const std::string& name, size_t size, const char* mime) {
  std::string plaintext = FilePlaintext(size);
  std::string header;
  std::vector<std::string> chunks;
  if (!PreviousFileCase(old, name, plaintext, &header, &chunks)) {
    EncryptWithFileKey(plaintext, {}, &header, &chunks);
  }
  p::FileRef ref;
  ref.id = kFileIdHex;
  ref.name = name == "two_chunks" ? u8"Été à la plage 🌞.bin" : "empty.txt";
  ref.mime = mime;
  ref.size = size;
  ref.key = kFileKey;
  ref.header = header;
  ref.hash = crypto::Hash(plaintext, p::kFileHashBytes);
  Json chunks_json = Json::array();
  for (const std::string& chunk : chunks) chunks_json.push_back(B64(chunk));
  Json reference = Json::parse(p::FileRefToJson(ref).dump());
  Json message = {{"type", "file"}, {"file", reference}};
  return {{"size", size},
          {"header_b64", B64(header)},
          {"chunks_b64", chunks_json},
          {"hash_b64", B64(ref.hash)},
          {"reference", reference},
          {"message_plaintext", message.dump()}};
}

inline Json FileVectors(const std::string& dir) {
  Json old;
  std::ifstream in(dir + "/file.json");
  if (in) old = Json::parse(in, nullptr, false);
  Json two = FileCase(old, "two_chunks", p::kFileChunkBytes + 100, "application/octet-stream");
  Json empty = FileCase(old, "empty", 0, "text/plain");

  // The last (only) chunk of a small file without the FINAL tag: a truncated stream.
  std::string small = FilePlaintext(10);
  std::string header;
  std::vector<std::string> chunks;
  {
    bool kept = false;  // DecryptFile refuses this case: check the old one by hand
    if (old.is_object() && old.contains("not_final_stream")) {
      std::string old_header, old_chunk;
      const Json& c = old["not_final_stream"];
      if (c.contains("header_b64") && c.contains("chunks_b64") && c["chunks_b64"].size() == 1 &&
          crypto::FromBase64(c["header_b64"].get<std::string>(), &old_header) &&
          crypto::FromBase64(c["chunks_b64"][0].get<std::string>(), &old_chunk)) {
        crypto::StreamPull pull;
        std::string opened;
        bool final = true;
        if (pull.Init(crypto::Secret::FromBytes(kFileKey), old_header) &&
            pull.Pull(old_chunk, &opened, &final) && !final && opened == small) {
          header = old_header;
          chunks = {old_chunk};
          kept = true;
        }
      }
    }
    if (!kept) {
      chunks.clear();
      EncryptWithFileKey(small, {false}, &header, &chunks);
    }
  }
  Json not_final = {{"size", small.size()},
                    {"header_b64", B64(header)},
                    {"chunks_b64", Json::array({B64(chunks[0])})},
                    {"hash_b64", B64(crypto::Hash(small, p::kFileHashBytes))}};

  Json tampered = Json::array();
  tampered.push_back({{"case", "chunks reordered"}, {"chunks", {1, 0}}});
  tampered.push_back({{"case", "last chunk dropped"}, {"chunks", {0}}});
  tampered.push_back({{"case", "chunk repeated"}, {"chunks", {0, 0}}});
  tampered.push_back({{"case", "extra chunk"}, {"chunks", {0, 1, 1}}});
  tampered.push_back({{"case", "byte flipped in chunk 1"}, {"chunks", {0, 1}},
                      {"flip_chunk", 1}, {"flip_byte", 5}});
  tampered.push_back({{"case", "wrong hash"}, {"chunks", {0, 1}}, {"flip_hash_byte", 0}});
  tampered.push_back({{"case", "wrong size"}, {"chunks", {0, 1}}, {"size", p::kFileChunkBytes + 99}});

  return {{"description",
           "Files (protocol.md §10). key_b64 is the file key of every case; plaintext byte i = "
           "i mod 251 (size bytes). header_b64, chunks_b64 = crypto_secretstream_xchacha20poly1305 "
           "(init_push's header is random: these decrypt with key_b64), 65536 plaintext bytes "
           "per chunk, only the last tagged FINAL; hash = BLAKE2b-32 of the plaintext. "
           "'reference' is the file reference of a message and 'message_plaintext' a message "
           "sharing it. 'not_final_stream' must be refused (its only chunk is not FINAL). "
           "'tampered' lists changes to two_chunks (chunks by index, a flipped byte, a changed "
           "hash or size) that a receiver must refuse."},
          {"key_b64", B64(kFileKey)},
          {"chunk_bytes", p::kFileChunkBytes},
          {"two_chunks", two},
          {"empty", empty},
          {"not_final_stream", not_final},
          {"tampered", tampered}};
}

}  // namespace vectors
}  // namespace foyer

#endif  // FOYER_COMMON_TOOLS_FILE_VECTORS_H_
