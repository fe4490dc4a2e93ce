// The HTTP side of the gateway against a fake plugin: security headers on
// every answer (errors included), static files, config.json, health, the
// REST mapping, the token lockout by peer address and the body cap.
#include "gateway_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace foyer {
namespace gateway {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

const std::string kGoodToken = "foyer_" + std::string(43, 'A');
const std::string kWrongToken = "foyer_" + std::string(43, 'B');

class FakeBackend : public AdminBackend {
 public:
  bool connected() const override { return up; }
  std::string household() const override { return up ? std::string(32, 'a') : ""; }
  Status AdminCall(const std::string& token, const Json& call, Json* result) override {
    std::lock_guard<std::mutex> lock(mutex);
    calls.push_back(call);
    if (!up) return Status::IOError("the broker is not connected");
    if (token != kGoodToken) return Status::Denied(kWrongTokenMessage);
    std::string op = call["op"];
    if (op == "invite") {
      if (call.value("name", "") == "taken") return Status::Conflict("user taken exists");
      *result = Json{{"code", "CODE"}, {"user", call["name"]}, {"role", "member"},
                     {"expires", 5}};
    } else if (op == "user_list") {
      *result = Json{{"users", Json::array({Json{{"name", "admin"}}})}};
    } else if (op == "status") {
      *result = Json{{"version", "0.1.0"}, {"uptime_s", 1}, {"users", 2}, {"devices", 0},
                     {"connected", 1}, {"messages", 7}, {"disk_bytes", 100},
                     {"failed_logins", 3}, {"household", household()}};
    } else if (op == "user_delete") {
      if (call.value("name", "") == "ghost") return Status::NotFound("unknown user ghost");
      *result = Json::object();
    } else {
      *result = Json::object();
    }
    return Status::OK();
  }
  bool up = true;
  std::mutex mutex;
  std::vector<Json> calls;
};

class GatewayServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/foyer-gw-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ + "/web");
    std::ofstream(dir_ + "/web/index.html") << "<!doctype html><title>Foyer</title>";
    std::ofstream(dir_ + "/web/app.js") << "console.log(1)";
    std::ofstream(dir_ + "/secret.txt") << "outside";
    fs::create_symlink(dir_ + "/secret.txt", dir_ + "/web/out.txt");
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    fs::remove_all(dir_);
  }

  void Start(bool up = true) {
    backend_.up = up;
    GatewayOptions options;
    options.port = 0;
    options.web_root = dir_ + "/web";
    options.ws_url = "wss://foyer.home:8884/mqtt";
    options.public_url = "https://foyer.home:8443/";
    options.max_body_bytes = 2048;
    options.data_dir = dir_;
    server_ = std::make_unique<GatewayServer>(options, &backend_);
    ASSERT_TRUE(server_->Bind().ok());
    thread_ = std::thread([this] { server_->Run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->bound_port());
    client_->set_url_encode(false);
    for (int i = 0; i < 100 && !client_->Get("/healthz"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  httplib::Headers Auth(const std::string& token = kGoodToken) {
    return {{"Authorization", "Bearer " + token}};
  }

  // Sends `request` as raw bytes and returns the whole answer. `source`
  // binds the local end to another loopback address (a different peer).
  std::string Raw(const std::string& request, const std::string& source = "") {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (!source.empty()) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      if (::inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
          ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
        ::close(fd);
        return "";
      }
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(server_->bound_port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
      ::send(fd, request.data(), request.size(), 0);
      char buffer[4096];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) answer.append(buffer, n);
    }
    ::close(fd);
    return answer;
  }

  static void ExpectSecurityHeaders(const httplib::Result& result, const std::string& what) {
    ASSERT_TRUE(result) << what;
    const std::string csp = result->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << what;
    EXPECT_NE(csp.find("script-src 'self' 'wasm-unsafe-eval'"), std::string::npos) << what;
    EXPECT_NE(csp.find("connect-src 'self' wss://foyer.home:8884;"), std::string::npos) << what;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << what;
    EXPECT_EQ(result->get_header_value("X-Content-Type-Options"), "nosniff") << what;
    EXPECT_EQ(result->get_header_value("Referrer-Policy"), "no-referrer") << what;
    EXPECT_FALSE(result->has_header("Strict-Transport-Security")) << what;  // plain HTTP
  }

  std::string dir_;
  FakeBackend backend_;
  std::unique_ptr<GatewayServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(GatewayServerTest, SecurityHeadersOnEveryAnswer) {
  Start();
  ExpectSecurityHeaders(client_->Get("/"), "index");
  ExpectSecurityHeaders(client_->Get("/app.js"), "static");
  ExpectSecurityHeaders(client_->Get("/missing"), "404");
  ExpectSecurityHeaders(client_->Get("/%2e%2e/secret.txt"), "400 traversal");
  ExpectSecurityHeaders(client_->Get("/api/v1/users"), "401");
  ExpectSecurityHeaders(client_->Get("/api/v1/users", Auth()), "200 api");
  ExpectSecurityHeaders(client_->Post("/api/v1/users", Auth(), "[1]", "application/json"),
                        "400 api");
  ExpectSecurityHeaders(client_->Post("/api/v1/users", Auth(), std::string(4096, 'x'),
                                      "application/json"),
                        "413");
  ExpectSecurityHeaders(client_->Put("/app.js", "x", "text/plain"), "unknown method");
  ExpectSecurityHeaders(client_->Get("/config.json"), "config");
  ExpectSecurityHeaders(client_->Get("/healthz"), "health");
  // A request line the server cannot parse still gets them.
  std::string raw = Raw("GARBAGE\r\n\r\n");
  EXPECT_NE(raw.find("Content-Security-Policy: default-src 'none'"), std::string::npos) << raw;
}

TEST_F(GatewayServerTest, StaticFilesWithTypesAndNoEscape) {
  Start();
  auto index = client_->Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<title>Foyer</title>"), std::string::npos);
  EXPECT_EQ(client_->Get("/app.js")->get_header_value("Content-Type"),
            "text/javascript; charset=utf-8");
  for (const char* path : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                           "/..%2fsecret.txt", "/%252e%252e/secret.txt", "/..%5csecret.txt",
                           "/out.txt", "/index.html%00.js"}) {
    auto result = client_->Get(path);
    ASSERT_TRUE(result) << path;
    EXPECT_TRUE(result->status == 400 || result->status == 404) << path << " " << result->status;
    EXPECT_EQ(result->body.find("outside"), std::string::npos) << path;
    EXPECT_EQ(Json::parse(result->body).count("error"), 1u) << path;
  }
  // The raw form too (no client-side normalisation).
  std::string raw = Raw("GET /../../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.find("outside"), std::string::npos);
  EXPECT_EQ(raw.rfind("HTTP/1.1 400", 0), 0u) << raw;
}

TEST_F(GatewayServerTest, ConfigJsonAndHealth) {
  Start();
  auto config = client_->Get("/config.json");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->status, 200);
  Json body = Json::parse(config->body);
  EXPECT_EQ(body["household"], std::string(32, 'a'));
  EXPECT_EQ(body["mqtt_url"], "wss://foyer.home:8884/mqtt");
  EXPECT_EQ(Json::parse(client_->Get("/healthz")->body)["broker"], "connected");
  backend_.up = false;
  auto health = client_->Get("/healthz");
  EXPECT_EQ(health->status, 503);
  EXPECT_EQ(Json::parse(health->body)["broker"], "disconnected");
  EXPECT_EQ(client_->Get("/config.json")->status, 503);
  auto users = client_->Get("/api/v1/users", Auth());
  EXPECT_EQ(users->status, 503);
  EXPECT_EQ(Json::parse(users->body)["error"], "unavailable");
}

TEST_F(GatewayServerTest, RestCallsMapToPluginOps) {
  Start();
  auto invite = client_->Post("/api/v1/users", Auth(), R"({"name":"bob","role":"member"})",
                              "application/json");
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->status, 201);
  Json body = Json::parse(invite->body);
  EXPECT_EQ(body["link"], "https://foyer.home:8443/#invite=CODE");
  EXPECT_EQ(backend_.calls.back(), (Json{{"op", "invite"}, {"name", "bob"}, {"role", "member"}}));
  EXPECT_EQ(client_->Post("/api/v1/users", Auth(), R"({"name":"taken"})", "application/json")
                ->status,
            409);
  auto disable = client_->Post("/api/v1/users/bob/disable", Auth(), "", "application/json");
  EXPECT_EQ(Json::parse(disable->body), (Json{{"user", "bob"}, {"disabled", true}}));
  EXPECT_EQ(backend_.calls.back(), (Json{{"op", "user_disable"}, {"name", "bob"}}));
  auto deleted = client_->Delete("/api/v1/users/ghost", Auth());
  EXPECT_EQ(deleted->status, 404);
  EXPECT_EQ(Json::parse(deleted->body)["error"], "not_found");
  auto status = client_->Get("/api/v1/status", Auth());
  Json status_body = Json::parse(status->body);
  EXPECT_EQ(status_body["messages"], 7);
  EXPECT_FALSE(status_body.contains("failed_logins"));
  auto metrics = client_->Get("/metrics", Auth());
  ASSERT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("foyer_messages_stored_total 7\n"), std::string::npos);
  EXPECT_NE(metrics->body.find("foyer_failed_logins_total{source=\"mqtt\"} 3\n"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("foyer_http_requests_total{code=\"201\"} 1\n"), std::string::npos);
  EXPECT_EQ(client_->Get("/metrics")->status, 401);
  EXPECT_EQ(client_->Get("/api/v1/nothing", Auth())->status, 404);
}

TEST_F(GatewayServerTest, WrongTokensLockOutThePeerAddress) {
  Start();
  auto missing = client_->Get("/api/v1/users");
  EXPECT_EQ(missing->status, 401);
  EXPECT_EQ(Json::parse(missing->body)["error"], "unauthorized");
  // A forged X-Forwarded-For changes nothing: the peer address counts.
  for (int i = 0; i < 5; ++i) {
    httplib::Headers headers = Auth(i % 2 ? kWrongToken : "garbage");
    headers.emplace("X-Forwarded-For", "10.0.0." + std::to_string(i));
    auto result = client_->Get("/api/v1/users", headers);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 401) << i;
  }
  auto locked = client_->Get("/api/v1/users", Auth());
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, 429);
  EXPECT_EQ(Json::parse(locked->body)["error"], "locked_out");
  int retry_after = std::stoi(locked->get_header_value("Retry-After"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  size_t calls = backend_.calls.size();
  EXPECT_EQ(client_->Get("/api/v1/users", Auth())->status, 429);
  EXPECT_EQ(backend_.calls.size(), calls);  // refused without asking the plugin
  // Claiming to be another client does not lift the lock...
  httplib::Headers spoofed = Auth();
  spoofed.emplace("X-Forwarded-For", "127.0.0.2");
  spoofed.emplace("X-Real-IP", "127.0.0.2");
  spoofed.emplace("Forwarded", "for=127.0.0.2");
  EXPECT_EQ(client_->Get("/api/v1/users", spoofed)->status, 429);
  // ...while a client really connecting from another address is not locked.
  const std::string request = "GET /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                              kGoodToken + "\r\nConnection: close\r\n\r\n";
  EXPECT_EQ(Raw(request, "127.0.0.2").substr(0, 12), "HTTP/1.1 200");
  EXPECT_EQ(Raw(request).substr(0, 12), "HTTP/1.1 429");
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(client_->Get("/api/v1/users", Auth())->status, 200);
  // Another failure after the lock: the next lock is longer (4 s).
  EXPECT_EQ(client_->Get("/api/v1/users", Auth(kWrongToken))->status, 401);
}

TEST_F(GatewayServerTest, BodyCap) {
  Start();
  auto big = client_->Post("/api/v1/users", Auth(), std::string(4096, ' ') + "{}",
                           "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(Json::parse(big->body)["error"], "too_large");
  size_t calls = backend_.calls.size();
  auto small = client_->Post("/api/v1/users", Auth(), std::string(1000, ' ') + R"({"name":"x"})",
                             "application/json");
  EXPECT_EQ(small->status, 201);
  EXPECT_EQ(backend_.calls.size(), calls + 1);
}

}  // namespace
}  // namespace gateway
}  // namespace foyer
