// Store backups: raw snapshot export, raw import into a new store, and the
// backup file that carries the records between them.
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "foyer/backup_file.h"
#include "foyer/crypto.h"
#include "foyer/store.h"
#include "gtest/gtest.h"
#include "store_test_util.h"

namespace foyer {
namespace {

using testing_util::OptionsFor;
using testing_util::TempDir;

std::vector<RawRecord> ReadAll(const StoreSnapshot& snapshot, size_t chunk_bytes,
                               int* chunks = nullptr) {
  std::vector<RawRecord> all;
  std::string after;
  bool done = false;
  int count = 0;
  while (!done) {
    std::vector<RawRecord> records;
    Status s = snapshot.Read(after, chunk_bytes, &records, &done);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok() || (records.empty() && !done)) break;
    if (!records.empty()) after = records.back().key;
    all.insert(all.end(), records.begin(), records.end());
    ++count;
  }
  if (chunks != nullptr) *chunks = count;
  return all;
}

class StoreBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Store::Open(OptionsFor(source_.Sub("data")), &store_).ok());
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(store_->Put("m" + std::to_string(1000 + i), std::string(300, 'a' + i % 26)).ok());
    }
  }

  // Import options for `dir`, with the source's master key file.
  StoreOptions TargetOptions(const std::string& dir) {
    StoreOptions options = OptionsFor(dir);
    options.key_file = source_.Sub("data/master.key");
    return options;
  }

  TempDir source_;
  TempDir target_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreBackupTest, SnapshotIgnoresLaterWritesAndChunksBySize) {
  std::unique_ptr<StoreSnapshot> snapshot;
  ASSERT_TRUE(store_->ExportSnapshot(&snapshot).ok());
  ASSERT_TRUE(store_->Put("m9999", "later").ok());
  ASSERT_TRUE(store_->Sync().ok());  // writes the sync marker, which is left out
  // 50 records plus the key header and the household id.
  EXPECT_EQ(snapshot->record_count(), 52u);
  int chunks = 0;
  std::vector<RawRecord> records = ReadAll(*snapshot, 2000, &chunks);
  ASSERT_EQ(records.size(), 52u);
  EXPECT_GT(chunks, 5);
  EXPECT_EQ(records[0].key, std::string("\0header", 7));
  for (const RawRecord& record : records) EXPECT_NE(record.key, "m9999");
  // Values are raw: sealed, not the plaintext.
  EXPECT_EQ(records.back().key, "m1049");
  EXPECT_EQ(records.back().value.find(std::string(300, 'a' + 49 % 26)), std::string::npos);
}

TEST_F(StoreBackupTest, ImportRoundTripKeepsEveryRecordAndHousehold) {
  std::unique_ptr<StoreSnapshot> snapshot;
  ASSERT_TRUE(store_->ExportSnapshot(&snapshot).ok());
  std::unique_ptr<StoreImport> import;
  ASSERT_TRUE(StoreImport::Begin(TargetOptions(target_.Sub("data")), &import).ok());
  for (const RawRecord& record : ReadAll(*snapshot, 4096)) {
    ASSERT_TRUE(import->Add(record.key, record.value).ok());
  }
  EXPECT_EQ(import->record_count(), 52u);
  std::string household;
  Status s = import->Finish(&household);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(household, store_->household_id());
  EXPECT_FALSE(std::filesystem::exists(target_.Sub("data/db.import")));

  std::unique_ptr<Store> restored;
  StoreOptions options = TargetOptions(target_.Sub("data"));
  options.must_exist = true;
  ASSERT_TRUE(Store::Open(options, &restored).ok());
  EXPECT_EQ(restored->NameKey("alice"), store_->NameKey("alice"));
  for (int i = 0; i < 50; ++i) {
    std::string value;
    ASSERT_TRUE(restored->Get("m" + std::to_string(1000 + i), &value).ok());
    EXPECT_EQ(value, std::string(300, 'a' + i % 26));
  }
}

TEST_F(StoreBackupTest, ImportRefusesAnExistingDatabase) {
  std::unique_ptr<StoreImport> import;
  Status s = StoreImport::Begin(TargetOptions(source_.Sub("data")), &import);
  EXPECT_EQ(s.code(), Status::Code::kConflict) << s.ToString();
  EXPECT_EQ(import, nullptr);
}

