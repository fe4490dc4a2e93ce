#include "store_snapshot.h"

#include <leveldb/db.h>
#include <leveldb/iterator.h>
#include <leveldb/options.h>

#include <string>
#include <utility>
#include <vector>

namespace foyer {
namespace store_internal {
namespace {

std::string_view ToView(const leveldb::Slice& slice) {
  return std::string_view(slice.data(), slice.size());
}

Status FromIterator(const leveldb::Status& status) {
  if (status.IsCorruption()) return Status::Corruption("cannot read the snapshot: " + status.ToString());
  return Status::IOError("cannot read the snapshot: " + status.ToString());
}

class LevelDbSnapshot : public StoreSnapshot {
 public:
  LevelDbSnapshot(leveldb::DB* db, std::string_view skip_key)
      : db_(db), snapshot_(db->GetSnapshot()), skip_key_(skip_key) {}
  ~LevelDbSnapshot() override { db_->ReleaseSnapshot(snapshot_); }

  Status Count() {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(Options()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (ToView(it->key()) != skip_key_) ++count_;
    }
    if (!it->status().ok()) return FromIterator(it->status());
    return Status::OK();
  }

  uint64_t record_count() const override { return count_; }

  Status Read(std::string_view after, size_t max_bytes, std::vector<RawRecord>* records,
              bool* done) const override {
    std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(Options()));
    if (after.empty()) {
      it->SeekToFirst();
    } else {
      it->Seek(leveldb::Slice(after.data(), after.size()));
      if (it->Valid() && ToView(it->key()) == after) it->Next();
    }
    size_t bytes = 0;
    bool first = true;
    for (; it->Valid(); it->Next()) {
      std::string_view key = ToView(it->key());
      if (key == skip_key_) continue;
      if (!first && bytes >= max_bytes) break;
      records->push_back(RawRecord{std::string(key), std::string(ToView(it->value()))});
      bytes += key.size() + it->value().size();
      first = false;
    }
    if (!it->status().ok()) return FromIterator(it->status());
    while (it->Valid() && ToView(it->key()) == skip_key_) it->Next();
    *done = !it->Valid();
    return Status::OK();
  }

 private:
  leveldb::ReadOptions Options() const {
    leveldb::ReadOptions options;
    options.verify_checksums = true;
    options.fill_cache = false;  // a backup would evict the working set
    options.snapshot = snapshot_;
    return options;
  }

  leveldb::DB* db_;
  const leveldb::Snapshot* snapshot_;
  std::string skip_key_;
  uint64_t count_ = 0;
};

}  // namespace

Status NewLevelDbSnapshot(leveldb::DB* db, std::string_view skip_key,
                          std::unique_ptr<StoreSnapshot>* snapshot) {
  auto result = std::make_unique<LevelDbSnapshot>(db, skip_key);
  Status status = result->Count();
  if (!status.ok()) return status;
  *snapshot = std::move(result);
  return Status::OK();
}

}  // namespace store_internal
}  // namespace foyer
