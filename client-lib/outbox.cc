#include "outbox.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace foyer {
namespace client {

void Outbox::Add(Entry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  Slot slot;
  slot.order = next_order_++;
  slot.waiting = true;  // its Send waits from now: an early echo must not be lost
  std::string cmid = entry.cmid;
  slot.entry = std::move(entry);
  slots_[cmid] = std::move(slot);
}

bool Outbox::Stamp(const std::string& cmid, uint64_t seq, uint64_t stime) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = slots_.find(cmid);
  if (it == slots_.end() || it->second.result.state != State::kPending) return false;
  if (!it->second.waiting) {
    slots_.erase(it);  // its Send gave up waiting: it is delivered now
    return true;
  }
  it->second.result.state = State::kStamped;
  it->second.result.seq = seq;
  it->second.result.stime = stime;
  changed_.notify_all();
  return true;
}

void Outbox::Refuse(const std::string& cmid, const Status& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = slots_.find(cmid);
  if (it == slots_.end() || it->second.result.state != State::kPending) return;
  if (!it->second.waiting) {
    slots_.erase(it);
    return;
  }
  it->second.result.state = State::kRefused;
  it->second.result.refusal = why;
  changed_.notify_all();
}

Outbox::Result Outbox::Wait(const std::string& cmid, int timeout_ms) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = slots_.find(cmid);
  if (it == slots_.end()) {
    Result gone;
    gone.state = State::kRefused;
    gone.refusal = Status::NotFound("the message is not in the outbox");
    return gone;
  }
  changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    auto found = slots_.find(cmid);
    return found == slots_.end() || found->second.result.state != State::kPending;
  });
  it = slots_.find(cmid);
  Result result = it->second.result;
  if (result.state == State::kPending) {
    it->second.waiting = false;
  } else {
    slots_.erase(it);
  }
  return result;
}

std::vector<Outbox::Entry> Outbox::Pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const Slot*> slots;
  for (const auto& entry : slots_) {
    if (entry.second.result.state == State::kPending) slots.push_back(&entry.second);
  }
  std::sort(slots.begin(), slots.end(),
            [](const Slot* a, const Slot* b) { return a->order < b->order; });
  std::vector<Entry> entries;
  for (const Slot* slot : slots) entries.push_back(slot->entry);
  return entries;
}

size_t Outbox::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t pending = 0;
  for (const auto& entry : slots_) pending += entry.second.result.state == State::kPending;
  return pending;
}

}  // namespace client
}  // namespace foyer
