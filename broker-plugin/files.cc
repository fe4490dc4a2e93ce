// Files (docs/protocol.md §10): file_begin, file_put, file_end, file_abort,
// file_get, and the in-memory file index. The plugin sees only ciphertext
// chunks, their conversation, uploader and size.
#include "files.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "foyer/crypto.h"
#include "foyer/file_crypto.h"
#include "request_args.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

using Json = nlohmann::json;

std::string EncodeU32(uint64_t value) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
  return out;
}

std::string RawId(const std::string& hex) {
  std::string raw;
  crypto::FromHex(hex, &raw);
  return raw;
}

}  // namespace

std::string FileRecordKey(std::string_view file_raw) { return "f" + std::string(file_raw); }
std::string FileChunkPrefix(std::string_view file_raw) { return "g" + std::string(file_raw); }
std::string FileChunkKey(std::string_view file_raw, uint64_t index) {
  return FileChunkPrefix(file_raw) + EncodeU32(index);
}

std::string EncodeFileRecord(const FileRecord& file) {
  return Json{{"file", file.id},         {"conv", file.conv},   {"uploader", file.uploader},
              {"size", file.size},       {"chunks", file.chunks}, {"created", file.created},
              {"complete", file.complete}}
      .dump();
}

Status DecodeFileRecord(std::string_view value, FileRecord* file) {
  Json json = Json::parse(value, nullptr, false);
  FileRecord out;
  try {
    if (!json.is_object()) throw std::invalid_argument("not an object");
    out.id = json.at("file").get<std::string>();
    out.conv = json.at("conv").get<std::string>();
    out.uploader = json.at("uploader").get<std::string>();
    out.size = json.at("size").get<uint64_t>();
    out.chunks = json.at("chunks").get<uint64_t>();
    out.created = json.at("created").get<uint64_t>();
    out.complete = json.at("complete").get<bool>();
  } catch (const std::exception&) {
    return Status::Corruption("file record has bad fields");
  }
  if (!protocol::ValidHexId(out.id) || !protocol::ValidHexId(out.conv) ||
      out.chunks != protocol::FileChunkCount(out.size)) {
    return Status::Corruption("file record has bad fields");
  }
  *file = std::move(out);
  return Status::OK();
}

Status FileIndex::Load(const Store& store, uint64_t now) {
  std::map<std::string, FileRecord> loaded;
  Status failure;
  Status status = store.Scan("f", {}, false, [&](std::string_view, std::string_view value) {
    FileRecord file;
    failure = DecodeFileRecord(value, &file);
    if (!failure.ok()) return false;
    file.last_activity = now;
    loaded[file.id] = std::move(file);
    return true;
  });
  if (!status.ok()) return status;
  if (!failure.ok()) return failure;
  for (auto& [id, file] : loaded) {
    if (file.complete) continue;
    std::string prefix = FileChunkPrefix(RawId(id));
    status = store.ScanKeys(prefix, [&](std::string_view key) {
      if (key.size() == prefix.size() + 4) {
        uint64_t index = 0;
        for (char c : key.substr(prefix.size())) index = (index << 8) | static_cast<uint8_t>(c);
        file.received.insert(index);
      }
      return true;
    });
    if (!status.ok()) return status;
  }
  files_ = std::move(loaded);
  return Status::OK();
}

FileRecord* FileIndex::Find(const std::string& id) {
  auto it = files_.find(id);
  return it == files_.end() ? nullptr : &it->second;
}

uint64_t FileIndex::UsedBytes(const std::string& user) const {
  uint64_t total = 0;
  for (const auto& [id, file] : files_) {
    if (file.uploader == user) total += file.size;
  }
  return total;
}

size_t FileIndex::PendingUploads(const std::string& user) const {
  size_t count = 0;
  for (const auto& [id, file] : files_) count += !file.complete && file.uploader == user;
  return count;
}

std::set<std::string> FileIndex::IdleUploads(uint64_t deadline) const {
  std::set<std::string> idle;
  for (const auto& [id, file] : files_) {
    if (!file.complete && file.last_activity < deadline) idle.insert(id);
  }
  return idle;
}

// Deletes a file's record and chunks in one batch.
Status Server::DeleteFile(const FileRecord& file) {
  std::string raw = RawId(file.id);
  WriteBatch batch;
  batch.Delete(FileRecordKey(raw));
  for (uint64_t index = 0; index < file.chunks; ++index) batch.Delete(FileChunkKey(raw, index));
  Status status = Write(batch);
  if (!status.ok()) return status;
  files_.Erase(file.id);
  return Status::OK();
}

void Server::ExpireUploads() {
  uint64_t timeout_ms = options_.file_upload_timeout_s * 1000;
  uint64_t now = Now();
  if (now < timeout_ms) return;
  for (const std::string& id : files_.IdleUploads(now - timeout_ms)) {
    FileRecord* file = files_.Find(id);
    if (file != nullptr && !DeleteFile(*file).ok()) {
      Log(LogLevel::kError, "could not delete an expired upload");
    }
  }
}

