// Store: records, sealing, scans, keyed hashes, durability.
#include "foyer/store.h"

#include <leveldb/db.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "store_test_util.h"

namespace foyer {
namespace {

using testing_util::OptionsFor;
using testing_util::ReadBytes;
using testing_util::TempDir;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    Status s = Store::Open(OptionsFor(dir_.path()), &store_);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::vector<std::string> ScanKeys(std::string_view prefix, std::string_view start, bool reverse,
                                    size_t limit = 100) {
    std::vector<std::string> keys;
    Status s =
        store_->Scan(prefix, start, reverse, [&](std::string_view key, std::string_view value) {
          EXPECT_EQ(value, "v:" + std::string(key));
          keys.emplace_back(key);
          return keys.size() < limit;
        });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return keys;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

using Keys = std::vector<std::string>;

TEST_F(StoreTest, CreateReopenRoundTrip) {
  EXPECT_TRUE(store_->created());
  std::string household = store_->household_id();
  EXPECT_EQ(household.size(), 16u);
  std::string binary("\x01\x00\xff value", 9);
  ASSERT_TRUE(store_->Put("a", "first").ok());
  ASSERT_TRUE(store_->Put("b", binary).ok());
  ASSERT_TRUE(store_->Put("c", "").ok());
  ASSERT_TRUE(store_->Put("a", "second").ok());  // overwrite

  Open();
  EXPECT_FALSE(store_->created());
  EXPECT_EQ(store_->household_id(), household);
  std::string value;
  ASSERT_TRUE(store_->Get("a", &value).ok());
  EXPECT_EQ(value, "second");
  ASSERT_TRUE(store_->Get("b", &value).ok());
  EXPECT_EQ(value, binary);
  ASSERT_TRUE(store_->Get("c", &value).ok());
  EXPECT_EQ(value, "");
  EXPECT_EQ(store_->Get("d", &value).code(), Status::Code::kNotFound);
  EXPECT_GT(store_->DiskBytes(), 0u);
}

TEST_F(StoreTest, MovedOrDamagedValueDoesNotOpen) {
  ASSERT_TRUE(store_->Put("alice", "alice's secret").ok());
  ASSERT_TRUE(store_->Put("bob", "bob's secret").ok());
  store_.reset();
  {
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), dir_.Sub("db"), &raw).ok());
    std::unique_ptr<leveldb::DB> db(raw);
    std::string sealed;
    ASSERT_TRUE(db->Get(leveldb::ReadOptions(), "alice", &sealed).ok());
    EXPECT_EQ(sealed.find("secret"), std::string::npos);
    ASSERT_TRUE(db->Put(leveldb::WriteOptions(), "bob", sealed).ok());  // moved
    sealed[sealed.size() / 2] ^= 0x01;
    ASSERT_TRUE(db->Put(leveldb::WriteOptions(), "carol", sealed).ok());  // moved and damaged
    ASSERT_TRUE(db->Put(leveldb::WriteOptions(), "dave", "short").ok());  // too short
  }
  Open();
  std::string value;
  ASSERT_TRUE(store_->Get("alice", &value).ok());
  EXPECT_EQ(value, "alice's secret");
  for (const char* key : {"bob", "carol", "dave"}) {
    Status s = store_->Get(key, &value);
    EXPECT_EQ(s.code(), Status::Code::kCorruption) << key << ": " << s.ToString();
    EXPECT_EQ(s.message().find(key), std::string::npos);
  }
  Status s = store_->Scan("", "", false, [](std::string_view, std::string_view) { return true; });
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
}

TEST_F(StoreTest, BatchIsAppliedWhole) {
  ASSERT_TRUE(store_->Put("old", "v:old").ok());
  WriteBatch batch;
  batch.Put("x/1", "v:x/1");
  batch.Put("x/2", "v:x/2");
  batch.Delete("old");
  batch.Put("x/3", "v:x/3");
  ASSERT_TRUE(store_->Write(batch).ok());
  EXPECT_EQ(ScanKeys("", "", false), (Keys{"x/1", "x/2", "x/3"}));

  // One bad key: nothing of the batch is applied.
  WriteBatch bad;
  bad.Put("y/1", "v:y/1");
  bad.Delete("x/1");
  bad.Put(std::string("\0y", 2), "v");
  EXPECT_EQ(store_->Write(bad).code(), Status::Code::kInvalid);
  EXPECT_EQ(ScanKeys("", "", false), (Keys{"x/1", "x/2", "x/3"}));
  EXPECT_TRUE(store_->Write(WriteBatch()).ok());
}

