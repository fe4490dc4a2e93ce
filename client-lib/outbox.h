// Outbox: messages published but not yet stamped by the server
// (docs/protocol.md §5). An entry leaves the outbox when its echo comes back
// with a seq, or when the server refuses it; until then it is published again
// after every reconnect.
//
// Thread safety: all methods may be called from several threads; Stamp and
// Refuse are called from the transport's thread.
#ifndef FOYER_CLIENT_LIB_OUTBOX_H_
#define FOYER_CLIENT_LIB_OUTBOX_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "foyer/status.h"

namespace foyer {
namespace client {

class Outbox {
 public:
  struct Entry {
    std::string conv;
    std::string cmid;
    std::string payload;  // the envelope JSON as published
    std::string text;
    std::string reply_to;
    uint32_t epoch = 0;
    uint64_t ts = 0;
  };
  enum class State { kPending, kStamped, kRefused };
  struct Result {
    State state = State::kPending;
    uint64_t seq = 0;
    uint64_t stime = 0;
    Status refusal;
  };

  // Adds an entry whose sender will Wait for it.
  void Add(Entry entry);
  // The echo of `cmid` came back with a seq. False if it is not in the outbox.
  bool Stamp(const std::string& cmid, uint64_t seq, uint64_t stime);
  // The server refused `cmid`: it leaves the outbox.
  void Refuse(const std::string& cmid, const Status& why);
  // Waits until `cmid` is stamped or refused, at most `timeout_ms`. A finished
  // entry is removed; a pending one stays (kPending is returned) and leaves
  // the outbox by itself once stamped or refused. Call once per entry.
  Result Wait(const std::string& cmid, int timeout_ms);
  // The entries still waiting for their seq, oldest first.
  std::vector<Entry> Pending() const;
  size_t size() const;

 private:
  struct Slot {
    Entry entry;
    uint64_t order = 0;
    Result result;
    bool waiting = false;
  };
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  uint64_t next_order_ = 0;
  std::map<std::string, Slot> slots_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_LIB_OUTBOX_H_
