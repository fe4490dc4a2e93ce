// BackupStream: GET /api/v1/backup as a stream. It pulls the plugin's
// snapshot chunk by chunk (backup_chunk) and writes the backup file
// (foyer/backup_file.h): the start with the header, each record, the end
// mark. A failure aborts the transfer, so that the client is left with a
// file that foyer-admin refuses as truncated.
//
// Threads: used by one HTTP worker at a time.
#ifndef FOYER_GATEWAY_BACKUP_STREAM_H_
#define FOYER_GATEWAY_BACKUP_STREAM_H_

#include <httplib.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "plugin_link.h"

namespace foyer {
namespace gateway {

class BackupStream {
 public:
  // `begin` is the plugin's answer to backup_begin.
  BackupStream(AdminBackend* backend, std::string token, const nlohmann::json& begin);
  // Writes the next piece to `sink`; false to abort.
  bool Next(httplib::DataSink& sink);
  // Releases the plugin's snapshot (backup_end) unless done already.
  void Finish();

 private:
  AdminBackend* backend_;
  std::string token_;
  std::string snapshot_;
  std::string household_;
  uint64_t created_ = 0;
  uint64_t expected_ = 0;
  uint64_t written_ = 0;
  std::string after_;  // b64 key of the last record written
  bool started_ = false;
  bool plugin_done_ = false;
  bool ended_ = false;
};

}  // namespace gateway
}  // namespace foyer

#endif  // FOYER_GATEWAY_BACKUP_STREAM_H_
