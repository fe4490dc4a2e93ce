#include "foyer/store.h"

#include <leveldb/cache.h>
#include <leveldb/db.h>
#include <leveldb/filter_policy.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "foyer/crypto.h"
#include "store_master_key.h"
#include "store_pread_env.h"
#include "store_snapshot.h"

namespace foyer {
namespace {

namespace fs = std::filesystem;

// Reserved records: every key starting with '\0' belongs to the store.
constexpr std::string_view kHeaderKey("\0header", 7);
constexpr std::string_view kHouseholdKey("\0household", 10);
constexpr std::string_view kSyncKey("\0sync", 5);

constexpr char kSubkeyContext[] = "foyerdat";
enum SubkeyId : uint64_t {
  kValueSubkey = 1,
  kNameSubkey = 2,
  kVerifierSubkey = 3,
  kInviteSubkey = 4
};

constexpr size_t kHouseholdIdBytes = 16;

const char kBadValueMessage[] = "a stored value does not open: the record is damaged or was moved";

leveldb::Slice ToSlice(std::string_view bytes) {
  return leveldb::Slice(bytes.data(), bytes.size());
}
std::string_view ToView(const leveldb::Slice& slice) {
  return std::string_view(slice.data(), slice.size());
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}
bool IsReserved(std::string_view key) { return !key.empty() && key[0] == '\0'; }

Status CheckKey(std::string_view key) {
  if (key.empty()) return Status::Invalid("a store key may not be empty");
  if (IsReserved(key)) return Status::Invalid("store keys starting with \\x00 are reserved");
  return Status::OK();
}

Status FromLevelDb(const leveldb::Status& status, const std::string& what) {
  if (status.IsCorruption()) return Status::Corruption(what + ": " + status.ToString());
  return Status::IOError(what + ": " + status.ToString());
}

// The smallest string greater than every string starting with `prefix`;
// empty when there is none (empty prefix, or all 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix) {
  std::string next(prefix);
  while (!next.empty() && static_cast<unsigned char>(next.back()) == 0xff) next.pop_back();
  if (!next.empty()) next.back() = static_cast<char>(static_cast<unsigned char>(next.back()) + 1);
  return next;
}

// Positions `it` on the last key <= `bound` (empty bound: the last key).
void SeekAtOrBefore(leveldb::Iterator* it, std::string_view bound) {
  if (bound.empty()) {
    it->SeekToLast();
    return;
  }
  it->Seek(ToSlice(bound));
  if (!it->Valid()) {
    it->SeekToLast();
  } else if (ToView(it->key()) != bound) {
    it->Prev();
  }
}

// Creates `data_dir` (mode 0700) when missing and checks that it is usable.
Status PrepareDataDir(const std::string& data_dir) {
  std::error_code error;
  fs::path dir(data_dir);
  if (dir.filename().empty()) dir = dir.parent_path();  // trailing slash
  if (!fs::exists(dir, error)) {
    if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), error);
    if (error || (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)) {
      return Status::IOError("cannot create data directory " + data_dir + ": " +
                             (error ? error.message() : std::string(std::strerror(errno))));
    }
  }
  if (!fs::is_directory(dir, error)) {
    return Status::Invalid("data directory " + data_dir + " is not a directory");
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return Status::IOError("data directory " + data_dir +
                           " is not writable: " + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace

struct Store::Impl {
  std::string data_dir;
  std::string db_dir;
  int sync_period_ms = 1000;
  leveldb::Cache* block_cache = nullptr;
  const leveldb::FilterPolicy* filter_policy = nullptr;
  leveldb::DB* db = nullptr;

  bool created = false;
  std::string household_id;
  crypto::Secret value_key;
  crypto::Secret name_key;
  crypto::Secret verifier_key;
  crypto::Secret invite_key;

  std::mutex sync_mutex;
  std::condition_variable sync_wakeup;
  bool stopping = false;  // guarded by sync_mutex
  std::thread sync_thread;
  std::atomic<bool> unsynced{false};

  ~Impl() {
    if (sync_thread.joinable()) {
      {
        std::lock_guard<std::mutex> lock(sync_mutex);
        stopping = true;
      }
      sync_wakeup.notify_all();
      sync_thread.join();
    }
    if (db != nullptr && unsynced.load()) SyncLog();
    delete db;  // before the cache and the filter policy it uses
    delete filter_policy;
    delete block_cache;
  }

  // LevelDB makes a new, empty database when CURRENT is missing, and then
  // deletes the old table files as obsolete: a damaged store must be
  // refused instead, never replaced.
  Status CheckNotOrphaned() const {
    std::error_code error;
    if (fs::exists(fs::path(db_dir) / "CURRENT", error)) return Status::OK();
    for (const auto& entry : fs::directory_iterator(db_dir, error)) {
      std::string name = entry.path().filename().string();
      std::string extension = entry.path().extension().string();
      if (extension == ".ldb" || extension == ".sst" || extension == ".log" ||
          name.rfind("MANIFEST-", 0) == 0) {
        return Status::Corruption("the database in " + db_dir + " has data files (" + name +
                                  ") but no CURRENT file: it is damaged; restore a backup");
      }
    }
    return Status::OK();
  }

  Status OpenDb(const StoreOptions& options) {
    Status orphaned = CheckNotOrphaned();
    if (!orphaned.ok()) return orphaned;
    leveldb::Options db_options;
    db_options.create_if_missing = !options.must_exist;
    db_options.paranoid_checks = true;
    block_cache = leveldb::NewLRUCache(options.block_cache_bytes);
    db_options.block_cache = block_cache;
    db_options.env = TableReadingEnv();
    db_options.write_buffer_size = options.write_buffer_bytes;
    db_options.max_open_files = 64;  // LevelDB raises it to its floor (74)
    filter_policy = leveldb::NewBloomFilterPolicy(10);
    db_options.filter_policy = filter_policy;
    // Values are ciphertext: compressing them only costs CPU.
    db_options.compression = leveldb::kNoCompression;
    leveldb::Status status = leveldb::DB::Open(db_options, db_dir, &db);
    if (!status.ok()) return FromLevelDb(status, "cannot open the database in " + db_dir);
    return Status::OK();
  }

  // Nonces: a random 16-byte prefix drawn at each open, then a 64-bit
  // counter. XChaCha20's 24-byte nonces never repeat under the value key
  // this way, without a getrandom() system call per value (three per
  // message: docs/performance.md).
  std::string nonce_prefix;
  mutable std::atomic<uint64_t> nonce_counter{0};

  std::string Seal(std::string_view key, std::string_view value) const {
    std::string sealed = nonce_prefix;
    uint64_t counter = nonce_counter.fetch_add(1, std::memory_order_relaxed);
    for (int shift = 56; shift >= 0; shift -= 8) {
      sealed.push_back(static_cast<char>(counter >> shift));
    }
    sealed += crypto::AeadSeal(value_key, sealed, value, key);
    return sealed;
  }

  bool Unseal(std::string_view key, std::string_view sealed, std::string* value) const {
    if (sealed.size() < crypto::kNonceBytes + crypto::kTagBytes) return false;
    return crypto::AeadOpen(value_key, sealed.substr(0, crypto::kNonceBytes),
                            sealed.substr(crypto::kNonceBytes), key, value);
  }

  void DeriveSubkeys(const crypto::Secret& data_key) {
    value_key = crypto::DeriveSubkey(data_key, kValueSubkey, kSubkeyContext);
    name_key = crypto::DeriveSubkey(data_key, kNameSubkey, kSubkeyContext);
    verifier_key = crypto::DeriveSubkey(data_key, kVerifierSubkey, kSubkeyContext);
    invite_key = crypto::DeriveSubkey(data_key, kInviteSubkey, kSubkeyContext);
  }

  bool HasAnyRecord() const {
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
    it->SeekToFirst();
    return it->Valid();
  }

  Status LoadOrCreateKeys(const StoreOptions& options, const std::string& key_file) {
    std::string raw;
    leveldb::Status status = db->Get(leveldb::ReadOptions(), ToSlice(kHeaderKey), &raw);
    if (status.ok()) return Unlock(options, key_file, raw);
    if (!status.IsNotFound()) return FromLevelDb(status, "cannot read the store header");
    if (HasAnyRecord()) {
      return Status::Corruption("the database in " + db_dir +
                                " has records but no key header (not a Foyer store, or damaged)");
    }
    if (options.must_exist) return Status::NotFound("no store in " + data_dir);
    return Create(options, key_file);
  }

  Status Create(const StoreOptions& options, const std::string& key_file) {
    crypto::Secret data_key;
    std::string header;
    Status s = store_internal::CreateDataKey(options, key_file, &data_key, &header);
    if (!s.ok()) return s;
    DeriveSubkeys(data_key);
    household_id = crypto::RandomBytes(kHouseholdIdBytes);

    leveldb::WriteBatch batch;
    batch.Put(ToSlice(kHeaderKey), header);
    batch.Put(ToSlice(kHouseholdKey), Seal(kHouseholdKey, household_id));
    leveldb::WriteOptions write_options;
    write_options.sync = true;
    leveldb::Status status = db->Write(write_options, &batch);
    if (!status.ok()) return FromLevelDb(status, "cannot write the new store's header");
    created = true;
    return Status::OK();
  }

  Status Unlock(const StoreOptions& options, const std::string& key_file, const std::string& raw) {
    crypto::Secret data_key;
    Status s = store_internal::OpenDataKey(options, key_file, raw, &data_key);
    if (!s.ok()) return s;
    DeriveSubkeys(data_key);

    std::string sealed;
    leveldb::Status status = db->Get(leveldb::ReadOptions(), ToSlice(kHouseholdKey), &sealed);
    if (!status.ok()) return FromLevelDb(status, "cannot read the household record");
    if (!Unseal(kHouseholdKey, sealed, &household_id) || household_id.size() != kHouseholdIdBytes) {
      return Status::Corruption("the household record of the store in " + db_dir +
                                " does not open");
    }
    return Status::OK();
  }

  Status SyncLog() {
    // Cleared first: a write that lands after this point is synced next time.
    unsynced.store(false);
    leveldb::WriteOptions write_options;
    write_options.sync = true;
    leveldb::Status status = db->Put(write_options, ToSlice(kSyncKey), leveldb::Slice());
    if (!status.ok()) {
      unsynced.store(true);
      return FromLevelDb(status, "cannot sync the database log");
    }
    return Status::OK();
  }

  void SyncLoop() {
    std::unique_lock<std::mutex> lock(sync_mutex);
    while (!stopping) {
      sync_wakeup.wait_for(lock, std::chrono::milliseconds(sync_period_ms),
                           [this] { return stopping; });
      if (stopping) break;
      if (!unsynced.load()) continue;
      lock.unlock();
      SyncLog();  // a failure leaves `unsynced` set: retried next period
      lock.lock();
    }
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Status Store::Open(const StoreOptions& options, std::unique_ptr<Store>* store) {
  store->reset();
  if (!crypto::Init()) return Status::Internal("libsodium cannot start");
  if (options.data_dir.empty()) return Status::Invalid("no data directory given for the store");
  if (options.sync_period_ms < 0) return Status::Invalid("sync_period_ms may not be negative");

  auto impl = std::make_unique<Impl>();
  impl->nonce_prefix = crypto::RandomBytes(crypto::kNonceBytes - 8);
  impl->data_dir = options.data_dir;
  impl->db_dir = (fs::path(options.data_dir) / "db").string();
  impl->sync_period_ms = options.sync_period_ms;
  std::string key_file = options.key_file.empty()
                             ? (fs::path(options.data_dir) / "master.key").string()
                             : options.key_file;

  std::error_code error;
  if (options.must_exist && !fs::exists(fs::path(impl->db_dir) / "CURRENT", error)) {
    return Status::NotFound("no store in " + options.data_dir + " (it must exist already)");
  }
  Status s = PrepareDataDir(options.data_dir);
  if (s.ok()) s = impl->OpenDb(options);
  if (s.ok()) s = impl->LoadOrCreateKeys(options, key_file);
  if (!s.ok()) return s;

  if (impl->sync_period_ms > 0) {
    Impl* raw = impl.get();
    impl->sync_thread = std::thread([raw] { raw->SyncLoop(); });
  }
  store->reset(new Store(std::move(impl)));
  return Status::OK();
}

bool Store::created() const { return impl_->created; }
const std::string& Store::household_id() const { return impl_->household_id; }

Status Store::Get(std::string_view key, std::string* value) const {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  std::string sealed;
  leveldb::ReadOptions read_options;
  read_options.verify_checksums = true;
  leveldb::Status status = impl_->db->Get(read_options, ToSlice(key), &sealed);
  if (status.IsNotFound()) return Status::NotFound("no such record");
  if (!status.ok()) return FromLevelDb(status, "cannot read a record");
  if (!impl_->Unseal(key, sealed, value)) return Status::Corruption(kBadValueMessage);
  return Status::OK();
}

Status Store::Write(const WriteBatch& batch) {
  for (const WriteBatch::Op& op : batch.ops_) {
    Status s = CheckKey(op.key);
    if (!s.ok()) return s;
  }
  if (batch.empty()) return Status::OK();
  leveldb::WriteBatch sealed_batch;
  for (const WriteBatch::Op& op : batch.ops_) {
    if (op.is_delete) {
      sealed_batch.Delete(ToSlice(op.key));
    } else {
      sealed_batch.Put(ToSlice(op.key), impl_->Seal(op.key, op.value));
    }
  }
  leveldb::WriteOptions write_options;
  write_options.sync = impl_->sync_period_ms == 0;
  leveldb::Status status = impl_->db->Write(write_options, &sealed_batch);
  if (!status.ok()) return Status::IOError("the database write failed: " + status.ToString());
  if (!write_options.sync) impl_->unsynced.store(true);
  return Status::OK();
}

Status Store::Put(std::string key, std::string value) {
  WriteBatch batch;
  batch.Put(std::move(key), std::move(value));
  return Write(batch);
}

Status Store::Scan(std::string_view prefix, std::string_view start, bool reverse,
                   const Visitor& visit) const {
  if (IsReserved(prefix)) return Status::Invalid("store keys starting with \\x00 are reserved");
  leveldb::ReadOptions read_options;
  read_options.verify_checksums = true;
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(read_options));
  bool start_in_range = StartsWith(start, prefix);
  if (!reverse) {
    it->Seek(ToSlice(start_in_range || start > prefix ? start : prefix));
  } else if (!start.empty() && start_in_range) {
    SeekAtOrBefore(it.get(), start);
  } else if (start.empty() || start > prefix) {
    // From the last key with the prefix.
    SeekAtOrBefore(it.get(), PrefixSuccessor(prefix));
    if (it->Valid() && !StartsWith(ToView(it->key()), prefix)) it->Prev();
  } else {
    return Status::OK();  // start sorts before every key with the prefix
  }
  std::string value;
  for (; it->Valid(); reverse ? it->Prev() : it->Next()) {
    std::string_view key = ToView(it->key());
    if (!StartsWith(key, prefix)) break;
    if (IsReserved(key)) continue;
    if (!impl_->Unseal(key, ToView(it->value()), &value)) {
      return Status::Corruption(kBadValueMessage);
    }
    if (!visit(key, value)) return Status::OK();
  }
  if (!it->status().ok()) return FromLevelDb(it->status(), "cannot scan the database");
  return Status::OK();
}

Status Store::ScanKeys(std::string_view prefix,
                       const std::function<bool(std::string_view key)>& visit) const {
  if (IsReserved(prefix)) return Status::Invalid("store keys starting with \\x00 are reserved");
  std::unique_ptr<leveldb::Iterator> it(impl_->db->NewIterator(leveldb::ReadOptions()));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    std::string_view key = ToView(it->key());
    if (!StartsWith(key, prefix)) break;
    if (IsReserved(key)) continue;
    if (!visit(key)) return Status::OK();
  }
  if (!it->status().ok()) return FromLevelDb(it->status(), "cannot scan the database");
  return Status::OK();
}

std::string Store::NameKey(std::string_view name) const {
  return crypto::KeyedHash(name, 16, impl_->name_key);
}

std::string Store::Verifier(std::string_view auth_key) const {
  return crypto::KeyedHash(auth_key, 32, impl_->verifier_key);
}

std::string Store::InviteKey(std::string_view secret) const {
  return crypto::KeyedHash(secret, 16, impl_->invite_key);
}

Status Store::ExportSnapshot(std::unique_ptr<StoreSnapshot>* snapshot) const {
  return store_internal::NewLevelDbSnapshot(impl_->db, kSyncKey, snapshot);
}

Status Store::Sync() { return impl_->SyncLog(); }

uint64_t Store::DiskBytes() const {
  uint64_t total = 0;
  std::error_code error;
  for (fs::directory_iterator it(impl_->db_dir, error), end; !error && it != end;
       it.increment(error)) {
    std::error_code size_error;
    if (!it->is_regular_file(size_error)) continue;
    uint64_t size = it->file_size(size_error);
    if (!size_error) total += size;
  }
  return total;
}

}  // namespace foyer
