// RestClient over cpp-httplib (compiled with its pkg-config flags: OpenSSL).
#include "rest_client.h"

#include <httplib.h>

#include <cctype>
#include <cstdio>

namespace foyer {
namespace admin {

struct RestClient::Impl {
  std::string origin;  // scheme://host:port
  std::string prefix;  // path prefix without a trailing '/', may be empty
  std::string cacert;
  std::unique_ptr<httplib::Client> http;

  // The answer of a finished request, or why there was none.
  Status Finish(const httplib::Result& result, nlohmann::json* out) {
    if (!result) return NoAnswer(result.error());
    if (result->status < 200 || result->status > 299) {
      return StatusFromHttp(result->status, result->body, result->get_header_value("Retry-After"));
    }
    if (out == nullptr) return Status::OK();
    nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      return Status::Internal("the gateway's answer is not a JSON object (is " + origin +
                              " a Foyer gateway?)");
    }
    *out = std::move(body);
    return Status::OK();
  }

  Status NoAnswer(httplib::Error error) {
    if (error == httplib::Error::SSLServerVerification) {
      return Status::IOError(
          "the gateway's TLS certificate is not trusted" +
          std::string(cacert.empty() ? " (give the household CA with --cacert)"
                                     : " by " + cacert + " (or it does not name this host)"));
    }
    if (error == httplib::Error::SSLConnection) {
      return Status::IOError("no TLS connection with " + origin +
                             " (is it an http:// address, or a wrong port?)");
    }
    if (error == httplib::Error::Connection) {
      return Status::IOError("cannot connect to the gateway at " + origin +
                             " (is it running? is the address right?)");
    }
    return Status::IOError("no answer from the gateway at " + origin + ": " +
                           httplib::to_string(error));
  }
};

RestClient::RestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RestClient::~RestClient() = default;

Status RestClient::Create(const RestOptions& options, std::unique_ptr<RestClient>* out) {
  const std::string& url = options.url;
  size_t scheme_end = url.find("://");
  std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Status::Invalid("the gateway address must start with http:// or https://: " + url);
  }
  size_t path_start = url.find('/', scheme_end + 3);
  auto impl = std::make_unique<Impl>();
  impl->origin = url.substr(0, path_start);
  impl->prefix = path_start == std::string::npos ? "" : url.substr(path_start);
  while (!impl->prefix.empty() && impl->prefix.back() == '/') impl->prefix.pop_back();
  if (impl->origin.size() <= scheme_end + 3) return Status::Invalid("no host in " + url);
  impl->cacert = options.cacert;
  impl->http = std::make_unique<httplib::Client>(impl->origin);
  if (!impl->http->is_valid()) return Status::Invalid("cannot use the address " + url);
  impl->http->set_connection_timeout(options.timeout_s, 0);
  impl->http->set_read_timeout(options.timeout_s, 0);
  impl->http->set_write_timeout(options.timeout_s, 0);
  if (!options.token.empty()) impl->http->set_bearer_token_auth(options.token.c_str());
  if (scheme == "https") {
    impl->http->enable_server_certificate_verification(true);
    if (!options.cacert.empty()) {
      std::FILE* file = std::fopen(options.cacert.c_str(), "r");
      if (file == nullptr) return Status::IOError("cannot read the CA file " + options.cacert);
      std::fclose(file);
      impl->http->set_ca_cert_path(options.cacert.c_str());
    }
  }
  out->reset(new RestClient(std::move(impl)));
  return Status::OK();
}

Status RestClient::Get(const std::string& path, nlohmann::json* out) {
  return impl_->Finish(impl_->http->Get((impl_->prefix + path).c_str()), out);
}

Status RestClient::Post(const std::string& path, const nlohmann::json& body, nlohmann::json* out) {
  return impl_->Finish(
      impl_->http->Post((impl_->prefix + path).c_str(), body.dump(), "application/json"), out);
}

Status RestClient::Delete(const std::string& path, nlohmann::json* out) {
  return impl_->Finish(impl_->http->Delete((impl_->prefix + path).c_str()), out);
}

Status RestClient::Download(const std::string& path, const Sink& sink,
                            const ProgressFunction& progress) {
  int http_status = 0;
  std::string retry_after;
  std::string error_body;
  Status sink_status;
  uint64_t received = 0;
  uint64_t total = 0;
  httplib::Result result = impl_->http->Get(
      (impl_->prefix + path).c_str(), httplib::Headers{},
      [&](const httplib::Response& response) {
        http_status = response.status;
        retry_after = response.get_header_value("Retry-After");
        if (response.has_header("Content-Length")) {
          total = std::strtoull(response.get_header_value("Content-Length").c_str(), nullptr, 10);
        }
        return true;
      },
      [&](const char* data, size_t size) {
        if (http_status < 200 || http_status > 299) {
          // An error answer is small JSON: keep it for the message.
          if (error_body.size() < 65536) error_body.append(data, size);
          return true;
        }
        sink_status = sink(data, size);
        received += size;
        if (progress) progress(received, total);
        return sink_status.ok();
      });
  if (!sink_status.ok()) return sink_status;
  if (!result) return impl_->NoAnswer(result.error());
  if (http_status < 200 || http_status > 299) {
    return StatusFromHttp(http_status, error_body, retry_after);
  }
  if (total != 0 && received != total) {
    return Status::IOError("the download stopped after " + std::to_string(received) + " of " +
                           std::to_string(total) + " bytes");
  }
  return Status::OK();
}

Status StatusFromHttp(int http_status, const std::string& body, const std::string& retry_after) {
  nlohmann::json error = nlohmann::json::parse(body, nullptr, false);
  std::string message;
  if (error.is_object() && error.contains("message") && error["message"].is_string()) {
    message = error["message"].get<std::string>();
  }
  std::string suffix = " (HTTP " + std::to_string(http_status) + ")";
  switch (http_status) {
    case 400:
      return Status::Invalid((message.empty() ? "the gateway refused the request" : message) +
                             suffix);
    case 401:
      return Status::Denied("the admin token is missing or wrong" + suffix +
                            "; make one with `foyer-admin token create`");
    case 403:
      return Status::Denied((message.empty() ? "not allowed" : message) + suffix);
    case 404:
      return Status::NotFound((message.empty() ? "not found" : message) + suffix);
    case 409:
      return Status::Conflict((message.empty() ? "conflict" : message) + suffix);
    case 413:
      return Status::Limit((message.empty() ? "the request is too large" : message) + suffix);
    case 429:
      return Status::Limit(
          "locked out after repeated wrong tokens" +
          (retry_after.empty() ? std::string() : "; try again in " + retry_after + " s") + suffix);
    case 503:
      return Status::IOError((message.empty() ? "the gateway cannot reach the broker" : message) +
                             suffix);
    default:
      return Status::Internal((message.empty() ? "the gateway failed" : message) + suffix);
  }
}

std::string EscapePathSegment(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof(hex), "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace admin
}  // namespace foyer
