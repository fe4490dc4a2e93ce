// Status: the result of an operation that can fail, in the manner of LevelDB's.
// Cheap to copy when OK; an error carries a code (also the protocol's error
// code, see docs/protocol.md §7) and a human-readable message.
#ifndef FOYER_STATUS_H_
#define FOYER_STATUS_H_

#include <string>
#include <utility>

namespace foyer {

class Status {
 public:
  enum class Code {
    kOk,
    kInvalid,       // malformed input
    kDenied,        // not allowed
    kNotFound,
    kConflict,      // already exists, stale epoch
    kLimit,         // size or count limit
    kExpired,
    kRotateNeeded,  // conversation waits for a new epoch
    kIOError,       // disk or network
    kCorruption,    // stored data does not open or parse
    kInternal,
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status Invalid(std::string m) { return Status(Code::kInvalid, std::move(m)); }
  static Status Denied(std::string m) { return Status(Code::kDenied, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Code::kNotFound, std::move(m)); }
  static Status Conflict(std::string m) { return Status(Code::kConflict, std::move(m)); }
  static Status Limit(std::string m) { return Status(Code::kLimit, std::move(m)); }
  static Status Expired(std::string m) { return Status(Code::kExpired, std::move(m)); }
  static Status RotateNeeded(std::string m) { return Status(Code::kRotateNeeded, std::move(m)); }
  static Status IOError(std::string m) { return Status(Code::kIOError, std::move(m)); }
  static Status Corruption(std::string m) { return Status(Code::kCorruption, std::move(m)); }
  static Status Internal(std::string m) { return Status(Code::kInternal, std::move(m)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // The protocol's error code: "invalid", "denied", ... ("ok" when ok()).
  const char* CodeName() const;
  // "invalid: the reason" (or "OK").
  std::string ToString() const;
  // Parses a protocol error code back (unknown codes give kInternal).
  static Code CodeFromName(const std::string& name);
  static Status FromCode(Code code, std::string message) { return Status(code, std::move(message)); }

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace foyer

#endif  // FOYER_STATUS_H_
