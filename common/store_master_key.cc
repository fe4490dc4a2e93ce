#include "store_master_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace foyer {
namespace store_internal {
namespace {

constexpr size_t kMasterKeyBytes = 32;
constexpr size_t kMasterKeyHexChars = 2 * kMasterKeyBytes;
constexpr size_t kDataKeyBytes = 32;
constexpr std::string_view kDataKeyAd = "foyer/datakey/v1";
constexpr char kModeKeyFile[] = "keyfile";
constexpr char kModePassphrase[] = "passphrase";
// Argon2id cost for new passphrase stores; existing stores use their header's.
constexpr uint64_t kPwhashOps = 3;
constexpr uint64_t kPwhashMem = 64u << 20;
// Bounds on a header's Argon2id cost, so that a damaged header cannot make
// the open run for hours or exhaust memory.
constexpr uint64_t kMaxPwhashOps = 10;
constexpr uint64_t kMinPwhashMem = 8u << 10;
constexpr uint64_t kMaxPwhashMem = 1u << 30;

struct KeyHeader {
  std::string mode;       // kModeKeyFile or kModePassphrase
  std::string salt;       // passphrase mode only
  uint64_t opslimit = 0;  // passphrase mode only
  uint64_t memlimit = 0;
  std::string nonce;
  std::string ct;
};

std::string ErrnoText() { return std::strerror(errno); }

std::string OctalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof(text), "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads at most `limit` bytes (enough to tell a too-long file).
bool ReadUpTo(int fd, size_t limit, std::string* out) {
  out->assign(limit, '\0');
  size_t used = 0;
  while (used < limit) {
    ssize_t n = ::read(fd, &(*out)[used], limit - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  // Shrinking never reallocates: the bytes past `used` are zeros.
  out->resize(used);
  return true;
}

bool DecodeHexField(const nlohmann::json& object, const char* name, std::string* out) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return false;
  return crypto::FromHex(it->get<std::string>(), out);
}

bool DecodeNumberField(const nlohmann::json& object, const char* name, uint64_t* out) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_number_unsigned()) return false;
  *out = it->get<uint64_t>();
  return true;
}

std::string EncodeKeyHeader(const KeyHeader& header) {
  nlohmann::json object = {
      {"version", 1},
      {"mode", header.mode},
      {"nonce", crypto::ToHex(header.nonce)},
      {"ct", crypto::ToHex(header.ct)},
  };
  if (header.mode == kModePassphrase) {
    object["salt"] = crypto::ToHex(header.salt);
    object["ops"] = header.opslimit;
    object["mem"] = header.memlimit;
  }
  return object.dump();
}

// False when `text` is not a well-formed version 1 header.
bool DecodeKeyHeader(std::string_view text, KeyHeader* header) {
  nlohmann::json object = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return false;
  auto version = object.find("version");
  auto mode = object.find("mode");
  if (version == object.end() || !version->is_number_integer() || *version != 1) return false;
  if (mode == object.end() || !mode->is_string()) return false;
  KeyHeader result;
  result.mode = mode->get<std::string>();
  if (!DecodeHexField(object, "nonce", &result.nonce) ||
      result.nonce.size() != crypto::kNonceBytes || !DecodeHexField(object, "ct", &result.ct) ||
      result.ct.size() != kDataKeyBytes + crypto::kTagBytes) {
    return false;
  }
  if (result.mode == kModePassphrase) {
    if (!DecodeHexField(object, "salt", &result.salt) || result.salt.size() != crypto::kSaltBytes ||
        !DecodeNumberField(object, "ops", &result.opslimit) ||
        !DecodeNumberField(object, "mem", &result.memlimit)) {
      return false;
    }
  } else if (result.mode != kModeKeyFile) {
    return false;
  }
  *header = std::move(result);
  return true;
}

Status PassphraseKey(const std::string& passphrase, const KeyHeader& header,
                     crypto::Secret* master) {
  crypto::PwhashParams params;
  params.opslimit = header.opslimit;
  params.memlimit = static_cast<size_t>(header.memlimit);
  return crypto::Argon2id(passphrase, header.salt, kDataKeyBytes, params, master);
}

}  // namespace

Status CreateDataKey(const StoreOptions& options, const std::string& key_file,
                     crypto::Secret* data_key, std::string* header_record) {
  KeyHeader header;
  crypto::Secret master;
  Status s;
  if (!options.passphrase.empty()) {
    header.mode = kModePassphrase;
    header.salt = crypto::RandomBytes(crypto::kSaltBytes);
    header.opslimit = kPwhashOps;
    header.memlimit = kPwhashMem;
    s = PassphraseKey(options.passphrase, header, &master);
  } else {
    header.mode = kModeKeyFile;
    s = ReadKeyFile(key_file, &master);
    if (s.code() == Status::Code::kNotFound) s = CreateKeyFile(key_file, &master);
  }
  if (!s.ok()) return s;
  crypto::Secret fresh = crypto::Secret::Random(kDataKeyBytes);
  header.nonce = crypto::RandomBytes(crypto::kNonceBytes);
  header.ct = crypto::AeadSeal(master, header.nonce, fresh.view(), kDataKeyAd);
  *header_record = EncodeKeyHeader(header);
  *data_key = std::move(fresh);
  return Status::OK();
}

