#include "foyer/status.h"

namespace foyer {
namespace {
struct NameEntry {
  Status::Code code;
  const char* name;
};
constexpr NameEntry kNames[] = {
    {Status::Code::kOk, "ok"},
    {Status::Code::kInvalid, "invalid"},
    {Status::Code::kDenied, "denied"},
    {Status::Code::kNotFound, "not_found"},
    {Status::Code::kConflict, "conflict"},
    {Status::Code::kLimit, "limit"},
    {Status::Code::kExpired, "expired"},
    {Status::Code::kRotateNeeded, "rotate_needed"},
    {Status::Code::kIOError, "io_error"},
    {Status::Code::kCorruption, "corruption"},
    {Status::Code::kInternal, "internal"},
};
}  // namespace

const char* Status::CodeName() const {
  for (const auto& entry : kNames) {
    if (entry.code == code_) return entry.name;
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName()) + ": " + message_;
}

Status::Code Status::CodeFromName(const std::string& name) {
  for (const auto& entry : kNames) {
    if (name == entry.name) return entry.code;
  }
  return Code::kInternal;
}

}  // namespace foyer
