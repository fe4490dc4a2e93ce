#include "household.h"

#include <gtest/gtest.h>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer_test {

Household::Household(std::string server_url, std::string temp_dir, std::string admin_invite)
    : server_url_(std::move(server_url)),
      temp_dir_(std::move(temp_dir)),
      admin_invite_(std::move(admin_invite)) {
  EXPECT_TRUE(foyer::crypto::Init());
  std::string secret;
  foyer::Status status =
      foyer::protocol::DecodeInviteCode(admin_invite_, &household_raw_, &secret);
  EXPECT_TRUE(status.ok()) << "bootstrap invite: " << status.ToString();
  foyer::crypto::Wipe(&secret);
}

std::string Household::PasswordOf(const std::string& name) {
  return "correct horse battery staple of " + name;
}

const CliUser& Household::MakeUser(const std::string& name) {
  auto& slot = users_[name];
  if (!slot) {
    slot = std::make_unique<CliUser>(name, PasswordOf(name), temp_dir_ + "/home-" + name,
                                     server_url_);
  }
  return *slot;
}

void Household::RegisterAdmin() { MakeUser(kAdminName).Register(admin_invite_); }

const CliUser& Household::Join(const std::string& name) {
  std::string code = admin().Invite(name);
  const CliUser& user = MakeUser(name);
  user.Register(code);
  return user;
}

void Household::set_server(const std::string& server_url) {
  server_url_ = server_url;
  for (auto& [name, user] : users_) user->set_server(server_url);
}

std::string Household::AuthKeyHex(const std::string& name) const {
  foyer::protocol::LoginKeys keys;
  foyer::Status status =
      foyer::protocol::DeriveLogin(PasswordOf(name), household_raw_, name, &keys);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return foyer::crypto::ToHex(keys.auth_key.view());
}

}  // namespace foyer_test
