#include "progress.h"

#include <unistd.h>

#include "table.h"

namespace foyer {
namespace admin {

Progress::Progress(std::ostream* out, std::string label)
    : Progress(out, std::move(label), isatty(STDERR_FILENO) == 1) {}

Progress::Progress(std::ostream* out, std::string label, bool terminal)
    : out_(out), label_(std::move(label)), terminal_(terminal) {}

std::string Progress::Line() const {
  std::string line = label_ + ": " + FormatBytes(done_);
  if (total_ > 0) {
    line += " of " + FormatBytes(total_) + " (" +
            std::to_string(done_ >= total_ ? 100 : done_ * 100 / total_) + "%)";
  }
  return line;
}

void Progress::Update(uint64_t done, uint64_t total) {
  done_ = done;
  total_ = total;
  auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (now - last_print_ < std::chrono::milliseconds(200)) return;
    last_print_ = now;
    *out_ << "\r" << Line() << "\x1b[K" << std::flush;
    return;
  }
  if (total == 0) return;
  int quarter = static_cast<int>(done >= total ? 4 : done * 4 / total);
  if (quarter > last_quarter_ && quarter < 4) {
    last_quarter_ = quarter;
    *out_ << Line() << "\n" << std::flush;
  }
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (terminal_) *out_ << "\r";
  *out_ << Line() << (terminal_ ? "\x1b[K\n" : "\n") << std::flush;
}

}  // namespace admin
}  // namespace foyer
