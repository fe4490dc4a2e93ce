#include "gateway_server.h"

#include <fstream>
#include <iterator>
#include <memory>
#include <thread>
#include <utility>

#include "listen_addresses.h"
#include "static_files.h"

namespace foyer {
namespace gateway {

using Json = nlohmann::json;

GatewayServer::GatewayServer(GatewayOptions options, AdminBackend* backend)
    : options_(std::move(options)), backend_(backend) {
  context_ = RestContext{backend_, &lockout_, &counters_, options_.PublicUrl()};
}

GatewayServer::~GatewayServer() { Stop(); }

Status GatewayServer::MakeServer(std::unique_ptr<httplib::Server>* server) {
  if (options_.tls()) {
    auto tls_server = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(),
                                                           options_.tls_key.c_str());
    if (!tls_server->is_valid()) {
      return Status::Invalid("cannot load the TLS certificate " + options_.tls_cert +
                             " and key " + options_.tls_key);
    }
    *server = std::move(tls_server);
  } else {
    *server = std::make_unique<httplib::Server>();
  }
  Setup(**server);
  return Status::OK();
}

Status GatewayServer::Bind() {
  std::vector<ListenAddress> addresses;
  Status status = ParseListenAddresses(options_.listen, &addresses);
  if (!status.ok()) return status;
  servers_.clear();
  bound_port_ = options_.port;
  for (const ListenAddress& address : addresses) {
    std::unique_ptr<httplib::Server> server;
    status = MakeServer(&server);
    if (!status.ok()) return status;
    // IPv6 sockets: only "::" also takes IPv4 (whatever net.ipv6.bindv6only
    // says), so that a specific IPv6 address beside an IPv4 one does not
    // collide with it.
    bool dual_stack = address.dual_stack;
    server->set_socket_options([dual_stack](socket_t socket) {
      int yes = 1;
      setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      int domain = 0;
      socklen_t length = sizeof(domain);
      if (getsockopt(socket, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0 &&
          domain == AF_INET6) {
        int v6_only = dual_stack ? 0 : 1;
        setsockopt(socket, IPPROTO_IPV6, IPV6_V6ONLY, &v6_only, sizeof(v6_only));
      }
    });
    std::string where = UrlHost(address.host);
    if (bound_port_ == 0) {
      bound_port_ = server->bind_to_any_port(address.host);
      if (bound_port_ <= 0) return Status::IOError("cannot bind " + where);
    } else if (!server->bind_to_port(address.host, bound_port_)) {
      return Status::IOError("cannot bind " + where + ":" + std::to_string(bound_port_));
    }
    servers_.push_back(std::move(server));
  }
  return Status::OK();
}

void GatewayServer::Run() {
  if (servers_.empty()) return;
  std::vector<std::thread> others;
  for (size_t i = 1; i < servers_.size(); ++i) {
    others.emplace_back([server = servers_[i].get()] { server->listen_after_bind(); });
  }
  servers_[0]->listen_after_bind();
  for (std::thread& thread : others) thread.join();
}

void GatewayServer::Stop() {
  for (auto& server : servers_) server->stop();
}

void GatewayServer::Setup(httplib::Server& server) {
  int threads = options_.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options_.max_body_bytes);
  server.set_read_timeout(10, 0);
  server.set_write_timeout(30, 0);
  server.set_default_headers(SecurityHeaders(options_.ws_url, options_.tls()));
  // Answers made by the library itself (400, 413, 404 of unknown methods...)
  // get a JSON body; the security headers come with the defaults above.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    switch (res.status) {
      case 413:
        SetError(res, 413, "too_large", "the request body is too large");
        break;
      case 404:
        SetError(res, 404, "not_found", "no such resource: " + req.path);
        break;
      case 400:
        SetError(res, 400, "invalid", "malformed request");
        break;
      default:
        SetError(res, res.status, "error", "the request failed");
    }
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SetError(res, 500, "internal", "the gateway failed on this request");
      });
  server.set_logger([this](const httplib::Request&, const httplib::Response& res) {
    counters_.Count(res.status);
  });

  server.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    ServeHealth(res);
  });
  server.Get("/config.json", [this](const httplib::Request&, httplib::Response& res) {
    ServeConfig(res);
  });
  RegisterRestApi(server, &context_);
  // Any other /api path is a JSON 404, never a file.
  server.Get(R"(/api(/.*)?)", [](const httplib::Request& req, httplib::Response& res) {
    SetError(res, 404, "not_found", "no such API call: " + req.path);
  });
  server.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
    ServeStatic(req, res);
  });
}

void GatewayServer::ServeHealth(httplib::Response& res) {
  bool up = backend_->connected();
  SetJson(res, up ? 200 : 503,
          Json{{"status", up ? "ok" : "unavailable"},
               {"broker", up ? "connected" : "disconnected"}});
}

void GatewayServer::ServeConfig(httplib::Response& res) {
  std::string household = backend_->household();
  if (household.empty()) {
    SetError(res, 503, "unavailable", "the broker has not been reached yet");
    return;
  }
  SetJson(res, 200,
          Json{{"household", household}, {"mqtt_url", options_.ws_url},
               {"name", options_.household}});
}

void GatewayServer::ServeStatic(const httplib::Request& req, httplib::Response& res) {
  std::string file;
  Status status = ResolveStaticPath(options_.web_root, req.path, &file);
  if (status.code() == Status::Code::kInvalid) {
    SetError(res, 400, "invalid", status.message());
    return;
  }
  if (!status.ok()) {
    // Outside the root looks the same as missing: no hint to a prober.
    SetError(res, 404, "not_found", "no such file");
    return;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    SetError(res, 404, "not_found", "no such file");
    return;
  }
  auto body = std::make_shared<std::string>((std::istreambuf_iterator<char>(in)),
                                            std::istreambuf_iterator<char>());
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  // A fixed-length content provider is sent as is: with set_content, httplib
  // would Brotli-compress every answer at quality 11 when the browser accepts
  // br, about 20 s of CPU for the 1 MB app.js on a small machine.
  size_t length = body->size();
  res.set_content_provider(
      length, MimeType(file).c_str(),
      [body](size_t offset, size_t count, httplib::DataSink& sink) {
        return sink.write(body->data() + offset, count);
      });
}

}  // namespace gateway
}  // namespace foyer
