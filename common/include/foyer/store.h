// Store: Foyer's encrypted key-value store over LevelDB.
//
// Every value is sealed with XChaCha20-Poly1305 under the server's value key,
// with the record's key as associated data (a value cannot be moved to another
// key). Keys are bytes chosen by the caller; a key that would reveal a name
// must be built with NameKey() (a keyed BLAKE2b), never from the name itself.
//
// Keys: a random 32-byte data key is made at first open and kept in the
// database wrapped (AEAD) by the master key; the master key comes from a key
// file (created 0600 at first open if missing) or from a passphrase
// (Argon2id). Subkeys for values, name hashes, login verifiers and invite
// hashes are derived from the data key with crypto_kdf.
//
// Durability: writes are not synced one by one (an fsync per message would
// stall the broker); a background thread syncs the log every
// `sync_period_ms`. A process crash loses nothing; a power cut may lose the
// last period.
//
// Thread safety: all methods may be called from several threads.
#ifndef FOYER_STORE_H_
#define FOYER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "foyer/status.h"

namespace foyer {

struct StoreOptions {
  // Directory of the store; the LevelDB database is `data_dir`/db. Created
  // (mode 0700) if missing.
  std::string data_dir;
  // Master key file (64 hex characters). Empty: `data_dir`/master.key.
  // Created with mode 0600 at first open when no passphrase is given.
  std::string key_file;
  // When non-empty, the master key is derived from this passphrase instead of
  // the key file (the salt is kept in the database).
  std::string passphrase;
  // Refuse to open a store that does not exist yet.
  bool must_exist = false;
  // LevelDB memory: block cache and write buffer (Raspberry Pi budget).
  size_t block_cache_bytes = 1u << 20;
  size_t write_buffer_bytes = 1u << 20;
  // Background sync period; 0 syncs every write (tests of durability only).
  int sync_period_ms = 1000;
};

// A set of writes applied atomically by Store::Write.
class WriteBatch {
 public:
  void Put(std::string key, std::string value) {
    ops_.push_back(Op{std::move(key), std::move(value), false});
  }
  void Delete(std::string key) { ops_.push_back(Op{std::move(key), std::string(), true}); }
  size_t size() const { return ops_.size(); }
  bool empty() const { return ops_.empty(); }
  void Clear() { ops_.clear(); }

 private:
  friend class Store;
  struct Op {
    std::string key;
    std::string value;
    bool is_delete;
  };
  std::vector<Op> ops_;
};

// A record exactly as it lies in the database: the key and the sealed value
// (still encrypted under the data key). Keys starting with '\0' belong to the
// store itself (the key header, the household id); backups include them.
struct RawRecord {
  std::string key;
  std::string value;
};

// A consistent point-in-time view of every record (a LevelDB snapshot), for
// backups: reads see the database as it was when the snapshot was taken,
// whatever is written afterwards. Made by Store::ExportSnapshot; must be
// destroyed before its Store. One thread at a time.
class StoreSnapshot {
 public:
  virtual ~StoreSnapshot() = default;
  // Number of records in the snapshot (counted when it was taken).
  virtual uint64_t record_count() const = 0;
  // Appends the records whose key sorts after `after` (exclusive; empty: from
  // the first record), in key order, until their keys and values add up to
  // at least `max_bytes` (at least one record when any is left) or none is
  // left. `*done` tells whether the last record has been returned.
  virtual Status Read(std::string_view after, size_t max_bytes, std::vector<RawRecord>* records,
                      bool* done) const = 0;
};

class Store {
 public:
  // Opens (or creates) the store. Fails with a clear message when the master
  // key does not open the data key, the directory is unusable, or LevelDB
  // reports corruption.
  static Status Open(const StoreOptions& options, std::unique_ptr<Store>* store);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // True when this Open created a new store (first start).
  bool created() const;
  // The household id (16 random bytes, made at creation).
  const std::string& household_id() const;

  // NotFound when absent; Corruption when the value does not open.
  Status Get(std::string_view key, std::string* value) const;
  Status Write(const WriteBatch& batch);
  Status Put(std::string key, std::string value);

  // Calls `visit` for each record whose key starts with `prefix`, in key
  // order (or reverse order), starting at `start` (inclusive; empty = from
  // the first, or the last when reverse), until `visit` returns false.
  using Visitor = std::function<bool(std::string_view key, std::string_view value)>;
  Status Scan(std::string_view prefix, std::string_view start, bool reverse,
              const Visitor& visit) const;
  // Visits keys only (no unsealing): cheap counting.
  Status ScanKeys(std::string_view prefix, const std::function<bool(std::string_view key)>& visit) const;

  // Keyed hashes under the store's secret subkeys.
  std::string NameKey(std::string_view name) const;        // 16 bytes
  std::string Verifier(std::string_view auth_key) const;   // 32 bytes
  std::string InviteKey(std::string_view secret) const;    // 16 bytes

  // Takes a snapshot of every record, raw and sealed (see StoreSnapshot).
  Status ExportSnapshot(std::unique_ptr<StoreSnapshot>* snapshot) const;

  // Forces the log to disk now.
  Status Sync();
  // Approximate bytes on disk of the database directory.
  uint64_t DiskBytes() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Restores raw records (from a StoreSnapshot, e.g. through a backup file)
// into a new store at `options.data_dir`, which must not hold a database yet
// (Conflict otherwise: to replace a store, move its `db` directory away
// first). Records are written to `data_dir`/db.import; Finish checks that the
// key header and the household record are there and that every value opens
// with the master key of `options` (the key file or passphrase of the
// original store: a backup cannot be opened without it), then renames the
// directory to `data_dir`/db. Destroying an import without a successful
// Finish removes the partial database. The broker must be stopped (the store
// is not open elsewhere). One thread at a time.
class StoreImport {
 public:
  static Status Begin(const StoreOptions& options, std::unique_ptr<StoreImport>* import);
  ~StoreImport();
  StoreImport(const StoreImport&) = delete;
  StoreImport& operator=(const StoreImport&) = delete;

  // Adds one record (writes are batched). Keys must come in strictly
  // increasing byte order, as a snapshot gives them (Invalid otherwise, and
  // for an empty key).
  Status Add(std::string_view key, std::string_view sealed_value);
  // Number of records added so far.
  uint64_t record_count() const;
  // Verifies and installs the store (see above); `household_id` (optional)
  // receives the restored store's 16-byte household id. Denied when the
  // master key does not open it; Corruption when a record does not open.
  Status Finish(std::string* household_id);

 private:
  struct Impl;
  explicit StoreImport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace foyer

#endif  // FOYER_STORE_H_