Status Server::FindUpload(const Session& s, const Json& request, FileRecord** upload) {
  std::string id;
  Status status = protocol::GetString(request, "file", &id, 32);
  if (!status.ok()) return status;
  if (!protocol::ValidHexId(id)) return Status::Invalid("field 'file' must be 32 lowercase hex");
  FileRecord* file = files_.Find(id);
  if (file == nullptr) return Status::NotFound("unknown or expired upload");
  if (file->uploader != s.user) return Status::Denied("not your upload");
  if (!IsMember(file->conv, s.user)) return Status::Denied("not a member of this conversation");
  if (file->complete) return Status::Conflict("the upload is finished already");
  *upload = file;
  return Status::OK();
}

Status Server::OpFileBegin(const Session& s, const Json& request, Json* result) {
  ExpireUploads();
  ConversationRecord* conversation;
  Status status = FindConversation(s, request, &conversation);
  if (!status.ok()) return status;
  uint64_t size = 0;
  status = protocol::GetUint(request, "size", &size);
  if (!status.ok()) return status;
  if (size > options_.max_file_bytes) {
    return Status::Limit("the file has " + std::to_string(size) +
                         " bytes; the limit is " + std::to_string(options_.max_file_bytes));
  }
  if (files_.PendingUploads(s.user) >= kMaxPendingUploads) {
    return Status::Limit("at most 4 uploads at a time");
  }
  uint64_t used = files_.UsedBytes(s.user);
  if (used + size > options_.file_quota_bytes) {
    return Status::Limit("over the file quota of " + std::to_string(options_.file_quota_bytes) +
                         " bytes per account (" + std::to_string(used) + " used)");
  }
  FileRecord file;
  file.id = crypto::RandomIdHex();
  file.conv = conversation->id;
  file.uploader = s.user;
  file.size = size;
  file.chunks = protocol::FileChunkCount(size);
  file.created = file.last_activity = Now();
  WriteBatch batch;
  batch.Put(FileRecordKey(RawId(file.id)), EncodeFileRecord(file));
  status = Write(batch);
  if (!status.ok()) return status;
  *result = Json{{"file", file.id},
                 {"chunks", file.chunks},
                 {"chunk_bytes", protocol::kFileChunkBytes},
                 {"max_file_bytes", options_.max_file_bytes}};
  files_.Put(std::move(file));
  return Status::OK();
}

Status Server::OpFilePut(const Session& s, const Json& request, Json* result) {
  ExpireUploads();
  FileRecord* file;
  Status status = FindUpload(s, request, &file);
  if (!status.ok()) return status;
  uint64_t index = 0;
  status = protocol::GetUint(request, "index", &index);
  if (!status.ok()) return status;
  if (index >= file->chunks) {
    return Status::Invalid("field 'index' must be in 0.." + std::to_string(file->chunks - 1));
  }
  size_t expected = protocol::FileChunkCipherBytes(file->size, index);
  std::string data;
  status = protocol::GetB64(request, "data", &data, expected, expected);
  if (!status.ok()) return status;
  WriteBatch batch;
  batch.Put(FileChunkKey(RawId(file->id), index), std::move(data));
  status = Write(batch);
  if (!status.ok()) return status;
  file->received.insert(index);
  file->last_activity = Now();
  *result = Json{{"received", file->received.size()}};
  return Status::OK();
}

Status Server::OpFileEnd(const Session& s, const Json& request, Json* result) {
  FileRecord* file;
  Status status = FindUpload(s, request, &file);
  if (!status.ok()) return status;
  for (uint64_t index = 0; index < file->chunks; ++index) {
    if (file->received.count(index) == 0) {
      return Status::Invalid("chunk " + std::to_string(index) + " is missing");
    }
  }
  FileRecord complete = *file;
  complete.complete = true;
  complete.received.clear();
  WriteBatch batch;
  batch.Put(FileRecordKey(RawId(complete.id)), EncodeFileRecord(complete));
  status = Write(batch);
  if (!status.ok()) return status;
  *result = Json{{"file", complete.id}, {"size", complete.size}, {"chunks", complete.chunks}};
  files_.Put(std::move(complete));
  return Status::OK();
}

Status Server::OpFileAbort(const Session& s, const Json& request, Json*) {
  FileRecord* file;
  Status status = FindUpload(s, request, &file);
  if (!status.ok()) return status;
  return DeleteFile(*file);
}

Status Server::OpFileGet(const Session& s, const Json& request, Json* result) {
  ConversationRecord* conversation;
  Status status = FindConversation(s, request, &conversation);
  if (!status.ok()) return status;
  std::string id;
  status = protocol::GetString(request, "file", &id, 32);
  if (!status.ok()) return status;
  if (!protocol::ValidHexId(id)) return Status::Invalid("field 'file' must be 32 lowercase hex");
  uint64_t index = 0;
  status = protocol::GetUint(request, "index", &index);
  if (!status.ok()) return status;
  const FileRecord* file = files_.Find(id);
  if (file == nullptr || !file->complete || file->conv != conversation->id) {
    return Status::NotFound("no such file in this conversation");
  }
  if (index >= file->chunks) {
    return Status::Invalid("field 'index' must be in 0.." + std::to_string(file->chunks - 1));
  }
  std::string data;
  status = store_->Get(FileChunkKey(RawId(id), index), &data);
  if (!status.ok()) {
    Log(LogLevel::kError, "a file chunk could not be read: " + status.ToString());
    return Status::Internal("the server could not read the file");
  }
  *result = Json{{"data", crypto::ToBase64(data)}, {"chunks", file->chunks}, {"size", file->size}};
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
