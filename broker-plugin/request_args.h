// Argument readers shared by the request handlers: each returns Invalid with
// the field's name when the argument is missing or malformed.
#ifndef FOYER_BROKER_PLUGIN_REQUEST_ARGS_H_
#define FOYER_BROKER_PLUGIN_REQUEST_ARGS_H_

#include <string>

#include <nlohmann/json.hpp>

#include "foyer/protocol.h"
#include "foyer/status.h"

namespace foyer {
namespace plugin {

// A user name argument (docs/protocol.md §1).
inline Status GetUserNameArg(const nlohmann::json& request, const char* field, std::string* out) {
  Status status = protocol::GetString(request, field, out, protocol::kMaxUserNameLength);
  if (!status.ok()) return status;
  std::string why;
  if (!protocol::ValidUserName(*out, &why)) {
    return Status::Invalid(std::string("field '") + field + "': " + why);
  }
  return Status::OK();
}

// A 32-hex conversation id argument.
inline Status GetConvArg(const nlohmann::json& request, std::string* conv) {
  Status status = protocol::GetString(request, "conv", conv, 32);
  if (!status.ok()) return status;
  if (!protocol::ValidHexId(*conv)) return Status::Invalid("field 'conv' must be 32 lowercase hex");
  return Status::OK();
}

// A hex-encoded 32-byte auth key argument (raw bytes out).
inline Status GetAuthKeyArg(const nlohmann::json& request, std::string* auth_key) {
  std::string hex;
  Status status = protocol::GetString(request, "auth_key", &hex, 64);
  if (!status.ok()) return status;
  if (hex.size() != 64 || !crypto::FromHex(hex, auth_key)) {
    return Status::Invalid("field 'auth_key' must be 64 hex characters");
  }
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_REQUEST_ARGS_H_
