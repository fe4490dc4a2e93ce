// The backup file: a Foyer store's raw records (still sealed) in one stream,
// as served by the gateway's GET /api/v1/backup and read by
// `foyer-admin restore` (layout in docs/admin-api.md):
//
//   "FOYERBK1"                          8 bytes, magic and format version
//   u32be n, n bytes                    header, JSON: {"format":1,
//                                       "household":hex,"created":ms,
//                                       "records":count,"version":"x.y.z"}
//   per record: u32be k, k bytes key, u32be v, v bytes sealed value (k >= 1)
//   u32be 0, u64be count                end mark with the number of records
//
// The file holds nothing in clear but the household id and record keys
// (which reveal no names, docs/storage.md); the master key of the original
// store is needed to open it.
#ifndef FOYER_BACKUP_FILE_H_
#define FOYER_BACKUP_FILE_H_

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "foyer/status.h"
#include "foyer/store.h"

namespace foyer {
namespace backup {

constexpr char kMagic[] = "FOYERBK1";
constexpr size_t kMaxKeyBytes = 4096;
constexpr size_t kMaxValueBytes = 1u << 20;
constexpr size_t kMaxHeaderBytes = 4096;

struct Header {
  std::string household_hex;  // 32 hex
  uint64_t created_ms = 0;
  uint64_t records = 0;        // records that follow
  std::string version;         // Foyer version that wrote it
};

// Writers: the pieces of the stream, in order.
std::string EncodeStart(const Header& header);  // magic and header
std::string EncodeRecord(std::string_view key, std::string_view value);
std::string EncodeEnd(uint64_t records);

// Reads a backup stream. Every error is Invalid or Corruption with a reason
// (bad magic, truncated file, a length out of bounds, a count that does not
// match the header).
class Reader {
 public:
  explicit Reader(std::istream* in) : in_(in) {}
  // First call: checks the magic and reads the header.
  Status ReadStart(Header* header);
  // Then: the next record, or `*end` true once the end mark has been read
  // and checked (its count equals the header's and the records read).
  Status Next(RawRecord* record, bool* end);
  // Bytes consumed so far (for progress).
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  bool ReadBytes(size_t size, std::string* out);
  bool ReadU32(uint32_t* value);
  std::istream* in_;
  Header header_;
  uint64_t records_read_ = 0;
  uint64_t bytes_read_ = 0;
};

}  // namespace backup
}  // namespace foyer

#endif  // FOYER_BACKUP_FILE_H_
