// Register: redeems an invite code (docs/protocol.md §7, "Invite sessions").
#include <memory>
#include <utility>

#include "client_impl.h"

namespace foyer {
namespace client {
namespace {

std::string StringField(const nlohmann::json& object, const char* field) {
  auto it = object.find(field);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One invite session: connect as ~invite, then ask.
class InviteSession {
 public:
  explicit InviteSession(const Options& options)
      : options_(options),
        requester_([this](const std::string& payload) {
          return transport_->Publish(protocol::kRequestTopic, payload, nullptr);
        }) {}
  ~InviteSession() {
    if (transport_) transport_->Disconnect();
  }

  Status Open(std::string_view secret) {
    transport_ = options_.transport_factory ? options_.transport_factory() : NewPahoTransport();
    transport_->SetHandlers(
        [this](const std::string& topic, const std::string& payload) {
          if (topic == protocol::kResponseTopic) requester_.OnResponse(payload);
        },
        [] {}, [](const std::string&) {});
    TransportOptions connect;
    connect.server = options_.server;
    connect.ca_file = options_.ca_file;
    connect.client_id = std::string(protocol::kInviteUserName) + ":" + RandomClientSuffix();
    connect.user_name = protocol::kInviteUserName;
    connect.password = crypto::ToHex(secret);
    connect.connect_timeout_ms = options_.timeout_ms;
    connect.auto_reconnect = false;
    Status status = transport_->Connect(connect);
    crypto::Wipe(&connect.password);
    if (status.code() == Status::Code::kDenied) {
      return Status::Expired("the server refused the invite code (unknown, used or expired)");
    }
    return status;
  }

  Status Call(nlohmann::json request, nlohmann::json* response) {
    return requester_.Call(std::move(request), options_.timeout_ms, response);
  }

 private:
  Options options_;
  Requester requester_;
  std::unique_ptr<Transport> transport_;
};

}  // namespace

Status Register(const Options& options, std::string_view invite_code,
                const PasswordSource& password_source, Registration* out) {
  if (!crypto::Init()) return Status::Internal("libsodium cannot start");
  std::string household, secret;
  Status status = protocol::DecodeInviteCode(invite_code, &household, &secret);
  if (!status.ok()) return Status::Invalid("this is not a Foyer invite code");
  InviteSession session(options);
  status = session.Open(secret);
  crypto::Wipe(&secret);
  if (!status.ok()) return status;

  nlohmann::json info;
  status = session.Call({{"op", "invite_info"}}, &info);
  if (!status.ok()) return status;
  const std::string user = StringField(info, "user");
  const std::string role = StringField(info, "role");
  if (!protocol::ValidUserName(user) || role.empty()) {
    return Status::Corruption("the server sent a malformed invite description");
  }
  if (StringField(info, "household") != crypto::ToHex(household)) {
    return Status::Corruption("the server's household id differs from the invite code's");
  }

  Credentials credentials;
  credentials.user = user;
  credentials.household = household;
  if (role == "device") {
    credentials.auth_key = crypto::Secret::Random(crypto::kKeyBytes);
    credentials.kek = crypto::Secret::Random(crypto::kKeyBytes);
  } else {
    std::string password;
    status = password_source ? password_source(user, &password)
                             : Status::Invalid("a password is needed for " + user);
    if (!status.ok()) return status;
    if (password.empty()) return Status::Invalid("the password must not be empty");
    protocol::LoginKeys login;
    status = protocol::DeriveLogin(password, household, user, &login);
    crypto::Wipe(&password);
    if (!status.ok()) return status;
    credentials.auth_key = std::move(login.auth_key);
    credentials.kek = std::move(login.kek);
  }

  crypto::BoxKeyPair box = crypto::BoxKeyPair::Generate();
  crypto::SignKeyPair sign = crypto::SignKeyPair::Generate();
  const std::string bundle = protocol::SealBundle(protocol::BundleKeyFromKek(credentials.kek),
                                                  household, user, box, sign);
  nlohmann::json response;
  status = session.Call({{"op", "register"},
                         {"auth_key", crypto::ToHex(credentials.auth_key.view())},
                         {"x25519", crypto::ToBase64(box.public_key)},
                         {"ed25519", crypto::ToBase64(sign.public_key)},
                         {"bundle", crypto::ToBase64(bundle)}},
                        &response);
  if (!status.ok()) return status;
  out->user = user;
  out->role = StringField(response, "role").empty() ? role : StringField(response, "role");
  out->household = household;
  out->credentials = std::move(credentials);
  return Status::OK();
}

Status Register(const Options& options, std::string_view invite_code, std::string_view password,
                Registration* out) {
  std::string copy(password);
  Status status = Register(
      options, invite_code,
      [&copy](const std::string&, std::string* out_password) {
        *out_password = copy;
        return Status::OK();
      },
      out);
  crypto::Wipe(&copy);
  return status;
}

}  // namespace client
}  // namespace foyer
