// plugin_opt_* parsing.
#include "options.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/program_options.hpp>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer {
namespace plugin {

namespace {

Status ParseNumber(const std::string& name, const std::string& value, uint64_t min,
                   uint64_t max, uint64_t* out) {
  std::string range = " (" + std::to_string(min) + ".." + std::to_string(max) + ")";
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos ||
      value.size() > 19) {
    return Status::Invalid("plugin_opt_" + name + " must be a whole number" + range);
  }
  uint64_t number = std::strtoull(value.c_str(), nullptr, 10);
  if (number < min || number > max) {
    return Status::Invalid("plugin_opt_" + name + " is out of range" + range);
  }
  *out = number;
  return Status::OK();
}

const char* const kOptionNames[] = {"data_dir",   "key_file",    "passphrase_file",
                                    "invite_ttl", "max_people",  "max_devices",
                                    "sync_ms",    "gateway_key_file",
                                    "max_file_bytes", "file_quota_bytes",
                                    "file_upload_timeout"};

// The top-level keys of the shared INI file, in file order.
Status ReadConfigFile(const std::string& path,
                      std::vector<std::pair<std::string, std::string>>* pairs) {
  namespace po = boost::program_options;
  std::ifstream file(path);
  if (!file) return Status::IOError("cannot read the configuration file " + path);
  po::options_description description;
  for (const char* name : kOptionNames) {
    description.add_options()(name, po::value<std::string>());
  }
  try {
    po::parsed_options parsed = po::parse_config_file(file, description, true);
    for (const po::option& option : parsed.options) {
      if (option.string_key.find('.') != std::string::npos) continue;  // a [section]
      if (option.unregistered) {
        return Status::Invalid("unknown option '" + option.string_key + "' in " + path);
      }
      pairs->emplace_back(option.string_key, option.value.empty() ? "" : option.value.front());
    }
  } catch (const std::exception& e) {
    return Status::Invalid("cannot parse " + path + ": " + e.what());
  }
  return Status::OK();
}

}  // namespace

Status ParseOptions(const std::vector<std::pair<std::string, std::string>>& given,
                    PluginOptions* out) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [name, value] : given) {
    if (name != "config") continue;
    Status status = ReadConfigFile(value, &pairs);
    if (!status.ok()) return status;
  }
  for (const auto& pair : given) {
    if (pair.first != "config") pairs.push_back(pair);
  }
  PluginOptions options;
  for (const auto& [name, value] : pairs) {
    Status status;
    if (name == "gateway_key_file") {
      options.gateway_key_file = value;
    } else if (name == "data_dir") {
      options.data_dir = value;
    } else if (name == "key_file") {
      options.key_file = value;
    } else if (name == "passphrase_file") {
      options.passphrase_file = value;
    } else if (name == "invite_ttl") {
      status = ParseNumber(name, value, 60, 2592000, &options.invite_ttl_s);
    } else if (name == "max_people") {
      status = ParseNumber(name, value, 1, protocol::kMaxPeople, &options.max_people);
    } else if (name == "max_devices") {
      status = ParseNumber(name, value, 0, protocol::kMaxDevices, &options.max_devices);
    } else if (name == "sync_ms") {
      status = ParseNumber(name, value, 0, 60000, &options.sync_ms);
    } else if (name == "max_file_bytes") {
      // At most 1 GiB: a file is read whole by the clients.
      status = ParseNumber(name, value, 0, 1073741824, &options.max_file_bytes);
    } else if (name == "file_quota_bytes") {
      status = ParseNumber(name, value, 0, UINT64_C(1) << 50, &options.file_quota_bytes);
    } else if (name == "file_upload_timeout") {
      status = ParseNumber(name, value, 10, 86400, &options.file_upload_timeout_s);
    } else {
      status = Status::Invalid("unknown option plugin_opt_" + name);
    }
    if (!status.ok()) return status;
  }
  if (options.data_dir.empty()) return Status::Invalid("plugin_opt_data_dir is required");
  if (!options.key_file.empty() && !options.passphrase_file.empty()) {
    return Status::Invalid("give plugin_opt_key_file or plugin_opt_passphrase_file, not both");
  }
  *out = std::move(options);
  return Status::OK();
}

Status ReadPassphraseFile(const std::string& path, std::string* passphrase) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::IOError("cannot read the passphrase file " + path);
  std::string line;
  std::getline(file, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) {
    crypto::Wipe(&line);
    return Status::Invalid("the passphrase file " + path + " is empty");
  }
  *passphrase = line;
  crypto::Wipe(&line);
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
