// Plain-text output of foyer-admin: aligned tables and human-readable values.
#ifndef FOYER_GATEWAY_ADMIN_TABLE_H_
#define FOYER_GATEWAY_ADMIN_TABLE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace foyer {
namespace admin {

// Columns padded to their widest cell (counted in UTF-8 code points), two
// spaces apart, a header line first. No trailing spaces.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  size_t size() const { return rows_.size(); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "2026-11-25 08:30" (local time) for milliseconds since the epoch; "-" for 0
// or a missing/non-numeric value.
std::string FormatTime(const nlohmann::json& ms);
// "1.5 MiB", "812 B".
std::string FormatBytes(uint64_t bytes);
// "3d 4h", "5m 2s".
std::string FormatDuration(uint64_t seconds);
// A JSON value as a cell: strings bare, booleans yes/no, null "-".
std::string Cell(const nlohmann::json& value);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_TABLE_H_
