// Files (docs/protocol.md §10): the plugin's index of uploaded files. The
// chunks themselves are store records read and written by the file_* ops
// (files.cc); this index keeps every file's metadata in memory (a household
// has few files) for membership, quota and expiry checks.
//
// Threads: not thread-safe; used on the broker's network thread only.
#ifndef FOYER_BROKER_PLUGIN_FILES_H_
#define FOYER_BROKER_PLUGIN_FILES_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "foyer/status.h"
#include "foyer/store.h"

namespace foyer {
namespace plugin {

// At most this many uploads in progress per account.
constexpr size_t kMaxPendingUploads = 4;

struct FileRecord {
  std::string id;        // hex32
  std::string conv;      // hex32
  std::string uploader;  // user name
  uint64_t size = 0;     // plaintext bytes
  uint64_t chunks = 0;
  uint64_t created = 0;  // ms
  bool complete = false;
  // In memory only: chunks stored so far and the last request (pending uploads).
  std::set<uint64_t> received;
  uint64_t last_activity = 0;
};

// Record keys: "f" file16 -> the JSON of FileRecord; "g" file16 u32be(index)
// -> the chunk's ciphertext.
std::string FileRecordKey(std::string_view file_raw);
std::string FileChunkPrefix(std::string_view file_raw);
std::string FileChunkKey(std::string_view file_raw, uint64_t index);
std::string EncodeFileRecord(const FileRecord& file);
Status DecodeFileRecord(std::string_view value, FileRecord* file);

class FileIndex {
 public:
  // Loads every file record, and for the pending ones the chunks present.
  // Pending uploads count as active from `now` (their clock restarts).
  Status Load(const Store& store, uint64_t now);

  FileRecord* Find(const std::string& id);
  void Put(FileRecord file) { files_[file.id] = std::move(file); }
  void Erase(const std::string& id) { files_.erase(id); }

  // Bytes (plaintext) of `user`'s complete and pending files.
  uint64_t UsedBytes(const std::string& user) const;
  size_t PendingUploads(const std::string& user) const;
  // Pending uploads idle since before `deadline` (ms).
  std::set<std::string> IdleUploads(uint64_t deadline) const;
  size_t size() const { return files_.size(); }

 private:
  std::map<std::string, FileRecord> files_;  // by hex id
};

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_FILES_H_
