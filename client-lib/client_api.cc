// Client: construction, teardown, callbacks and raw requests.
#include <utility>

#include <nlohmann/json.hpp>

#include "client_impl.h"

namespace foyer {
namespace client {

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Client::~Client() { impl_->Shutdown(); }

Status Client::Connect(const Options& options, Credentials credentials,
                       std::unique_ptr<Client>* out) {
  auto impl = std::make_unique<Impl>(options);
  Status status = impl->Start(std::move(credentials));
  if (!status.ok()) {
    impl->Shutdown();
    return status;
  }
  out->reset(new Client(std::move(impl)));
  return Status::OK();
}

const std::string& Client::user() const { return impl_->user_; }

std::string Client::OwnFingerprint() const {
  return crypto::Fingerprint(impl_->sign_.public_key, impl_->box_.public_key);
}

Status Client::Request(const nlohmann::json& request, nlohmann::json* response) {
  auto op = request.find("op");
  if (!request.is_object() || op == request.end() || !op->is_string()) {
    return Status::Invalid("a request is a JSON object with an \"op\"");
  }
  nlohmann::json answer;
  Status status = impl_->Call(request, &answer);
  if (status.ok() && response != nullptr) *response = std::move(answer);
  return status;
}

void Client::OnMessage(std::function<void(const Message&)> callback) {
  std::lock_guard<std::recursive_mutex> running(impl_->running_mutex_);
  std::lock_guard<std::mutex> lock(impl_->callback_mutex_);
  impl_->on_message_ = std::move(callback);
}

void Client::OnError(std::function<void(const MessageError&)> callback) {
  std::lock_guard<std::recursive_mutex> running(impl_->running_mutex_);
  std::lock_guard<std::mutex> lock(impl_->callback_mutex_);
  impl_->on_error_ = std::move(callback);
}

}  // namespace client
}  // namespace foyer
