// file_begin / file_put / file_end / file_abort / file_get (protocol.md §10).
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "foyer/file_crypto.h"
#include "plugin_test_util.h"

namespace foyer {
namespace plugin {
namespace {

using testing::Json;

class FilesTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    options_.max_file_bytes = 200000;
    options_.file_quota_bytes = 500000;
    Open();
    admin_ = &Admin();
    bob_ = &AddUser("bob");
    carol_ = &AddUser("carol");
    conv_ = CreateConv(*bob_, {"bob", "admin"});
  }

  // Uploads `plaintext` as `user` into `conv`; returns the file id ("" on failure).
  std::string Upload(testing::TestUser& user, const std::string& conv,
                     const std::string& plaintext, protocol::EncryptedFile* out = nullptr) {
    protocol::EncryptedFile file = protocol::EncryptFile(plaintext);
    Json begin = Request(user, Json{{"op", "file_begin"}, {"conv", conv},
                                    {"size", plaintext.size()}});
    if (begin["ok"] != true) return "";
    std::string id = begin["file"];
    EXPECT_EQ(begin["chunks"], file.chunks.size());
    EXPECT_EQ(begin["chunk_bytes"], 65536);
    for (size_t i = 0; i < file.chunks.size(); ++i) {
      Json put = Request(user, Json{{"op", "file_put"}, {"file", id}, {"index", i},
                                    {"data", crypto::ToBase64(file.chunks[i])}});
      EXPECT_EQ(put["ok"], true) << put.dump();
    }
    Json end = Request(user, Json{{"op", "file_end"}, {"file", id}});
    EXPECT_EQ(end["ok"], true) << end.dump();
    file.ref.id = id;
    if (out) *out = std::move(file);
    return id;
  }

  // Fetches every chunk as `user`; false when any request is refused.
  bool Fetch(testing::TestUser& user, const std::string& conv, const std::string& id,
             std::vector<std::string>* chunks, std::string* error = nullptr) {
    chunks->clear();
    for (uint64_t i = 0;; ++i) {
      Json got = Request(user, Json{{"op", "file_get"}, {"conv", conv}, {"file", id},
                                    {"index", i}});
      if (got["ok"] != true) {
        if (error) *error = got.value("error", "");
        return false;
      }
      std::string data;
      EXPECT_TRUE(crypto::FromBase64(got["data"].get<std::string>(), &data));
      chunks->push_back(data);
      if (i + 1 == got["chunks"].get<uint64_t>()) return true;
    }
  }

  std::string Plain(size_t size) {
    std::string out(size, '\0');
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + i % 26);
    return out;
  }

  testing::TestUser* admin_;
  testing::TestUser* bob_;
  testing::TestUser* carol_;
  std::string conv_;
};

TEST_F(FilesTest, MemberUploadsAnotherMemberFetches) {
  std::string plaintext = Plain(150000);  // 3 chunks
  protocol::EncryptedFile file;
  std::string id = Upload(*bob_, conv_, plaintext, &file);
  ASSERT_FALSE(id.empty());
  std::vector<std::string> chunks;
  ASSERT_TRUE(Fetch(*admin_, conv_, id, &chunks));
  EXPECT_EQ(chunks, file.chunks);
  std::string opened;
  ASSERT_TRUE(protocol::DecryptFile(file.ref, chunks, &opened).ok());
  EXPECT_EQ(opened, plaintext);
}

TEST_F(FilesTest, EmptyFile) {
  protocol::EncryptedFile file;
  std::string id = Upload(*bob_, conv_, "", &file);
  ASSERT_FALSE(id.empty());
  std::vector<std::string> chunks;
  ASSERT_TRUE(Fetch(*admin_, conv_, id, &chunks));
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].size(), 17u);
}

TEST_F(FilesTest, OnlyCurrentMembers) {
  std::string id = Upload(*bob_, conv_, Plain(1000));
  ASSERT_FALSE(id.empty());
  std::vector<std::string> chunks;
  std::string error;
  EXPECT_FALSE(Fetch(*carol_, conv_, id, &chunks, &error));
  EXPECT_EQ(error, "denied");
  // Carol's own conversation does not give her bob's file either.
  std::string other = CreateConv(*carol_, {"carol"});
  EXPECT_FALSE(Fetch(*carol_, other, id, &chunks, &error));
  EXPECT_EQ(error, "not_found");
  // Nor can she upload into bob's conversation.
  Json begin = Request(*carol_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 10}});
  EXPECT_EQ(begin["error"], "denied");
  // A removed member loses access at once.
  Json removed = Request(*bob_, Json{{"op", "conv_remove"}, {"conv", conv_}, {"user", "admin"},
                                     {"keys", Keys(*bob_, conv_, 2, {"bob"})},
                                     {"title", Title(conv_, 2)}});
  ASSERT_EQ(removed["ok"], true) << removed.dump();
  EXPECT_FALSE(Fetch(*admin_, conv_, id, &chunks, &error));
  EXPECT_EQ(error, "denied");
  EXPECT_TRUE(Fetch(*bob_, conv_, id, &chunks));
}

TEST_F(FilesTest, SizeLimitAndQuota) {
  Json begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 200001}});
  EXPECT_EQ(begin["error"], "limit");
  EXPECT_NE(begin["message"].get<std::string>().find("200000"), std::string::npos);
  ASSERT_FALSE(Upload(*bob_, conv_, Plain(200000)).empty());
  ASSERT_FALSE(Upload(*bob_, conv_, Plain(200000)).empty());
  // 400000 used of 500000.
  begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 100001}});
  EXPECT_EQ(begin["error"], "limit");
  begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 100000}});
  EXPECT_EQ(begin["ok"], true);
  // The quota is per account.
  begin = Request(*admin_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 200000}});
  EXPECT_EQ(begin["ok"], true);
}

