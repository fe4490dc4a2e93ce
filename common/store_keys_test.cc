// Store: master key file, passphrase mode, refusals at open.
#include <leveldb/db.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "foyer/crypto.h"
#include "foyer/store.h"
#include "gtest/gtest.h"
#include "store_test_util.h"

namespace foyer {
namespace {

using testing_util::OptionsFor;
using testing_util::PermissionBits;
using testing_util::ReadBytes;
using testing_util::TempDir;
using testing_util::WriteBytes;

bool IsLowerHex(const std::string& text) {
  return text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Makes a store with one record, closes it, and returns its household id.
std::string MakeStore(const StoreOptions& options) {
  std::unique_ptr<Store> store;
  Status s = Store::Open(options, &store);
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) return std::string();
  EXPECT_TRUE(store->created());
  EXPECT_TRUE(store->Put("greeting", "hello").ok());
  return store->household_id();
}

TEST(StoreKeysTest, CreatesDirectoryAndKeyFileWithPrivateModes) {
  TempDir temp;
  std::string data_dir = temp.Sub("nested/data");
  MakeStore(OptionsFor(data_dir));
  EXPECT_EQ(PermissionBits(data_dir), 0700u);
  std::string key_file = data_dir + "/master.key";
  EXPECT_EQ(PermissionBits(key_file), 0600u);
  std::string text = ReadBytes(key_file);
  ASSERT_EQ(text.size(), 65u);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_TRUE(IsLowerHex(text.substr(0, 64)));
  // No temporary file is left behind.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 2);  // db/ and master.key
}

TEST(StoreKeysTest, UsesAnExistingKeyFileAtCreationAndReopens) {
  TempDir temp;
  std::string key_file = temp.Sub("given.key");
  std::string hex = crypto::ToHex(crypto::RandomBytes(32));
  WriteBytes(key_file, hex, 0600);  // no newline: accepted too
  StoreOptions options = OptionsFor(temp.Sub("data"));
  options.key_file = key_file;
  std::string household = MakeStore(options);
  EXPECT_EQ(ReadBytes(key_file), hex);
  EXPECT_FALSE(std::filesystem::exists(temp.Sub("data/master.key")));

  std::unique_ptr<Store> store;
  ASSERT_TRUE(Store::Open(options, &store).ok());
  EXPECT_FALSE(store->created());
  EXPECT_EQ(store->household_id(), household);
}

TEST(StoreKeysTest, WrongKeyFileIsDeniedAndChangesNothing) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.Sub("data"));
  std::string household = MakeStore(options);
  std::string right_key = ReadBytes(temp.Sub("data/master.key"));

  std::string wrong_file = temp.Sub("wrong.key");
  WriteBytes(wrong_file, crypto::ToHex(crypto::RandomBytes(32)) + "\n", 0600);
  StoreOptions wrong = options;
  wrong.key_file = wrong_file;
  std::unique_ptr<Store> store;
  Status s = Store::Open(wrong, &store);
  EXPECT_EQ(s.code(), Status::Code::kDenied) << s.ToString();
  EXPECT_EQ(s.message(), "the master key does not open this store (wrong key file or passphrase)");
  EXPECT_EQ(store, nullptr);

  // The right key still opens the same store with the same contents.
  EXPECT_EQ(ReadBytes(temp.Sub("data/master.key")), right_key);
  ASSERT_TRUE(Store::Open(options, &store).ok());
  EXPECT_FALSE(store->created());
  EXPECT_EQ(store->household_id(), household);
  std::string value;
  ASSERT_TRUE(store->Get("greeting", &value).ok());
  EXPECT_EQ(value, "hello");
}

TEST(StoreKeysTest, MissingKeyFileOfAnExistingStoreIsNotRecreated) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.Sub("data"));
  MakeStore(options);
  std::string key_file = temp.Sub("data/master.key");
  ASSERT_TRUE(std::filesystem::remove(key_file));
  std::unique_ptr<Store> store;
  Status s = Store::Open(options, &store);
  EXPECT_EQ(s.code(), Status::Code::kNotFound) << s.ToString();
  EXPECT_FALSE(std::filesystem::exists(key_file));
}

TEST(StoreKeysTest, MalformedKeyFilesAreRefused) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.Sub("data"));
  MakeStore(options);
  std::string key_file = temp.Sub("data/master.key");
  std::string good = ReadBytes(key_file);
  const std::string tampered[] = {
      good.substr(0, 63) + "\n",    // one character short
      good.substr(0, 64) + "0\n",   // one character long
      "zz" + good.substr(2),        // not hex
      good.substr(0, 64) + "\n\n",  // two newlines
      "",                           // empty
  };
  for (const std::string& text : tampered) {
    WriteBytes(key_file, text, 0600);
    std::unique_ptr<Store> store;
    Status s = Store::Open(options, &store);
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
    EXPECT_NE(s.message().find("malformed"), std::string::npos) << s.message();
    // The message never repeats the file's contents.
    if (text.size() > 8) {
      EXPECT_EQ(s.message().find(text.substr(2, 8)), std::string::npos);
    }
  }
  // A malformed key file given at creation is refused too, and kept as is.
  TempDir other;
  std::string bad_file = other.Sub("bad.key");
  WriteBytes(bad_file, "not a key\n", 0600);
  StoreOptions fresh = OptionsFor(other.Sub("data"));
  fresh.key_file = bad_file;
  std::unique_ptr<Store> store;
  EXPECT_EQ(Store::Open(fresh, &store).code(), Status::Code::kInvalid);
  EXPECT_EQ(ReadBytes(bad_file), "not a key\n");
}

