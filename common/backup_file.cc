#include "foyer/backup_file.h"

#include <cstring>

#include <nlohmann/json.hpp>

#include "foyer/crypto.h"

namespace foyer {
namespace backup {
namespace {

constexpr size_t kMagicBytes = sizeof(kMagic) - 1;

void AppendU32(uint32_t value, std::string* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

void AppendU64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
}

uint64_t DecodeBigEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

Status Truncated() { return Status::Corruption("the backup file is truncated"); }

}  // namespace

std::string EncodeStart(const Header& header) {
  std::string json = nlohmann::json{{"format", 1},
                                    {"household", header.household_hex},
                                    {"created", header.created_ms},
                                    {"records", header.records},
                                    {"version", header.version}}
                         .dump();
  std::string out(kMagic, kMagicBytes);
  AppendU32(static_cast<uint32_t>(json.size()), &out);
  return out + json;
}

std::string EncodeRecord(std::string_view key, std::string_view value) {
  std::string out;
  out.reserve(8 + key.size() + value.size());
  AppendU32(static_cast<uint32_t>(key.size()), &out);
  out.append(key);
  AppendU32(static_cast<uint32_t>(value.size()), &out);
  out.append(value);
  return out;
}

std::string EncodeEnd(uint64_t records) {
  std::string out;
  AppendU32(0, &out);
  AppendU64(records, &out);
  return out;
}

bool Reader::ReadBytes(size_t size, std::string* out) {
  out->resize(size);
  if (size == 0) return true;
  in_->read(&(*out)[0], static_cast<std::streamsize>(size));
  if (static_cast<size_t>(in_->gcount()) != size) return false;
  bytes_read_ += size;
  return true;
}

bool Reader::ReadU32(uint32_t* value) {
  std::string bytes;
  if (!ReadBytes(4, &bytes)) return false;
  *value = static_cast<uint32_t>(DecodeBigEndian(bytes));
  return true;
}

Status Reader::ReadStart(Header* header) {
  std::string magic;
  if (!ReadBytes(kMagicBytes, &magic) || magic != std::string_view(kMagic, kMagicBytes)) {
    return Status::Invalid("not a Foyer backup file (bad magic)");
  }
  uint32_t size = 0;
  std::string text;
  if (!ReadU32(&size)) return Truncated();
  if (size == 0 || size > kMaxHeaderBytes) return Status::Corruption("bad backup header length");
  if (!ReadBytes(size, &text)) return Truncated();
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  std::string household;
  if (!json.is_object() || json.value("format", 0) != 1 || !json["household"].is_string() ||
      !json["records"].is_number_unsigned() || !json["created"].is_number_unsigned() ||
      !crypto::FromHex(json["household"].get<std::string>(), &household) ||
      household.size() != 16) {
    return Status::Corruption("the backup header is malformed or of another format");
  }
  header_.household_hex = json["household"].get<std::string>();
  header_.records = json["records"].get<uint64_t>();
  header_.created_ms = json["created"].get<uint64_t>();
  header_.version = json.value("version", "");
  *header = header_;
  return Status::OK();
}

Status Reader::Next(RawRecord* record, bool* end) {
  *end = false;
  uint32_t key_size = 0;
  if (!ReadU32(&key_size)) return Truncated();
  if (key_size == 0) {
    std::string count;
    if (!ReadBytes(8, &count)) return Truncated();
    if (DecodeBigEndian(count) != records_read_ || records_read_ != header_.records) {
      return Status::Corruption("the backup's record count does not match (records missing)");
    }
    *end = true;
    return Status::OK();
  }
  if (key_size > kMaxKeyBytes) return Status::Corruption("a backup record key is too long");
  if (records_read_ >= header_.records) {
    return Status::Corruption("the backup holds more records than its header says");
  }
  uint32_t value_size = 0;
  if (!ReadBytes(key_size, &record->key) || !ReadU32(&value_size)) return Truncated();
  if (value_size > kMaxValueBytes) return Status::Corruption("a backup record value is too long");
  if (!ReadBytes(value_size, &record->value)) return Truncated();
  ++records_read_;
  return Status::OK();
}

}  // namespace backup
}  // namespace foyer