TEST_F(FilesTest, ChunksAreChecked) {
  protocol::EncryptedFile file = protocol::EncryptFile(Plain(70000));  // 65536 + 4464
  Json begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 70000}});
  ASSERT_EQ(begin["ok"], true);
  std::string id = begin["file"];
  auto put = [&](uint64_t index, const std::string& data) {
    return Request(*bob_, Json{{"op", "file_put"}, {"file", id}, {"index", index},
                               {"data", crypto::ToBase64(data)}});
  };
  // Wrong length, wrong index, not base64, another account.
  EXPECT_EQ(put(0, file.chunks[1])["error"], "invalid");
  EXPECT_EQ(put(0, file.chunks[0] + "x")["error"], "invalid");
  EXPECT_EQ(put(2, file.chunks[1])["error"], "invalid");
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_put"}, {"file", id}, {"index", 0},
                                {"data", "not base64!"}})["error"],
            "invalid");
  EXPECT_EQ(Request(*admin_, Json{{"op", "file_put"}, {"file", id}, {"index", 1},
                                  {"data", crypto::ToBase64(file.chunks[1])}})["error"],
            "denied");
  EXPECT_EQ(put(1, file.chunks[1])["received"], 1);
  // Not complete yet: file_end names the missing chunk, file_get finds nothing.
  Json end = Request(*bob_, Json{{"op", "file_end"}, {"file", id}});
  EXPECT_EQ(end["error"], "invalid");
  EXPECT_NE(end["message"].get<std::string>().find("chunk 0"), std::string::npos);
  EXPECT_EQ(Request(*admin_, Json{{"op", "file_get"}, {"conv", conv_}, {"file", id},
                                  {"index", 1}})["error"],
            "not_found");
  EXPECT_EQ(put(0, file.chunks[0])["received"], 2);
  EXPECT_EQ(put(0, file.chunks[0])["received"], 2);  // a retry replaces it
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_end"}, {"file", id}})["ok"], true);
  // Finished: no more puts.
  EXPECT_EQ(put(0, file.chunks[0])["error"], "conflict");
  EXPECT_EQ(Request(*admin_, Json{{"op", "file_get"}, {"conv", conv_}, {"file", id},
                                  {"index", 2}})["error"],
            "invalid");
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_put"}, {"file", "0123"}, {"index", 0},
                                {"data", ""}})["error"],
            "invalid");
}

TEST_F(FilesTest, AbortAndExpiry) {
  Json begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 10}});
  std::string id = begin["file"];
  EXPECT_EQ(Request(*admin_, Json{{"op", "file_abort"}, {"file", id}})["error"], "denied");
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_abort"}, {"file", id}})["ok"], true);
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_end"}, {"file", id}})["error"], "not_found");

  // At most 4 uploads at a time.
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 10}});
    ASSERT_EQ(begin["ok"], true);
    ids.push_back(begin["file"]);
  }
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 10}})["error"],
            "limit");
  // Idle uploads go away after the timeout, with their chunks.
  protocol::EncryptedFile file = protocol::EncryptFile(Plain(10));
  ASSERT_EQ(Request(*bob_, Json{{"op", "file_put"}, {"file", ids[0]}, {"index", 0},
                                {"data", crypto::ToBase64(file.chunks[0])}})["ok"],
            true);
  now_ += options_.file_upload_timeout_s * 1000 + 1;
  begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 10}});
  EXPECT_EQ(begin["ok"], true);
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_end"}, {"file", ids[0]}})["error"], "not_found");
  int file_records = 0, chunk_records = 0;
  server_->store().ScanKeys("f", [&](std::string_view) { return ++file_records, true; });
  server_->store().ScanKeys("g", [&](std::string_view) { return ++chunk_records, true; });
  EXPECT_EQ(file_records, 1);
  EXPECT_EQ(chunk_records, 0);
}

TEST_F(FilesTest, SurvivesARestart) {
  protocol::EncryptedFile file;
  std::string id = Upload(*bob_, conv_, Plain(100000), &file);
  // A pending upload with one of its two chunks keeps it across the restart.
  protocol::EncryptedFile pending = protocol::EncryptFile(Plain(70000));
  Json begin = Request(*bob_, Json{{"op", "file_begin"}, {"conv", conv_}, {"size", 70000}});
  std::string pending_id = begin["file"];
  ASSERT_EQ(Request(*bob_, Json{{"op", "file_put"}, {"file", pending_id}, {"index", 1},
                                {"data", crypto::ToBase64(pending.chunks[1])}})["ok"],
            true);
  Reopen();
  ASSERT_TRUE(Login(*bob_));
  ASSERT_TRUE(Login(*admin_));
  std::vector<std::string> chunks;
  ASSERT_TRUE(Fetch(*admin_, conv_, id, &chunks));
  EXPECT_EQ(chunks, file.chunks);
  Json end = Request(*bob_, Json{{"op", "file_end"}, {"file", pending_id}});
  EXPECT_NE(end["message"].get<std::string>().find("chunk 0"), std::string::npos);
  ASSERT_EQ(Request(*bob_, Json{{"op", "file_put"}, {"file", pending_id}, {"index", 0},
                                {"data", crypto::ToBase64(pending.chunks[0])}})["ok"],
            true);
  EXPECT_EQ(Request(*bob_, Json{{"op", "file_end"}, {"file", pending_id}})["ok"], true);
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