Status OpenDataKey(const StoreOptions& options, const std::string& key_file,
                   std::string_view header_record, crypto::Secret* data_key) {
  const std::string& dir = options.data_dir;
  KeyHeader header;
  if (!DecodeKeyHeader(header_record, &header)) {
    return Status::Corruption("the key header of the store in " + dir + " is damaged");
  }
  bool has_passphrase = !options.passphrase.empty();
  if (header.mode == kModePassphrase && !has_passphrase) {
    return Status::Invalid("the store in " + dir +
                           " was created with a passphrase: give the passphrase (a key file "
                           "cannot open it)");
  }
  if (header.mode == kModeKeyFile && has_passphrase) {
    return Status::Invalid("the store in " + dir +
                           " was created with a key file: open it with its key file, not a "
                           "passphrase");
  }
  crypto::Secret master;
  Status s;
  if (has_passphrase) {
    if (header.opslimit < 1 || header.opslimit > kMaxPwhashOps || header.memlimit < kMinPwhashMem ||
        header.memlimit > kMaxPwhashMem) {
      return Status::Corruption("the key header of the store in " + dir +
                                " has out-of-range Argon2id parameters");
    }
    s = PassphraseKey(options.passphrase, header, &master);
  } else {
    s = ReadKeyFile(key_file, &master);
    if (s.code() == Status::Code::kNotFound) {
      s = Status::NotFound(s.message() + "; the store in " + dir +
                           " needs the key file it was created with");
    }
  }
  if (!s.ok()) return s;
  crypto::Secret opened;
  if (!crypto::AeadOpenSecret(master, header.nonce, header.ct, kDataKeyAd, &opened) ||
      opened.size() != kDataKeyBytes) {
    return Status::Denied("the master key does not open this store (wrong key file or passphrase)");
  }
  *data_key = std::move(opened);
  return Status::OK();
}

Status ReadKeyFile(const std::string& path, crypto::Secret* key) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("master key file " + path + " does not exist");
    return Status::IOError("cannot open master key file " + path + ": " + ErrnoText());
  }
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    std::string reason = ErrnoText();
    ::close(fd);
    return Status::IOError("cannot stat master key file " + path + ": " + reason);
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return Status::Invalid("master key file " + path + " is not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    return Status::Denied("master key file " + path + " is accessible by group or others (mode " +
                          OctalMode(info.st_mode) + "); run: chmod 600 " + path);
  }
  std::string text;
  bool read_ok = ReadUpTo(fd, kMasterKeyHexChars + 2, &text);
  std::string reason = read_ok ? std::string() : ErrnoText();
  ::close(fd);
  if (!read_ok) {
    crypto::Wipe(&text);
    return Status::IOError("cannot read master key file " + path + ": " + reason);
  }
  bool shape_ok = text.size() == kMasterKeyHexChars ||
                  (text.size() == kMasterKeyHexChars + 1 && text.back() == '\n');
  std::string bytes;
  bool decoded = shape_ok &&
                 crypto::FromHex(std::string_view(text).substr(0, kMasterKeyHexChars), &bytes) &&
                 bytes.size() == kMasterKeyBytes;
  if (decoded) *key = crypto::Secret::FromBytes(bytes);
  crypto::Wipe(&text);
  crypto::Wipe(&bytes);
  if (!decoded) {
    return Status::Invalid("master key file " + path +
                           " is malformed: expected 64 hex characters and an optional newline");
  }
  return Status::OK();
}

Status CreateKeyFile(const std::string& path, crypto::Secret* key) {
  crypto::Secret fresh = crypto::Secret::Random(kMasterKeyBytes);
  std::string text = crypto::ToHex(fresh.view());  // wiped below; never grown

  std::string pattern = path + ".tmp.XXXXXX";
  std::vector<char> temp_path(pattern.begin(), pattern.end());
  temp_path.push_back('\0');
  int fd = ::mkstemp(temp_path.data());  // mode 0600
  if (fd < 0) {
    std::string reason = ErrnoText();
    crypto::Wipe(&text);
    return Status::IOError("cannot create master key file " + path + ": " + reason);
  }
  bool written =
      ::fchmod(fd, 0600) == 0 && WriteAll(fd, text) && WriteAll(fd, "\n") && ::fsync(fd) == 0;
  std::string reason = written ? std::string() : ErrnoText();
  crypto::Wipe(&text);
  if (::close(fd) != 0 && written) {
    written = false;
    reason = ErrnoText();
  }
  if (written && ::rename(temp_path.data(), path.c_str()) != 0) {
    written = false;
    reason = ErrnoText();
  }
  if (!written) {
    ::unlink(temp_path.data());
    return Status::IOError("cannot write master key file " + path + ": " + reason);
  }
  // Make the rename itself durable.
  int dir_fd = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  *key = std::move(fresh);
  return Status::OK();
}

}  // namespace store_internal
}  // namespace foyer