TEST_F(StoreTest, ScanForwardAndReverseWithStartAndPrefixBounds) {
  const std::string high("a\xff", 2);
  const std::string higher("a\xff\xff", 3);
  for (const std::string& key :
       {std::string("a"), std::string("a/1"), std::string("a/2"), std::string("a/3"),
        std::string("a0"), high, higher, std::string("b"), std::string("b/1")}) {
    ASSERT_TRUE(store_->Put(key, "v:" + key).ok());
  }
  EXPECT_EQ(ScanKeys("a/", "", false), (Keys{"a/1", "a/2", "a/3"}));
  EXPECT_EQ(ScanKeys("a/", "", true), (Keys{"a/3", "a/2", "a/1"}));
  EXPECT_EQ(ScanKeys("a/", "a/2", false), (Keys{"a/2", "a/3"}));
  EXPECT_EQ(ScanKeys("a/", "a/2", true), (Keys{"a/2", "a/1"}));
  EXPECT_EQ(ScanKeys("a/", "a/25", false), (Keys{"a/3"}));  // start between keys
  EXPECT_EQ(ScanKeys("a/", "a/25", true), (Keys{"a/2", "a/1"}));
  EXPECT_EQ(ScanKeys("a/", "a/9", true), (Keys{"a/3", "a/2", "a/1"}));
  EXPECT_EQ(ScanKeys("a/", "a/0", true), Keys{});
  EXPECT_EQ(ScanKeys("a/", "a", false), (Keys{"a/1", "a/2", "a/3"}));  // start before prefix
  EXPECT_EQ(ScanKeys("a/", "a", true), Keys{});
  EXPECT_EQ(ScanKeys("a/", "b", false), Keys{});  // start after prefix
  EXPECT_EQ(ScanKeys("a/", "b", true), (Keys{"a/3", "a/2", "a/1"}));
  EXPECT_EQ(ScanKeys("a/", "", true, 2), (Keys{"a/3", "a/2"}));  // visitor stops
  // Prefixes ending in 0xff: the successor is computed past them.
  EXPECT_EQ(ScanKeys(high, "", false), (Keys{high, higher}));
  EXPECT_EQ(ScanKeys(high, "", true), (Keys{higher, high}));
  EXPECT_EQ(ScanKeys("b", "", true), (Keys{"b/1", "b"}));
  EXPECT_EQ(ScanKeys("c", "", true), Keys{});
  EXPECT_EQ(ScanKeys("c", "", false), Keys{});
  // Empty prefix: every caller record, never the store's reserved ones.
  Keys all{"a", "a/1", "a/2", "a/3", "a0", high, higher, "b", "b/1"};
  EXPECT_EQ(ScanKeys("", "", false), all);
  Keys reversed(all.rbegin(), all.rend());
  EXPECT_EQ(ScanKeys("", "", true), reversed);
  EXPECT_EQ(ScanKeys("", "a0", true), (Keys{"a0", "a/3", "a/2", "a/1", "a"}));

  Keys counted;
  ASSERT_TRUE(store_
                  ->ScanKeys("a",
                             [&](std::string_view key) {
                               counted.emplace_back(key);
                               return true;
                             })
                  .ok());
  EXPECT_EQ(counted, (Keys{"a", "a/1", "a/2", "a/3", "a0", high, higher}));
  size_t total = 0;
  ASSERT_TRUE(store_->ScanKeys("", [&](std::string_view) { return ++total < 3; }).ok());
  EXPECT_EQ(total, 3u);
}