TEST(StoreKeysTest, KeyFileReadableByOthersIsRefused) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.Sub("data"));
  MakeStore(options);
  std::string key_file = temp.Sub("data/master.key");
  for (mode_t mode : {0640, 0604, 0660}) {
    ASSERT_EQ(::chmod(key_file.c_str(), mode), 0);
    std::unique_ptr<Store> store;
    Status s = Store::Open(options, &store);
    EXPECT_EQ(s.code(), Status::Code::kDenied) << s.ToString();
    EXPECT_NE(s.message().find("chmod 600"), std::string::npos) << s.message();
  }
  ASSERT_EQ(::chmod(key_file.c_str(), 0400), 0);
  std::unique_ptr<Store> store;
  EXPECT_TRUE(Store::Open(options, &store).ok());
}

TEST(StoreKeysTest, PassphraseRoundTripAndWrongPassphrase) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.Sub("data"));
  options.passphrase = "correct horse battery staple";
  std::string household = MakeStore(options);  // Argon2id #1
  EXPECT_FALSE(std::filesystem::exists(temp.Sub("data/master.key")));

  std::unique_ptr<Store> store;
  Status s = Store::Open(options, &store);  // #2
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_FALSE(store->created());
  EXPECT_EQ(store->household_id(), household);
  std::string value;
  ASSERT_TRUE(store->Get("greeting", &value).ok());
  EXPECT_EQ(value, "hello");
  store.reset();

  StoreOptions wrong = options;
  wrong.passphrase = "correct horse battery stapler";
  s = Store::Open(wrong, &store);  // #3
  EXPECT_EQ(s.code(), Status::Code::kDenied) << s.ToString();
  EXPECT_EQ(store, nullptr);

  // A passphrase store opened without the passphrase (no Argon2id needed).
  StoreOptions by_file = options;
  by_file.passphrase.clear();
  s = Store::Open(by_file, &store);
  EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
  EXPECT_NE(s.message().find("created with a passphrase"), std::string::npos) << s.message();
  EXPECT_FALSE(std::filesystem::exists(temp.Sub("data/master.key")));
}

TEST(StoreKeysTest, KeyFileStoreOpenedWithAPassphraseIsRefused) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.Sub("data"));
  MakeStore(options);
  options.passphrase = "anything";
  std::unique_ptr<Store> store;
  Status s = Store::Open(options, &store);
  EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
  EXPECT_NE(s.message().find("created with a key file"), std::string::npos) << s.message();
}

TEST(StoreKeysTest, MustExistOnAnEmptyDirectoryIsRefused) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.path());
  options.must_exist = true;
  std::unique_ptr<Store> store;
  Status s = Store::Open(options, &store);
  EXPECT_EQ(s.code(), Status::Code::kNotFound) << s.ToString();
  EXPECT_EQ(store, nullptr);
  EXPECT_TRUE(std::filesystem::is_empty(temp.path()));

  // Once made, must_exist opens it.
  options.must_exist = false;
  MakeStore(options);
  options.must_exist = true;
  EXPECT_TRUE(Store::Open(options, &store).ok());
}

// Replaces (or, with an empty `record`, deletes) the store's key header.
void RewriteHeader(const std::string& db_dir, const std::string& record) {
  leveldb::DB* raw = nullptr;
  ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), db_dir, &raw).ok());
  std::unique_ptr<leveldb::DB> db(raw);
  const std::string key("\0header", 7);
  leveldb::Status s = record.empty() ? db->Delete(leveldb::WriteOptions(), key)
                                     : db->Put(leveldb::WriteOptions(), key, record);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

std::string ReadHeader(const std::string& db_dir) {
  leveldb::DB* raw = nullptr;
  EXPECT_TRUE(leveldb::DB::Open(leveldb::Options(), db_dir, &raw).ok());
  std::unique_ptr<leveldb::DB> db(raw);
  std::string record;
  EXPECT_TRUE(db->Get(leveldb::ReadOptions(), std::string("\0header", 7), &record).ok());
  return record;
}

TEST(StoreKeysTest, DamagedHeaderIsRefused) {
  TempDir temp;
  StoreOptions options = OptionsFor(temp.Sub("data"));
  MakeStore(options);
  std::string db_dir = temp.Sub("data/db");
  std::string header = ReadHeader(db_dir);
  ASSERT_NE(header.find("\"keyfile\""), std::string::npos) << header;

  // A flipped bit of the wrapped data key: the master key no longer opens it.
  std::string flipped = header;
  size_t ct = flipped.find("\"ct\":\"");
  ASSERT_NE(ct, std::string::npos);
  char& digit = flipped[ct + 6];
  digit = digit == '0' ? '1' : '0';
  RewriteHeader(db_dir, flipped);
  std::unique_ptr<Store> store;
  EXPECT_EQ(Store::Open(options, &store).code(), Status::Code::kDenied);

  RewriteHeader(db_dir, "{\"version\":2}");
  EXPECT_EQ(Store::Open(options, &store).code(), Status::Code::kCorruption);
  RewriteHeader(db_dir, "");  // records left, header gone: never made anew
  EXPECT_EQ(Store::Open(options, &store).code(), Status::Code::kCorruption);

  RewriteHeader(db_dir, header);
  EXPECT_TRUE(Store::Open(options, &store).ok());
}

TEST(StoreKeysTest, DataDirectoryThatIsAFileIsRefused) {
  TempDir temp;
  std::string not_a_dir = temp.Sub("file");
  WriteBytes(not_a_dir, "x", 0600);
  std::unique_ptr<Store> store;
  Status s = Store::Open(OptionsFor(not_a_dir), &store);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a directory"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace foyer
