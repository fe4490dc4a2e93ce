// Backup ops (docs/admin-api.md): a consistent snapshot of the store, read in
// chunks of raw sealed records. The gateway streams them as the backup file
// (foyer/backup_file.h); `foyer-admin restore` writes them into a new store.
#include <string>
#include <utility>
#include <vector>

#include "foyer/crypto.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

using Json = nlohmann::json;

// Raw bytes per chunk: base64 makes ~128 KiB of it, well under the broker's
// packet limit. A single larger record is sent alone.
constexpr size_t kChunkRawBytes = 96 * 1024;
constexpr size_t kMaxBackups = 2;
// A snapshot pins old LevelDB files: an abandoned backup is dropped.
constexpr uint64_t kBackupIdleMs = 10 * 60 * 1000;

Status GetSnapshotId(const Json& request, std::string* id) {
  Status status = protocol::GetString(request, "snapshot", id, 32);
  if (status.ok() && !protocol::ValidHexId(*id)) {
    return Status::Invalid("field 'snapshot' must be 32 lowercase hex");
  }
  return status;
}

}  // namespace

void Server::ExpireBackups() {
  uint64_t now = Now();
  for (auto it = backups_.begin(); it != backups_.end();) {
    bool idle = now - it->second.last_used_ms > kBackupIdleMs;
    it = idle ? backups_.erase(it) : std::next(it);
  }
}

Status Server::OpBackupBegin(const Session& s, const Json& request, Json* result) {
  ExpireBackups();
  if (backups_.size() >= kMaxBackups) {
    return Status::Limit("two backups are running already; try again later");
  }
  BackupSession backup;
  Status status = store_->ExportSnapshot(&backup.snapshot);
  if (!status.ok()) {
    Log(LogLevel::kError, "backup snapshot failed: " + status.ToString());
    return Status::Internal("the server could not take a snapshot of its store");
  }
  backup.last_used_ms = Now();
  std::string id = crypto::RandomIdHex();
  *result = Json{{"snapshot", id},
                 {"records", backup.snapshot->record_count()},
                 {"household", household_hex_},
                 {"created", backup.last_used_ms}};
  backups_[id] = std::move(backup);
  Log(LogLevel::kNotice, s.user + " started a backup");
  return Status::OK();
}

Status Server::OpBackupChunk(const Session& s, const Json& request, Json* result) {
  std::string id, after;
  Status status = GetSnapshotId(request, &id);
  if (status.ok() && request.contains("after")) {
    status = protocol::GetB64(request, "after", &after, 1, 4096);
  }
  if (!status.ok()) return status;
  ExpireBackups();
  auto it = backups_.find(id);
  if (it == backups_.end()) return Status::NotFound("no such backup (finished or expired)");
  it->second.last_used_ms = Now();
  std::vector<RawRecord> records;
  bool done = false;
  status = it->second.snapshot->Read(after, kChunkRawBytes, &records, &done);
  if (!status.ok()) {
    Log(LogLevel::kError, "backup read failed: " + status.ToString());
    return Status::Internal("the server could not read its snapshot");
  }
  Json list = Json::array();
  for (const RawRecord& record : records) {
    list.push_back(Json::array({crypto::ToBase64(record.key), crypto::ToBase64(record.value)}));
  }
  *result = Json{{"records", std::move(list)}, {"done", done}};
  return Status::OK();
}

Status Server::OpBackupEnd(const Session& s, const Json& request, Json* result) {
  std::string id;
  Status status = GetSnapshotId(request, &id);
  if (!status.ok()) return status;
  if (backups_.erase(id) == 0) return Status::NotFound("no such backup (finished or expired)");
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
