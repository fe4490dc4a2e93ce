// StoreImport (store.h): raw records into a new store, verified before use.
#include <leveldb/db.h>
#include <leveldb/options.h>
#include <leveldb/write_batch.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <utility>

#include "foyer/store.h"

namespace foyer {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kHeaderKey("\0header", 7);
constexpr std::string_view kHouseholdKey("\0household", 10);
constexpr size_t kFlushBytes = 1u << 20;

Status FromLevelDb(const leveldb::Status& status, const std::string& what) {
  if (status.IsCorruption()) return Status::Corruption(what + ": " + status.ToString());
  return Status::IOError(what + ": " + status.ToString());
}

bool HasEntries(const fs::path& dir) {
  std::error_code error;
  return fs::exists(dir, error) && !fs::is_empty(dir, error);
}

}  // namespace

struct StoreImport::Impl {
  StoreOptions options;
  fs::path import_dir;
  fs::path db_dir;
  leveldb::DB* db = nullptr;
  leveldb::WriteBatch batch;
  size_t batch_bytes = 0;
  std::string last_key;
  uint64_t count = 0;
  bool saw_header = false;
  bool saw_household = false;
  bool finished = false;

  ~Impl() {
    delete db;
    if (!finished) {
      std::error_code error;
      fs::remove_all(import_dir, error);
    }
  }

  Status Flush(bool sync) {
    leveldb::WriteOptions write_options;
    write_options.sync = sync;
    leveldb::Status status = db->Write(write_options, &batch);
    batch.Clear();
    batch_bytes = 0;
    if (!status.ok()) return FromLevelDb(status, "cannot write the restored records");
    return Status::OK();
  }
};

StoreImport::StoreImport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StoreImport::~StoreImport() = default;

Status StoreImport::Begin(const StoreOptions& options, std::unique_ptr<StoreImport>* import) {
  import->reset();
  if (options.data_dir.empty()) return Status::Invalid("no data directory given for the restore");
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  fs::path data_dir(options.data_dir);
  impl->db_dir = data_dir / "db";
  impl->import_dir = data_dir / "db.import";
  if (HasEntries(impl->db_dir)) {
    return Status::Conflict("a database already exists in " + impl->db_dir.string() +
                            ": restore needs an empty data directory");
  }
  std::error_code error;
  if (!fs::exists(data_dir, error)) {
    fs::create_directories(data_dir, error);
    if (error) return Status::IOError("cannot create " + options.data_dir + ": " + error.message());
    ::chmod(data_dir.c_str(), 0700);
  }
  fs::remove_all(impl->import_dir, error);  // left by an interrupted restore
  if (error) return Status::IOError("cannot clear " + impl->import_dir.string());
  leveldb::Options db_options;
  db_options.create_if_missing = true;
  db_options.error_if_exists = true;
  db_options.compression = leveldb::kNoCompression;
  leveldb::Status status = leveldb::DB::Open(db_options, impl->import_dir.string(), &impl->db);
  if (!status.ok()) return FromLevelDb(status, "cannot create " + impl->import_dir.string());
  import->reset(new StoreImport(std::move(impl)));
  return Status::OK();
}

Status StoreImport::Add(std::string_view key, std::string_view sealed_value) {
  Impl& impl = *impl_;
  if (impl.db == nullptr) return Status::Invalid("the import is finished");
  if (key.empty()) return Status::Invalid("a restored record has an empty key");
  if (impl.count > 0 && key <= impl.last_key) {
    return Status::Invalid("restored records are not in increasing key order");
  }
  impl.saw_header = impl.saw_header || key == kHeaderKey;
  impl.saw_household = impl.saw_household || key == kHouseholdKey;
  impl.batch.Put(leveldb::Slice(key.data(), key.size()),
                 leveldb::Slice(sealed_value.data(), sealed_value.size()));
  impl.batch_bytes += key.size() + sealed_value.size();
  impl.last_key.assign(key);
  ++impl.count;
  if (impl.batch_bytes >= kFlushBytes) return impl.Flush(false);
  return Status::OK();
}

uint64_t StoreImport::record_count() const { return impl_->count; }

Status StoreImport::Finish(std::string* household_id) {
  Impl& impl = *impl_;
  if (impl.db == nullptr) return Status::Invalid("the import is finished");
  if (!impl.saw_header || !impl.saw_household) {
    return Status::Corruption("the restored records lack the store's key header or household id");
  }
  Status status = impl.Flush(true);
  delete impl.db;
  impl.db = nullptr;
  if (!status.ok()) return status;
  if (HasEntries(impl.db_dir)) {
    return Status::Conflict("a database appeared in " + impl.db_dir.string() + " meanwhile");
  }
  std::error_code error;
  fs::remove(impl.db_dir, error);  // an empty directory, if any
  fs::rename(impl.import_dir, impl.db_dir, error);
  if (error) return Status::IOError("cannot install the restored database: " + error.message());

  // Open it as the broker will, and unseal every value once.
  StoreOptions options = impl.options;
  options.must_exist = true;
  options.sync_period_ms = 0;
  std::unique_ptr<Store> store;
  status = Store::Open(options, &store);
  if (status.ok()) {
    status = store->Scan("", "", false, [](std::string_view, std::string_view) { return true; });
  }
  if (status.ok() && household_id != nullptr) *household_id = store->household_id();
  store.reset();
  if (!status.ok()) {
    fs::remove_all(impl.db_dir, error);
    return status;
  }
  impl.finished = true;
  return Status::OK();
}

}  // namespace foyer
