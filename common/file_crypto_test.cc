// Files (docs/protocol.md §10): tests/vectors/file.json (shared with the web
// client), round trips, sizes, and refusal of every tampered stream.
#include "foyer/file_crypto.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace foyer {
namespace protocol {
namespace {

using nlohmann::json;

class FileCryptoTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::Init()); }
};

json LoadFileVector() {
  std::ifstream file(std::string(FOYER_VECTORS_DIR) + "/file.json");
  EXPECT_TRUE(file) << "cannot read file.json";
  return json::parse(file);
}

std::string B64(const json& value) {
  std::string out;
  EXPECT_TRUE(crypto::FromBase64(value.get<std::string>(), &out)) << value;
  return out;
}

std::string Plaintext(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>(i % 251);
  return out;
}

std::vector<std::string> Chunks(const json& list) {
  std::vector<std::string> out;
  for (const json& chunk : list) out.push_back(B64(chunk));
  return out;
}

TEST_F(FileCryptoTest, Sizes) {
  EXPECT_EQ(FileChunkCount(0), 1u);
  EXPECT_EQ(FileChunkCount(1), 1u);
  EXPECT_EQ(FileChunkCount(65536), 1u);
  EXPECT_EQ(FileChunkCount(65537), 2u);
  EXPECT_EQ(FileChunkCount(kDefaultMaxFileBytes), 320u);
  EXPECT_EQ(FileChunkCipherBytes(0, 0), 17u);
  EXPECT_EQ(FileChunkCipherBytes(0, 1), 0u);
  EXPECT_EQ(FileChunkCipherBytes(65537, 0), 65553u);
  EXPECT_EQ(FileChunkCipherBytes(65537, 1), 18u);
  EXPECT_EQ(FileChunkCipherBytes(65536, 0), 65553u);
}

TEST_F(FileCryptoTest, VectorDecrypts) {
  json vector = LoadFileVector();
  EXPECT_EQ(vector["chunk_bytes"].get<uint64_t>(), kFileChunkBytes);
  for (const char* name : {"two_chunks", "empty"}) {
    const json& c = vector[name];
    FileRef ref;
    ASSERT_TRUE(FileRefFromJson(c["reference"], &ref).ok()) << name;
    EXPECT_EQ(ref.key, B64(vector["key_b64"]));
    EXPECT_EQ(ref.header, B64(c["header_b64"]));
    EXPECT_EQ(ref.size, c["size"].get<uint64_t>());
    std::string plaintext = Plaintext(ref.size);
    EXPECT_EQ(ref.hash, crypto::Hash(plaintext, kFileHashBytes));
    std::vector<std::string> chunks = Chunks(c["chunks_b64"]);
    ASSERT_EQ(chunks.size(), FileChunkCount(ref.size));
    for (size_t i = 0; i < chunks.size(); ++i) {
      EXPECT_EQ(chunks[i].size(), FileChunkCipherBytes(ref.size, i));
    }
    std::string opened;
    ASSERT_TRUE(DecryptFile(ref, chunks, &opened).ok()) << name;
    EXPECT_EQ(opened, plaintext);
    // The message that shares it is a valid file message.
    json message = json::parse(c["message_plaintext"].get<std::string>());
    EXPECT_EQ(message["type"], "file");
    EXPECT_EQ(message["file"], c["reference"]);
  }
}

TEST_F(FileCryptoTest, VectorRefusals) {
  json vector = LoadFileVector();
  const json& c = vector["two_chunks"];
  FileRef good;
  ASSERT_TRUE(FileRefFromJson(c["reference"], &good).ok());
  std::vector<std::string> chunks = Chunks(c["chunks_b64"]);
  ASSERT_EQ(vector["tampered"].size(), 7u);
  for (const json& t : vector["tampered"]) {
    FileRef ref = good;
    std::vector<std::string> list;
    for (const json& index : t["chunks"]) list.push_back(chunks.at(index.get<size_t>()));
    if (t.contains("flip_chunk")) {
      std::string& chunk = list.at(t["flip_chunk"].get<size_t>());
      chunk[t["flip_byte"].get<size_t>()] ^= 1;
    }
    if (t.contains("flip_hash_byte")) ref.hash[t["flip_hash_byte"].get<size_t>()] ^= 1;
    if (t.contains("size")) ref.size = t["size"].get<uint64_t>();
    std::string opened = "untouched";
    Status status = DecryptFile(ref, list, &opened);
    EXPECT_EQ(status.code(), Status::Code::kDenied) << t["case"];
    EXPECT_EQ(opened, "untouched") << t["case"];
  }
  const json& not_final = vector["not_final_stream"];
  FileRef ref;
  ref.key = B64(vector["key_b64"]);
  ref.header = B64(not_final["header_b64"]);
  ref.size = not_final["size"].get<uint64_t>();
  ref.hash = B64(not_final["hash_b64"]);
  std::string opened;
  EXPECT_FALSE(DecryptFile(ref, Chunks(not_final["chunks_b64"]), &opened).ok());
}

TEST_F(FileCryptoTest, RoundTripAndFreshKeys) {
  for (size_t size : {size_t{0}, size_t{5}, size_t{65536}, size_t{65536 * 3 + 7}}) {
    std::string plaintext = Plaintext(size);
    EncryptedFile a = EncryptFile(plaintext);
    EncryptedFile b = EncryptFile(plaintext);
    EXPECT_NE(a.ref.key, b.ref.key);
    EXPECT_EQ(a.chunks.size(), FileChunkCount(size));
    std::string opened;
    ASSERT_TRUE(DecryptFile(a.ref, a.chunks, &opened).ok()) << size;
    EXPECT_EQ(opened, plaintext);
    // Another file's key does not open it.
    FileRef wrong = a.ref;
    wrong.key = b.ref.key;
    EXPECT_FALSE(DecryptFile(wrong, a.chunks, &opened).ok());
  }
}

TEST_F(FileCryptoTest, ReferenceFieldsAreChecked) {
  EncryptedFile file = EncryptFile("hello");
  file.ref.id = std::string(32, 'a');
  file.ref.name = "a.txt";
  file.ref.mime = "text/plain";
  json good = FileRefToJson(file.ref);
  FileRef parsed;
  ASSERT_TRUE(FileRefFromJson(good, &parsed).ok());
  EXPECT_EQ(parsed.key, file.ref.key);
  for (const char* field : {"id", "name", "mime", "size", "key", "header", "hash"}) {
    json missing = good;
    missing.erase(field);
    EXPECT_FALSE(FileRefFromJson(missing, &parsed).ok()) << field;
  }
  json bad = good;
  bad["key"] = crypto::ToBase64(std::string(31, 'k'));
  EXPECT_FALSE(FileRefFromJson(bad, &parsed).ok());
  bad = good;
  bad["name"] = "";
  EXPECT_FALSE(FileRefFromJson(bad, &parsed).ok());
  bad = good;
  bad["id"] = "ABC";
  EXPECT_FALSE(FileRefFromJson(bad, &parsed).ok());
}

}  // namespace
}  // namespace protocol
}  // namespace foyer
