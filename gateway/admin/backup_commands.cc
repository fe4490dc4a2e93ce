// backup (download from the gateway) and restore (offline, into a stopped
// instance's data directory), with progress on stderr.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.h"
#include "files.h"
#include "foyer/backup_file.h"
#include "foyer/crypto.h"
#include "foyer/store.h"
#include "progress.h"
#include "table.h"

namespace foyer {
namespace admin {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// Reads a backup file through to its end mark: structure and counts.
Status VerifyBackupFile(const std::string& path, backup::Header* header) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + path);
  backup::Reader reader(&in);
  Status status = reader.ReadStart(header);
  RawRecord record;
  bool end = false;
  while (status.ok() && !end) status = reader.Next(&record, &end);
  return status;
}

// True when another process holds LevelDB's lock on `data_dir`/db (a broker
// still running on it).
bool DatabaseInUse(const std::string& data_dir) {
  std::string lock_path = data_dir + "/db/LOCK";
  int fd = open(lock_path.c_str(), O_RDWR);
  if (fd < 0) return false;
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  bool in_use = fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  close(fd);
  return in_use;
}

std::string Timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y%m%d-%H%M%S", &local);
  return text;
}

}  // namespace

int RunBackup(const std::vector<std::string>& args, Context& context) {
  po::options_description options("Options");
  options.add_options()("file", po::value<std::string>()->required(), "")(
      "force", po::bool_switch(), "replace FILE if it exists");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (!ParseOrHelp(args, "backup FILE [--force]", options, positional, &values, context)) {
    return kExitOk;
  }
  std::string path = values["file"].as<std::string>();
  if (PathExists(path) && !values["force"].as<bool>()) {
    throw UsageError(path + " exists (--force replaces it)");
  }
  auto gateway = ConnectGateway(context);
  // The backup is sealed, but it is the whole household: 0600 from the start.
  std::string part = path + ".part";
  int fd = open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ReportError(context, Status::IOError("cannot create " + part));
  Progress progress(context.err, "backup");
  Status status = gateway->Download(
      "/api/v1/backup",
      [&](const char* data, size_t size) {
        while (size > 0) {
          ssize_t n = write(fd, data, size);
          if (n < 0 && errno == EINTR) continue;
          if (n < 0) return Status::IOError("cannot write " + part);
          data += n;
          size -= static_cast<size_t>(n);
        }
        return Status::OK();
      },
      [&](uint64_t received, uint64_t total) { progress.Update(received, total); });
  if (status.ok() && fsync(fd) != 0) status = Status::IOError("cannot sync " + part);
  close(fd);
  progress.Finish();
  backup::Header header;
  if (status.ok()) status = VerifyBackupFile(part, &header);
  if (status.ok() && std::rename(part.c_str(), path.c_str()) != 0) {
    status = Status::IOError("cannot rename " + part + " to " + path);
  }
  if (!status.ok()) {
    unlink(part.c_str());
    return ReportError(context, status);
  }
  if (context.global.json) {
    PrintJson(context, {{"file", path},
                        {"household", header.household_hex},
                        {"records", header.records},
                        {"created", header.created_ms},
                        {"bytes", fs::file_size(path)}});
  } else {
    *context.out << "Backup written to " << path << ": " << header.records << " records, "
                 << FormatBytes(fs::file_size(path)) << ", household " << header.household_hex
                 << ".\nIt is still encrypted: keep the master key (key file or passphrase) "
                    "apart from it; restore needs both.\n";
  }
  return kExitOk;
}

