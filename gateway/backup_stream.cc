#include "backup_stream.h"

#include <utility>

#include "foyer/backup_file.h"
#include "foyer/crypto.h"

namespace foyer {
namespace gateway {

using Json = nlohmann::json;

BackupStream::BackupStream(AdminBackend* backend, std::string token, const Json& begin)
    : backend_(backend),
      token_(std::move(token)),
      snapshot_(begin.value("snapshot", "")),
      household_(begin.value("household", "")),
      created_(begin.value("created", uint64_t{0})),
      expected_(begin.value("records", uint64_t{0})) {}

bool BackupStream::Next(httplib::DataSink& sink) {
  if (!started_) {
    backup::Header header;
    header.household_hex = household_;
    header.created_ms = created_;
    header.records = expected_;
    header.version = FOYER_VERSION;
    std::string start = backup::EncodeStart(header);
    started_ = true;
    return sink.write(start.data(), start.size());
  }
  if (plugin_done_) {
    if (written_ != expected_) return false;  // the snapshot changed size: refuse
    std::string end = backup::EncodeEnd(written_);
    bool ok = sink.write(end.data(), end.size());
    Finish();
    sink.done();
    return ok;
  }
  Json call{{"op", "backup_chunk"}, {"snapshot", snapshot_}};
  if (!after_.empty()) call["after"] = after_;
  Json chunk;
  Status status = backend_->AdminCall(token_, call, &chunk);
  if (!status.ok() || !chunk["records"].is_array()) return false;
  std::string out;
  for (const Json& record : chunk["records"]) {
    std::string key, value;
    if (!record.is_array() || record.size() != 2 || !record[0].is_string() ||
        !record[1].is_string() || !crypto::FromBase64(record[0].get<std::string>(), &key) ||
        !crypto::FromBase64(record[1].get<std::string>(), &value)) {
      return false;
    }
    out += backup::EncodeRecord(key, value);
    after_ = record[0].get<std::string>();
    ++written_;
  }
  plugin_done_ = chunk.value("done", false);
  if (out.empty() && !plugin_done_) return false;  // no progress
  return out.empty() || sink.write(out.data(), out.size());
}

void BackupStream::Finish() {
  if (ended_ || snapshot_.empty()) return;
  ended_ = true;
  Json ignored;
  backend_->AdminCall(token_, Json{{"op", "backup_end"}, {"snapshot", snapshot_}}, &ignored);
}

}  // namespace gateway
}  // namespace foyer