TEST_F(StoreBackupTest, ImportWithTheWrongMasterKeyLeavesNothing) {
  std::unique_ptr<StoreSnapshot> snapshot;
  ASSERT_TRUE(store_->ExportSnapshot(&snapshot).ok());
  StoreOptions options = OptionsFor(target_.Sub("data"));  // a new key file would be wrong
  std::string other_key = crypto::ToHex(crypto::RandomBytes(32));
  std::filesystem::create_directories(target_.Sub("data"));
  testing_util::WriteBytes(target_.Sub("data/master.key"), other_key + "\n", 0600);
  std::unique_ptr<StoreImport> import;
  ASSERT_TRUE(StoreImport::Begin(options, &import).ok());
  for (const RawRecord& record : ReadAll(*snapshot, 1 << 20)) {
    ASSERT_TRUE(import->Add(record.key, record.value).ok());
  }
  Status s = import->Finish(nullptr);
  EXPECT_EQ(s.code(), Status::Code::kDenied) << s.ToString();
  EXPECT_FALSE(std::filesystem::exists(target_.Sub("data/db")));
}

TEST_F(StoreBackupTest, ImportRefusesDamagedOrIncompleteRecords) {
  std::unique_ptr<StoreSnapshot> snapshot;
  ASSERT_TRUE(store_->ExportSnapshot(&snapshot).ok());
  std::vector<RawRecord> records = ReadAll(*snapshot, 1 << 20);
  {
    std::unique_ptr<StoreImport> import;
    ASSERT_TRUE(StoreImport::Begin(TargetOptions(target_.Sub("a")), &import).ok());
    for (RawRecord& record : records) {
      if (record.key == "m1010") record.value[30] ^= 1;
      ASSERT_TRUE(import->Add(record.key, record.value).ok());
    }
    EXPECT_EQ(import->Finish(nullptr).code(), Status::Code::kCorruption);
    EXPECT_FALSE(std::filesystem::exists(target_.Sub("a/db")));
  }
  {
    std::unique_ptr<StoreImport> import;
    ASSERT_TRUE(StoreImport::Begin(TargetOptions(target_.Sub("b")), &import).ok());
    for (size_t i = 1; i < records.size(); ++i) {  // no key header
      ASSERT_TRUE(import->Add(records[i].key, records[i].value).ok());
    }
    EXPECT_EQ(import->Finish(nullptr).code(), Status::Code::kCorruption);
  }
  {
    std::unique_ptr<StoreImport> import;
    ASSERT_TRUE(StoreImport::Begin(TargetOptions(target_.Sub("c")), &import).ok());
    ASSERT_TRUE(import->Add(records[1].key, records[1].value).ok());
    EXPECT_EQ(import->Add(records[0].key, records[0].value).code(), Status::Code::kInvalid);
    EXPECT_EQ(import->Add(records[1].key, records[1].value).code(), Status::Code::kInvalid);
  }
  // An abandoned import leaves no partial database behind.
  EXPECT_FALSE(std::filesystem::exists(target_.Sub("c/db.import")));
  EXPECT_FALSE(std::filesystem::exists(target_.Sub("c/db")));
}

TEST(BackupFileTest, RoundTripAndRefusals) {
  backup::Header header;
  header.household_hex = std::string(32, 'a');
  header.created_ms = 1767225600000;
  header.records = 2;
  header.version = "0.1.0";
  std::string full = backup::EncodeStart(header) + backup::EncodeRecord(std::string("\0h", 2), "x") +
                     backup::EncodeRecord("key", std::string(1000, '\xff')) + backup::EncodeEnd(2);
  {
    std::istringstream in(full);
    backup::Reader reader(&in);
    backup::Header read;
    ASSERT_TRUE(reader.ReadStart(&read).ok());
    EXPECT_EQ(read.household_hex, header.household_hex);
    EXPECT_EQ(read.records, 2u);
    EXPECT_EQ(read.created_ms, header.created_ms);
    RawRecord record;
    bool end = false;
    ASSERT_TRUE(reader.Next(&record, &end).ok());
    EXPECT_EQ(record.key, std::string("\0h", 2));
    ASSERT_TRUE(reader.Next(&record, &end).ok());
    EXPECT_EQ(record.value, std::string(1000, '\xff'));
    ASSERT_TRUE(reader.Next(&record, &end).ok());
    EXPECT_TRUE(end);
    EXPECT_EQ(reader.bytes_read(), full.size());
  }
  auto read_all = [](const std::string& bytes) {
    std::istringstream in(bytes);
    backup::Reader reader(&in);
    backup::Header read;
    Status s = reader.ReadStart(&read);
    RawRecord record;
    bool end = false;
    while (s.ok() && !end) s = reader.Next(&record, &end);
    return s;
  };
  EXPECT_TRUE(read_all(full).ok());
  EXPECT_EQ(read_all("NOTFOYER" + full.substr(8)).code(), Status::Code::kInvalid);
  for (size_t cut : {full.size() - 1, full.size() - 9, full.size() / 2, size_t{20}}) {
    EXPECT_FALSE(read_all(full.substr(0, cut)).ok()) << cut;
  }
  // A record left out: the end count no longer matches.
  std::string missing = backup::EncodeStart(header) +
                        backup::EncodeRecord("key", "v") + backup::EncodeEnd(1);
  EXPECT_EQ(read_all(missing).code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace foyer
