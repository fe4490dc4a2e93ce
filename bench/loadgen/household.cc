#include "household.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "foyer/protocol.h"
#include "mqtt_session.h"
#include "proc_stats.h"

namespace foyer {
namespace bench {

namespace {

using nlohmann::json;

std::string MemberName(size_t index) {
  return std::string(index < 10 ? "u0" : "u") + std::to_string(index);
}

std::string PasswordOf(const std::string& name) { return "bench password of " + name; }

// Reads the admin invite the plugin writes at its first start.
Status ReadAdminInvite(const std::string& data_dir, std::string* code) {
  const std::string path = data_dir + "/admin-invite";
  const int64_t deadline = NowNs() + 10'000'000'000LL;
  while (NowNs() < deadline) {
    std::ifstream in(path);
    if (in >> *code && !code->empty()) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return Status::NotFound("the plugin wrote no " + path);
}

// Redeems `code` for account->name (set from invite_info when empty).
Status Register(int port, const std::string& code, const std::string& household_raw,
                Account* account, int index) {
  std::string code_household, secret;
  Status status = protocol::DecodeInviteCode(code, &code_household, &secret);
  if (!status.ok()) return status;
  if (code_household != household_raw) return Status::Invalid("invite of another household");
  MqttSession session("~invite:bench" + std::to_string(index));
  status = session.Connect(port, protocol::kInviteUserName, crypto::ToHex(secret));
  if (!status.ok()) return status;
  json info;
  status = session.Request({{"op", "invite_info"}}, &info);
  if (!status.ok()) return status;
  if (account->name.empty()) account->name = info.value("user", "");
  if (info.value("user", "") != account->name) return Status::Internal("invite for another user");
  protocol::LoginKeys login;
  status = protocol::DeriveLogin(PasswordOf(account->name), household_raw, account->name, &login);
  if (!status.ok()) return status;
  account->password = crypto::ToHex(login.auth_key.view());
  account->box = crypto::BoxKeyPair::Generate();
  account->sign = crypto::SignKeyPair::Generate();
  const std::string bundle = protocol::SealBundle(login.bundle_key, household_raw, account->name,
                                                  account->box, account->sign);
  return session.Request({{"op", "register"},
                          {"auth_key", account->password},
                          {"x25519", crypto::ToBase64(account->box.public_key)},
                          {"ed25519", crypto::ToBase64(account->sign.public_key)},
                          {"bundle", crypto::ToBase64(bundle)}},
                         nullptr);
}

Status CreateConversation(int port, Household* household, size_t flow) {
  const Account& owner = household->accounts[household->Publisher(flow)];
  const Account& peer = household->accounts[household->Subscriber(flow)];
  const std::string conv = crypto::RandomIdHex();
  crypto::Secret key = crypto::Secret::Random(crypto::kKeyBytes);
  json keys = json::array();
  for (const Account* member : {&owner, &peer}) {
    keys.push_back(protocol::KeyEnvelopeToJson(protocol::MakeKeyEnvelope(
        conv, 1, key, owner.name, owner.sign, member->name, member->box.public_key)));
  }
  MqttSession session(owner.name + ":setup");
  Status status = session.Connect(port, owner.name, owner.password);
  if (!status.ok()) return status;
  status = session.Request(
      {{"op", "conv_create"},
       {"conv", conv},
       {"members", {owner.name, peer.name}},
       {"title", protocol::TitleToJson(protocol::EncryptTitle(conv, 1, key, "flow " + std::to_string(flow)))},
       {"keys", keys}},
      nullptr);
  if (!status.ok()) return status;
  household->convs.push_back(conv);
  household->keys.push_back(std::move(key));
  return Status::OK();
}

}  // namespace

Status CreateFoyerHousehold(BrokerOptions options, size_t users, Household* household) {
  if (users < 2) return Status::Invalid("at least two users");
  Broker broker;
  Status status = broker.Start(options);
  if (status.ok()) status = broker.WaitListening(10000);
  std::string code;
  if (status.ok()) status = ReadAdminInvite(options.data_dir, &code);
  std::string secret;
  if (status.ok()) status = protocol::DecodeInviteCode(code, &household->household_raw, &secret);
  household->accounts.resize(users);
  if (status.ok()) status = Register(broker.port(), code, household->household_raw, &household->accounts[0], 0);
  // The admin invites everyone; the Argon2id of the registrations runs on two threads.
  std::vector<std::string> codes(users);
  if (status.ok()) {
    MqttSession admin(household->accounts[0].name + ":setup");
    status = admin.Connect(broker.port(), household->accounts[0].name, household->accounts[0].password);
    for (size_t i = 1; status.ok() && i < users; ++i) {
      const std::string name = MemberName(i);
      household->accounts[i].name = name;
      json answer;
      status = admin.Request({{"op", "invite"}, {"name", name}, {"role", "member"}}, &answer);
      if (status.ok()) codes[i] = answer.value("code", "");
    }
  }
  if (status.ok()) {
    Status results[2];
    auto worker = [&](int parity) {
      for (size_t i = 1 + parity; i < users && results[parity].ok(); i += 2) {
        results[parity] = Register(broker.port(), codes[i], household->household_raw,
                                   &household->accounts[i], static_cast<int>(i));
      }
    };
    std::thread other(worker, 1);
    worker(0);
    other.join();
    status = results[0].ok() ? results[1] : results[0];
  }
  for (size_t flow = 0; status.ok() && flow < users; ++flow) {
    status = CreateConversation(broker.port(), household, flow);
  }
  Status stopped = broker.Stop();
  return status.ok() ? stopped : status;
}

void MakeStandaloneHousehold(size_t users, Household* household) {
  household->household_raw = crypto::RandomBytes(16);
  household->accounts.resize(users);
  for (size_t i = 0; i < users; ++i) {
    Account& account = household->accounts[i];
    account.name = MemberName(i);
    account.password = crypto::ToHex(crypto::RandomBytes(32));
    account.box = crypto::BoxKeyPair::Generate();
    account.sign = crypto::SignKeyPair::Generate();
  }
  for (size_t flow = 0; flow < users; ++flow) {
    household->convs.push_back(crypto::RandomIdHex());
    household->keys.push_back(crypto::Secret::Random(crypto::kKeyBytes));
  }
}

std::string DeliveryTopic(const Household& household, size_t flow) {
  return protocol::MessageTopic(household.convs[flow]);
}

std::string PublishTopic(const Household& household, size_t flow, BrokerKind kind) {
  return kind == BrokerKind::kFoyer ? protocol::SendTopic(household.convs[flow])
                                    : DeliveryTopic(household, flow);
}

Status WriteStockAuthFiles(const Household& household, const std::string& dir,
                           std::string* password_file, std::string* acl_file) {
  *password_file = dir + "/passwd";
  *acl_file = dir + "/acl";
  {
    std::ofstream passwd(*password_file, std::ios::trunc);
    for (const Account& account : household.accounts) {
      passwd << account.name << ':' << account.password << '\n';
    }
    std::ofstream acl(*acl_file, std::ios::trunc);
    for (size_t user = 0; user < household.size(); ++user) {
      acl << "user " << household.accounts[user].name << '\n';
      for (size_t flow = 0; flow < household.size(); ++flow) {
        if (household.Publisher(flow) == user) acl << "topic write " << DeliveryTopic(household, flow) << '\n';
        if (household.Subscriber(flow) == user) acl << "topic read " << DeliveryTopic(household, flow) << '\n';
      }
      acl << '\n';
    }
    if (!passwd || !acl) return Status::IOError("cannot write the stock auth files in " + dir);
  }
  // Hashes the plain passwords in place (sha512-pbkdf2, mosquitto's default).
  const std::string command = "mosquitto_passwd -U '" + *password_file + "'";
  if (std::system(command.c_str()) != 0) return Status::IOError("mosquitto_passwd -U failed");
  return Status::OK();
}

}  // namespace bench
}  // namespace foyer
