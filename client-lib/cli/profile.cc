#include "foyer/cli/profile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "foyer/protocol.h"

namespace foyer {
namespace cli {
namespace {

std::string ProfilePath(const std::string& home, const std::string& user) {
  return home + "/" + user + ".json";
}

Status WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError(std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::OK();
}

}  // namespace

std::vector<std::string> ListProfiles(const std::string& home) {
  std::vector<std::string> users;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(home, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0) {
      std::string user = name.substr(0, name.size() - 5);
      if (protocol::ValidUserName(user)) users.push_back(user);
    }
  }
  return users;
}

Status LoadProfile(const std::string& home, const std::string& user, Profile* profile) {
  std::ifstream in(ProfilePath(home, user));
  if (!in) return Status::NotFound("no profile for " + user + " in " + home);
  std::stringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  nlohmann::json json = nlohmann::json::parse(content, nullptr, false);
  crypto::Wipe(&content);
  if (!json.is_object()) return Status::Corruption("the profile of " + user + " is not JSON");
  auto text_of = [&json](const char* field) {
    return json.contains(field) && json[field].is_string() ? json[field].get<std::string>()
                                                           : std::string();
  };
  profile->user = user;
  profile->household = text_of("household");
  profile->role = text_of("role");
  profile->server = text_of("server");
  profile->cacert = text_of("cacert");
  profile->pins.clear();
  if (json.contains("pins") && json["pins"].is_object()) {
    for (const auto& pin : json["pins"].items()) {
      if (pin.value().is_string()) profile->pins[pin.key()] = pin.value().get<std::string>();
    }
  }
  std::string auth_key, kek;
  std::string auth_hex = text_of("auth_key"), kek_hex = text_of("kek");
  if (!auth_hex.empty() || !kek_hex.empty()) {
    if (!crypto::FromHex(auth_hex, &auth_key) || auth_key.size() != 32 ||
        !crypto::FromHex(kek_hex, &kek) || kek.size() != 32) {
      return Status::Corruption("the device keys in the profile of " + user + " are malformed");
    }
    profile->auth_key = crypto::Secret::FromBytes(auth_key);
    profile->kek = crypto::Secret::FromBytes(kek);
    crypto::Wipe(&auth_key);
    crypto::Wipe(&kek);
  }
  crypto::Wipe(&auth_hex);
  crypto::Wipe(&kek_hex);
  for (auto& entry : json.items()) {
    if (entry.value().is_string()) crypto::Wipe(entry.value().get_ptr<std::string*>());
  }
  return Status::OK();
}

Status SaveProfile(const std::string& home, const Profile& profile) {
  std::error_code error;
  std::filesystem::create_directories(home, error);
  if (error) return Status::IOError("cannot create " + home + ": " + error.message());
  ::chmod(home.c_str(), 0700);
  nlohmann::ordered_json json;
  json["user"] = profile.user;
  json["household"] = profile.household;
  json["role"] = profile.role;
  json["server"] = profile.server;
  if (!profile.cacert.empty()) json["cacert"] = profile.cacert;
  json["pins"] = profile.pins;
  if (profile.is_device()) {
    json["auth_key"] = crypto::ToHex(profile.auth_key.view());
    json["kek"] = crypto::ToHex(profile.kek.view());
  }
  std::string data = json.dump(2) + "\n";
  const std::string path = ProfilePath(home, profile.user);
  const std::string temp = path + ".tmp" + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot write " + temp + ": " + std::strerror(errno));
  Status status = WriteAll(fd, data);
  crypto::Wipe(&data);
  if (status.ok() && ::fsync(fd) != 0) status = Status::IOError(std::strerror(errno));
  ::close(fd);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    status = Status::IOError(std::string("cannot replace the profile: ") + std::strerror(errno));
  }
  if (!status.ok()) ::unlink(temp.c_str());
  return status;
}

Status ProfilePins::Save(const std::string& name, const std::string& fingerprint) {
  profile_->pins[name] = fingerprint;
  return SaveProfile(home_, *profile_);
}

}  // namespace cli
}  // namespace foyer