int RunRestore(const std::vector<std::string>& args, Context& context) {
  po::options_description options("Options");
  options.add_options()("file", po::value<std::string>()->required(), "")(
      "data-dir", po::value<std::string>()->required()->value_name("DIR"),
      "data directory of the stopped instance to restore into")(
      "key-file", po::value<std::string>()->value_name("FILE"),
      "master key file of the original instance (default DIR/master.key)")(
      "passphrase-file", po::value<std::string>()->value_name("FILE"),
      "file holding the original instance's master passphrase (first line)")(
      "force", po::bool_switch(),
      "when DIR already holds a database, move it aside (DIR/db.before-restore-TIME)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (!ParseOrHelp(args,
                   "restore FILE --data-dir DIR [--key-file FILE | --passphrase-file FILE] "
                   "[--force]",
                   options, positional, &values, context)) {
    return kExitOk;
  }
  std::string path = values["file"].as<std::string>();
  StoreOptions store_options;
  store_options.data_dir = values["data-dir"].as<std::string>();
  if (values.count("key-file") && values.count("passphrase-file")) {
    throw UsageError("give --key-file or --passphrase-file, not both");
  }
  if (values.count("passphrase-file")) {
    std::string text;
    Status read = ReadWholeFile(values["passphrase-file"].as<std::string>(), &text);
    if (!read.ok()) return ReportError(context, read);
    store_options.passphrase = text.substr(0, text.find_first_of("\r\n"));
    crypto::Wipe(&text);
    if (store_options.passphrase.empty()) throw UsageError("the passphrase file is empty");
  } else {
    store_options.key_file = values.count("key-file") ? values["key-file"].as<std::string>()
                                                      : store_options.data_dir + "/master.key";
    if (!PathExists(store_options.key_file)) {
      return ReportError(context,
                         Status::NotFound("no master key file at " + store_options.key_file +
                                          ": copy the original instance's key file there, or "
                                          "give --key-file or --passphrase-file"));
    }
  }
  const std::string& data_dir = store_options.data_dir;
  if (DatabaseInUse(data_dir)) {
    return ReportError(context, Status::Conflict("the database in " + data_dir +
                                                 " is in use: stop the broker first"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return ReportError(context, Status::IOError("cannot read " + path));
  uint64_t file_bytes = fs::file_size(path);
  backup::Reader reader(&in);
  backup::Header header;
  Status status = reader.ReadStart(&header);
  if (!status.ok()) return ReportError(context, status);

  std::string moved_aside;
  if (PathExists(data_dir + "/db") && !fs::is_empty(data_dir + "/db")) {
    if (!values["force"].as<bool>()) {
      return ReportError(context, Status::Conflict(data_dir + " already holds a database "
                                                              "(--force moves it aside first)"));
    }
    moved_aside = data_dir + "/db.before-restore-" + Timestamp();
    std::error_code error;
    fs::rename(data_dir + "/db", moved_aside, error);
    if (error)
      return ReportError(context,
                         Status::IOError("cannot move the database aside: " + error.message()));
  }
  std::unique_ptr<StoreImport> import;
  status = StoreImport::Begin(store_options, &import);
  Progress progress(context.err, "restore");
  RawRecord record;
  bool end = false;
  while (status.ok() && !end) {
    status = reader.Next(&record, &end);
    if (status.ok() && !end) status = import->Add(record.key, record.value);
    progress.Update(reader.bytes_read(), file_bytes);
  }
  progress.Finish();
  std::string household;
  if (status.ok()) status = import->Finish(&household);
  import.reset();
  crypto::Wipe(&store_options.passphrase);
  if (!status.ok()) {
    if (!moved_aside.empty()) {
      std::error_code error;
      fs::rename(moved_aside, data_dir + "/db", error);
    }
    return ReportError(context, status);
  }
  if (context.global.json) {
    PrintJson(context, {{"data_dir", data_dir},
                        {"household", crypto::ToHex(household)},
                        {"records", header.records},
                        {"moved_aside", moved_aside}});
  } else {
    *context.out << "Restored " << header.records << " records of household "
                 << crypto::ToHex(household) << " into " << data_dir << ".\n";
    if (!moved_aside.empty())
      *context.out << "The previous database is in " << moved_aside << ".\n";
    *context.out << "Start the broker on it (as the user it runs as: check that this user owns "
                 << data_dir << ").\n";
  }
  return kExitOk;
}

}  // namespace admin
}  // namespace foyer
