// Client: sending and fetching files (docs/protocol.md §10).
#include <string>
#include <utility>
#include <vector>

#include "client_impl.h"
#include "foyer/file_crypto.h"

namespace foyer {
namespace client {

Status Client::SendFile(const std::string& conv, const std::string& name, const std::string& mime,
                        const std::string& data, const std::string& caption, Message* stamped) {
  if (name.empty() || name.size() > protocol::kMaxFileNameBytes) {
    return Status::Invalid("the file name must have 1-255 bytes");
  }
  if (mime.size() > protocol::kMaxFileMimeBytes) return Status::Invalid("the MIME type is too long");
  if (!protocol::ValidHexId(conv)) return Status::Invalid("not a conversation id: " + conv);
  // Ask first: an oversized file is refused before anything is encrypted or sent.
  nlohmann::json begin;
  Status status =
      impl_->Call({{"op", "file_begin"}, {"conv", conv}, {"size", data.size()}}, &begin);
  if (!status.ok()) return status;
  const std::string id = begin.value("file", std::string());
  protocol::EncryptedFile file = protocol::EncryptFile(data);
  if (!protocol::ValidHexId(id) || begin.value("chunks", uint64_t{0}) != file.chunks.size()) {
    return Status::Internal("the server answered file_begin with a bad file id or chunk count");
  }
  for (size_t index = 0; index < file.chunks.size(); ++index) {
    nlohmann::json put;
    status = impl_->Call({{"op", "file_put"},
                          {"file", id},
                          {"index", index},
                          {"data", crypto::ToBase64(file.chunks[index])}},
                         &put);
    if (!status.ok()) break;
  }
  nlohmann::json end;
  if (status.ok()) status = impl_->Call({{"op", "file_end"}, {"file", id}}, &end);
  if (!status.ok()) {
    nlohmann::json ignored;
    impl_->Call({{"op", "file_abort"}, {"file", id}}, &ignored);  // best effort
    return status;
  }
  file.ref.id = id;
  file.ref.name = name;
  file.ref.mime = mime.empty() ? "application/octet-stream" : mime;
  nlohmann::json content = {{"type", "file"}, {"file", protocol::FileRefToJson(file.ref)}};
  if (!caption.empty()) content["text"] = caption;
  status = impl_->SendContent(conv, content, stamped);
  crypto::Wipe(&file.ref.key);
  return status;
}

Status Client::FetchFile(const std::string& conv, const protocol::FileRef& file,
                         std::string* data) {
  if (!protocol::ValidHexId(conv)) return Status::Invalid("not a conversation id: " + conv);
  uint64_t chunks = protocol::FileChunkCount(file.size);
  std::vector<std::string> parts;
  for (uint64_t index = 0; index < chunks; ++index) {
    nlohmann::json got;
    Status status = impl_->Call(
        {{"op", "file_get"}, {"conv", conv}, {"file", file.id}, {"index", index}}, &got);
    if (!status.ok()) return status;
    std::string chunk;
    if (!got.contains("data") || !got["data"].is_string() ||
        !crypto::FromBase64(got["data"].get<std::string>(), &chunk)) {
      return Status::Denied("the server sent a malformed chunk");
    }
    parts.push_back(std::move(chunk));
  }
  return protocol::DecryptFile(file, parts, data);
}

}  // namespace client
}  // namespace foyer
