#include "requester.h"

#include <chrono>
#include <utility>

#include "foyer/crypto.h"

namespace foyer {
namespace client {

const char* const kTimeoutPrefix = "timed out: ";

Status TimeoutError(const std::string& what) {
  return Status::IOError(std::string(kTimeoutPrefix) + what);
}

Requester::Requester(PublishFunction publish)
    : publish_(std::move(publish)), prefix_(crypto::ToHex(crypto::RandomBytes(4))) {}

Status Requester::Call(nlohmann::json request, int timeout_ms, nlohmann::json* response) {
  auto pending = std::make_shared<Pending>();
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return closed_status_;
    id = prefix_ + "-" + std::to_string(next_++);
    pending_[id] = pending;
  }
  request["id"] = id;
  const std::string op = request.value("op", std::string("request"));
  Status published = publish_(request.dump());
  std::unique_lock<std::mutex> lock(mutex_);
  if (!published.ok()) {
    pending_.erase(id);
    return published;
  }
  answered_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return pending->done; });
  pending_.erase(id);
  if (!pending->done) return TimeoutError("no answer from the server to " + op);
  if (!pending->status.ok()) return pending->status;
  if (response != nullptr) *response = std::move(pending->response);
  return Status::OK();
}

bool Requester::OnResponse(const std::string& payload) {
  nlohmann::json json = nlohmann::json::parse(payload, nullptr, false);
  if (!json.is_object() || !json.contains("id") || !json["id"].is_string()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = pending_.find(json["id"].get<std::string>());
  if (it == pending_.end() || it->second->done) return false;
  Pending& pending = *it->second;
  pending.done = true;
  auto text = [&json](const char* field, const char* fallback) {
    auto found = json.find(field);
    return found != json.end() && found->is_string() ? found->get<std::string>()
                                                     : std::string(fallback);
  };
  auto ok = json.find("ok");
  if (ok != json.end() && ok->is_boolean() && ok->get<bool>()) {
    pending.response = std::move(json);
  } else {
    pending.status = Status::FromCode(Status::CodeFromName(text("error", "internal")),
                                      text("message", "the server refused the request"));
  }
  answered_.notify_all();
  return true;
}

void Requester::FailAll(const Status& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  closed_status_ = status;
  for (auto& entry : pending_) {
    if (entry.second->done) continue;
    entry.second->done = true;
    entry.second->status = status;
  }
  answered_.notify_all();
}

}  // namespace client
}  // namespace foyer
