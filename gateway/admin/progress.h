// Progress of long work (backup, restore) on stderr: a line rewritten in
// place on a terminal (at most 5 times a second), otherwise one line per 25%
// of a known total; always a final line.
#ifndef FOYER_GATEWAY_ADMIN_PROGRESS_H_
#define FOYER_GATEWAY_ADMIN_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace foyer {
namespace admin {

class Progress {
 public:
  // `terminal`: whether `out` is a terminal (default: whether stderr is).
  Progress(std::ostream* out, std::string label);
  Progress(std::ostream* out, std::string label, bool terminal);
  // `total` 0: unknown.
  void Update(uint64_t done, uint64_t total);
  // Prints the final figure (once).
  void Finish();

 private:
  std::string Line() const;

  std::ostream* out_;
  std::string label_;
  bool terminal_;
  bool finished_ = false;
  uint64_t done_ = 0;
  uint64_t total_ = 0;
  int last_quarter_ = 0;
  std::chrono::steady_clock::time_point last_print_{};
};

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_PROGRESS_H_