TEST_F(StoreTest, ReservedKeysAreRefused) {
  const std::string reserved("\0header", 7);
  std::string value;
  EXPECT_EQ(store_->Put(reserved, "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(store_->Put(std::string("\0", 1), "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(store_->Put("", "x").code(), Status::Code::kInvalid);
  EXPECT_EQ(store_->Get(reserved, &value).code(), Status::Code::kInvalid);
  WriteBatch batch;
  batch.Delete(reserved);
  EXPECT_EQ(store_->Write(batch).code(), Status::Code::kInvalid);
  auto visit = [](std::string_view, std::string_view) { return true; };
  EXPECT_EQ(store_->Scan(std::string("\0", 1), "", false, visit).code(), Status::Code::kInvalid);
  EXPECT_EQ(store_->ScanKeys(std::string("\0", 1), [](std::string_view) { return true; }).code(),
            Status::Code::kInvalid);
  // The store still opens: its header was not touched.
  Open();
  EXPECT_FALSE(store_->created());
}

TEST_F(StoreTest, KeyedHashesAreStablePerStoreAndDifferAcrossStores) {
  std::string name = store_->NameKey("alice");
  std::string verifier = store_->Verifier("auth-key-bytes");
  std::string invite = store_->InviteKey("invite-secret");
  EXPECT_EQ(name.size(), 16u);
  EXPECT_EQ(verifier.size(), 32u);
  EXPECT_EQ(invite.size(), 16u);
  EXPECT_NE(store_->NameKey("bob"), name);
  // Different subkeys: the same input gives unrelated outputs.
  EXPECT_NE(store_->NameKey("x"), store_->InviteKey("x"));
  EXPECT_NE(store_->NameKey("x"), store_->Verifier("x").substr(0, 16));

  Open();
  EXPECT_EQ(store_->NameKey("alice"), name);
  EXPECT_EQ(store_->Verifier("auth-key-bytes"), verifier);
  EXPECT_EQ(store_->InviteKey("invite-secret"), invite);

  TempDir other_dir;
  std::unique_ptr<Store> other;
  ASSERT_TRUE(Store::Open(OptionsFor(other_dir.path()), &other).ok());
  EXPECT_NE(other->NameKey("alice"), name);
  EXPECT_NE(other->Verifier("auth-key-bytes"), verifier);
  EXPECT_NE(other->InviteKey("invite-secret"), invite);
  EXPECT_NE(other->household_id(), store_->household_id());
}

// Reads every file under `dir` and tells whether any contains `needle`.
bool AnyFileContains(const std::string& dir, std::string_view needle, int* files_read) {
  bool found = false;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    ++*files_read;
    if (ReadBytes(entry.path().string()).find(needle) != std::string::npos) found = true;
  }
  return found;
}

TEST_F(StoreTest, DataDirectoryHoldsNoPlaintext) {
  const std::string name = "zebulon-the-unique-user";
  const std::string text = "distinctive-plaintext-5c1e9a-message-body";
  // Prefixed as the plugin's record keys are: a bare keyed hash starts with
  // the reserved byte 0x00 once in 256 stores.
  std::string key = "u" + store_->NameKey(name);
  // Enough records to fill the 1 MiB write buffer and make table files too.
  for (int i = 0; i < 12000; ++i) {
    Status put = store_->Put(key + "/" + std::to_string(i), text + std::to_string(i));
    ASSERT_TRUE(put.ok()) << put.ToString();
  }
  ASSERT_TRUE(store_->Sync().ok());
  store_.reset();  // close: everything is in files

  int files_read = 0;
  EXPECT_FALSE(AnyFileContains(dir_.path(), text, &files_read));
  EXPECT_FALSE(AnyFileContains(dir_.path(), name, &files_read));
  EXPECT_GT(files_read, 0);
  // The search works: the hashed key, which is stored as is, is found.
  EXPECT_TRUE(AnyFileContains(dir_.path(), key, &files_read));
  bool has_table = false;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.Sub("db"))) {
    if (entry.path().extension() == ".ldb") has_table = true;
  }
  EXPECT_TRUE(has_table);
}

TEST_F(StoreTest, SyncAndPromptShutdown) {
  ASSERT_TRUE(store_->Put("k", "v").ok());
  EXPECT_TRUE(store_->Sync().ok());
  EXPECT_TRUE(store_->Sync().ok());  // also with nothing new

  // A long period does not delay closing.
  StoreOptions options = OptionsFor(dir_.path());
  options.sync_period_ms = 60 * 1000;
  store_.reset();
  ASSERT_TRUE(Store::Open(options, &store_).ok());
  ASSERT_TRUE(store_->Put("k", "v2").ok());
  auto begin = std::chrono::steady_clock::now();
  store_.reset();
  auto elapsed = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));

  // sync_period_ms = 0: every write synced, no thread.
  options.sync_period_ms = 0;
  ASSERT_TRUE(Store::Open(options, &store_).ok());
  std::string value;
  ASSERT_TRUE(store_->Get("k", &value).ok());
  EXPECT_EQ(value, "v2");
  ASSERT_TRUE(store_->Put("k", "v3").ok());
  Open();
  ASSERT_TRUE(store_->Get("k", &value).ok());
  EXPECT_EQ(value, "v3");
}

TEST_F(StoreTest, ConcurrentWritersWhileTheLogIsSynced) {
  StoreOptions options = OptionsFor(dir_.path());
  options.sync_period_ms = 1;
  store_.reset();
  ASSERT_TRUE(Store::Open(options, &store_).ok());
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([this, t] {
      for (int i = 0; i < 200; ++i) {
        std::string key = "w" + std::to_string(t) + "/" + std::to_string(i);
        EXPECT_TRUE(store_->Put(key, "v:" + key).ok());
        if (i % 50 == 0) {
          EXPECT_TRUE(store_->Sync().ok());
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  Open();
  EXPECT_EQ(ScanKeys("", "", false, 10000).size(), 800u);
}

}  // namespace
}  // namespace foyer
