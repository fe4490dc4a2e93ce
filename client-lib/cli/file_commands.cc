// foyer-cli: send-file, fetch-file (docs/protocol.md §10).
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>

#include "cli.h"
#include "foyer/crypto.h"

namespace foyer {
namespace cli {
namespace {

// The last component of `path` (either separator).
std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A MIME type from the file name's extension (the common ones only).
std::string GuessMime(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {"jpg", "image/jpeg"},  {"jpeg", "image/jpeg"},      {"png", "image/png"},
      {"gif", "image/gif"},   {"webp", "image/webp"},      {"pdf", "application/pdf"},
      {"txt", "text/plain"},  {"mp4", "video/mp4"},        {"mp3", "audio/mpeg"},
      {"zip", "application/zip"}, {"json", "application/json"}, {"csv", "text/csv"}};
  size_t dot = name.find_last_of('.');
  if (dot == std::string::npos) return "application/octet-stream";
  std::string extension = name.substr(dot + 1);
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = kTypes.find(extension);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// A name from a peer made safe to save in the current directory: its base
// name, without control characters, never "", "." or "..".
std::string SafeFileName(const std::string& name) {
  std::string out;
  for (char c : BaseName(name)) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out.push_back(c);
  }
  if (out.empty() || out == "." || out == "..") out = "file";
  if (out[0] == '.') out = "_" + out;  // no hidden files
  return out;
}

}  // namespace

int RunSendFile(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string conv, path, name, mime, caption;
  po::options_description specific("send-file");
  specific.add_options()("conv", po::value<std::string>(&conv)->required()->value_name("ID"),
                         "conversation id")
      ("name", po::value<std::string>(&name)->value_name("NAME"),
       "name shown to the members (default: the file's base name)")
      ("type", po::value<std::string>(&mime)->value_name("MIME"),
       "MIME type (default: from the extension)")
      ("caption", po::value<std::string>(&caption)->value_name("TEXT"), "a caption")
      ("path", po::value<std::string>(&path)->required(), "the file to send");
  po::positional_options_description positional;
  positional.add("path", 1);
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("send-file --conv ID [--name NAME] [--type MIME] [--caption TEXT] PATH",
                 &globals, specific, positional, args, &values, &exit)) {
    return exit;
  }
  std::ifstream file(path, std::ios::binary);
  struct stat info;
  if (!file || ::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return Fail(Status::IOError("cannot read the file " + path));
  }
  std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (name.empty()) name = BaseName(path);
  if (mime.empty()) mime = GuessMime(name);
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  client::Message stamped;
  status = session.client->SendFile(conv, name, mime, data, caption, &stamped);
  if (!status.ok()) return Fail(status);
  std::cout << stamped.seq << "\t" << stamped.file.id << std::endl;
  return kExitOk;
}

int RunFetchFile(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string conv, output;
  uint64_t seq = 0;
  bool force = false;
  po::options_description specific("fetch-file");
  specific.add_options()("conv", po::value<std::string>(&conv)->required()->value_name("ID"),
                         "conversation id")
      ("seq", po::value<uint64_t>(&seq)->required()->value_name("N"),
       "the seq of the message that shares the file")
      ("output,o", po::value<std::string>(&output)->value_name("PATH"),
       "where to save it ('-' for stdout; default: the file's name in the current directory)")
      ("force", po::bool_switch(&force), "replace an existing file");
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("fetch-file --conv ID --seq N [-o PATH] [--force]", &globals, specific, {},
                 args, &values, &exit)) {
    return exit;
  }
  if (seq == 0) return UsageFail("--seq must be at least 1");
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  client::HistoryPage page;
  status = session.client->History(conv, seq + 1, 1, &page);
  if (!status.ok()) return Fail(status);
  const client::Message* message = nullptr;
  for (const auto& candidate : page.messages) {
    if (candidate.seq == seq) message = &candidate;
  }
  if (message == nullptr) {
    return Fail(Status::NotFound("no readable message " + std::to_string(seq) + " in " + conv));
  }
  if (!message->has_file) {
    return Fail(Status::Invalid("message " + std::to_string(seq) + " shares no file"));
  }
  std::string data;
  status = session.client->FetchFile(conv, message->file, &data);
  if (!status.ok()) return Fail(status);
  if (output == "-") {
    std::fwrite(data.data(), 1, data.size(), stdout);
    std::fflush(stdout);
    return kExitOk;
  }
  if (output.empty()) output = SafeFileName(message->file.name);
  struct stat info;
  if (!force && ::stat(output.c_str(), &info) == 0) {
    return Fail(Status::Conflict(output + " exists already (--force replaces it)"));
  }
  std::string partial = output + ".part";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) {
      std::remove(partial.c_str());
      return Fail(Status::IOError("cannot write " + partial));
    }
  }
  if (std::rename(partial.c_str(), output.c_str()) != 0) {
    std::remove(partial.c_str());
    return Fail(Status::IOError("cannot write " + output));
  }
  std::cout << output << std::endl;
  return kExitOk;
}

}  // namespace cli
}  // namespace foyer
