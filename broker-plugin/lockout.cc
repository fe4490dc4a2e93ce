// Lockout (lockout.h); shared by the plugin's logins and the gateway's tokens.
#include "lockout.h"

#include <iterator>

namespace foyer {
namespace plugin {

namespace {

constexpr size_t kMaxLockoutEntries = 4096;

}  // namespace

bool Lockout::Allowed(const std::string& key, uint64_t now_ms) const {
  auto it = entries_.find(key);
  return it == entries_.end() || now_ms >= it->second.locked_until_ms;
}

uint64_t Lockout::LockedUntil(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.locked_until_ms;
}

void Lockout::Failure(const std::string& key, uint64_t now_ms) {
  if (entries_.size() >= kMaxLockoutEntries) Prune(now_ms);
  Entry& entry = entries_[key];
  // A quiet period as long as the longest lock forgives earlier failures.
  if (entry.failures > 0 && now_ms - entry.last_failure_ms > kMaxLockMs &&
      now_ms >= entry.locked_until_ms) {
    entry = Entry();
  }
  entry.failures++;
  entry.last_failure_ms = now_ms;
  if (entry.failures >= free_failures_) {
    int doublings = entry.failures - free_failures_;
    uint64_t lock = doublings >= 20 ? kMaxLockMs : kFirstLockMs << doublings;
    if (lock > kMaxLockMs) lock = kMaxLockMs;
    entry.locked_until_ms = now_ms + lock;
  }
}

void Lockout::Prune(uint64_t now_ms) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    bool stale = now_ms >= it->second.locked_until_ms &&
                 now_ms - it->second.last_failure_ms > kMaxLockMs;
    it = stale ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace plugin
}  // namespace foyer
