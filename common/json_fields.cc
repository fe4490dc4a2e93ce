// JSON field readers shared by the protocol parsers and the request handlers.
// Each error names the field, so that a refusal tells the sender what to fix.
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "protocol_internal.h"

namespace foyer {
namespace protocol {

namespace {

std::string Quoted(const char* field) { return std::string("field '") + field + "'"; }

// Finds `field` in `object`; an error when `object` is not an object or has no such member.
Status Find(const nlohmann::json& object, const char* field, const nlohmann::json** value) {
  if (!object.is_object()) return Status::Invalid("expected a JSON object");
  auto it = object.find(field);
  if (it == object.end()) return Status::Invalid(Quoted(field) + " is missing");
  *value = &*it;
  return Status::OK();
}

// Number of base64url characters (no padding) that encode `bytes` bytes.
size_t Base64Length(size_t bytes) { return bytes / 3 * 4 + (bytes % 3 == 0 ? 0 : bytes % 3 + 1); }

}  // namespace

Status GetString(const nlohmann::json& object, const char* field, std::string* out,
                 size_t max_length) {
  const nlohmann::json* value = nullptr;
  Status status = Find(object, field, &value);
  if (!status.ok()) return status;
  if (!value->is_string()) return Status::Invalid(Quoted(field) + " must be a string");
  const std::string& text = value->get_ref<const std::string&>();
  if (text.size() > max_length) {
    return Status::Invalid(Quoted(field) + " is longer than " + std::to_string(max_length) +
                           " bytes");
  }
  *out = text;
  return Status::OK();
}

Status GetB64(const nlohmann::json& object, const char* field, std::string* raw, size_t min_bytes,
              size_t max_bytes) {
  const nlohmann::json* value = nullptr;
  Status status = Find(object, field, &value);
  if (!status.ok()) return status;
  if (!value->is_string()) return Status::Invalid(Quoted(field) + " must be a base64url string");
  const std::string& text = value->get_ref<const std::string&>();
  std::string range = min_bytes == max_bytes
                          ? std::to_string(min_bytes)
                          : std::to_string(min_bytes) + ".." + std::to_string(max_bytes);
  // Refuse an oversized text before decoding it.
  if (max_bytes < std::numeric_limits<size_t>::max() / 2 && text.size() > Base64Length(max_bytes)) {
    return Status::Invalid(Quoted(field) + " must decode to " + range + " bytes");
  }
  std::string decoded;
  if (!crypto::FromBase64(text, &decoded)) {
    return Status::Invalid(Quoted(field) + " is not valid base64url (URL-safe, no padding)");
  }
  if (decoded.size() < min_bytes || decoded.size() > max_bytes) {
    return Status::Invalid(Quoted(field) + " must decode to " + range + " bytes, not " +
                           std::to_string(decoded.size()));
  }
  *raw = std::move(decoded);
  return Status::OK();
}

Status GetUint(const nlohmann::json& object, const char* field, uint64_t* out) {
  const nlohmann::json* value = nullptr;
  Status status = Find(object, field, &value);
  if (!status.ok()) return status;
  // Parsed JSON holds non-negative integers as unsigned; a json built in C++
  // from an int literal holds a signed one.
  if (value->is_number_unsigned()) {
    *out = value->get<uint64_t>();
    return Status::OK();
  }
  if (value->is_number_integer() && value->get<int64_t>() >= 0) {
    *out = static_cast<uint64_t>(value->get<int64_t>());
    return Status::OK();
  }
  return Status::Invalid(Quoted(field) + " must be an unsigned integer");
}

namespace internal {

bool ValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t extra;
    uint32_t code_point;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      extra = 1;
      code_point = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      extra = 2;
      code_point = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      extra = 3;
      code_point = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kMinimum[] = {0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[extra] || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Status GetEpoch(const nlohmann::json& object, const char* field, uint32_t* out) {
  uint64_t value = 0;
  Status status = GetUint(object, field, &value);
  if (!status.ok()) return status;
  if (value < 1 || value > std::numeric_limits<uint32_t>::max()) {
    return Status::Invalid(Quoted(field) + " must be in 1..4294967295");
  }
  *out = static_cast<uint32_t>(value);
  return Status::OK();
}

Status GetUserName(const nlohmann::json& object, const char* field, std::string* out) {
  std::string name;
  Status status = GetString(object, field, &name, 4096);
  if (!status.ok()) return status;
  std::string why;
  if (!ValidUserName(name, &why)) {
    return Status::Invalid(Quoted(field) + " is not a valid user name: " + why);
  }
  *out = std::move(name);
  return Status::OK();
}

Status GetHexId(const nlohmann::json& object, const char* field, std::string* out) {
  std::string id;
  Status status = GetString(object, field, &id, 32);
  if (!status.ok()) return status;
  if (!ValidHexId(id)) return Status::Invalid(Quoted(field) + " must be 32 lowercase hex");
  *out = std::move(id);
  return Status::OK();
}

Status CheckOnlyFields(const nlohmann::json& object, const char* const* allowed) {
  if (!object.is_object()) return Status::Invalid("expected a JSON object");
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* const* name = allowed; *name != nullptr && !known; ++name) {
      known = it.key() == *name;
    }
    if (!known) return Status::Invalid("unknown field '" + it.key().substr(0, 64) + "'");
  }
  return Status::OK();
}

}  // namespace internal
}  // namespace protocol
}  // namespace foyer
