// The gateway's built-in service account `~gateway` (docs/admin-api.md): a
// random credential written at each start to the service key file (0600),
// checked at login like a password (keyed hash, constant-time compare). Its
// sessions may only send requests and read responses (the ACL treats them
// like invite sessions) and only the ops `whoami` and `admin`.
#include <string>

#include "foyer/crypto.h"
#include "private_file.h"
#include "server.h"

namespace foyer {
namespace plugin {

Status Server::RotateServiceKey() {
  std::string key = crypto::RandomBytes(crypto::kKeyBytes);
  std::string hex = crypto::ToHex(key);
  std::string material = "service:" + key;
  service_verifier_ = store_->Verifier(material);
  crypto::Wipe(&material);
  crypto::Wipe(&key);
  Status status = WritePrivateFile(service_key_path_, hex + "\n");
  crypto::Wipe(&hex);
  if (!status.ok()) return status;
  Log(LogLevel::kNotice, "service account credential written to " + service_key_path_);
  return Status::OK();
}

bool Server::CheckServiceLogin(std::string_view client_id, const char* password,
                               Session* session) {
  std::string_view user = kServiceUserName;
  bool id_ok = client_id == user ||
               (client_id.size() > user.size() + 1 && client_id.substr(0, user.size()) == user &&
                client_id[user.size()] == ':' &&
                protocol::ValidClientId("gateway", "gateway" + std::string(client_id.substr(
                                                                   user.size()))));
  if (!id_ok) {
    Log(LogLevel::kNotice, "service login refused: client id must be ~gateway[:suffix]");
    return false;
  }
  std::string key;
  bool decoded = crypto::FromHex(password, &key) && key.size() == crypto::kKeyBytes;
  std::string material = "service:" + key;
  bool match = decoded && crypto::Equal(store_->Verifier(material), service_verifier_);
  crypto::Wipe(&material);
  crypto::Wipe(&key);
  if (!match) {
    Log(LogLevel::kNotice, "service login refused: wrong credential");
    return false;
  }
  session->user = kServiceUserName;
  session->role = "service";
  session->service = true;
  return true;
}

}  // namespace plugin
}  // namespace foyer
