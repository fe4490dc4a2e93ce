#include "durability_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <random>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "household.h"

namespace foyer_test {

namespace client = foyer::client;
using std::chrono::milliseconds;
using std::chrono::seconds;

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::atoi(value);
}

client::Credentials CopyCredentials(const client::Credentials& credentials) {
  client::Credentials copy;
  copy.user = credentials.user;
  copy.household = credentials.household;
  copy.auth_key = credentials.auth_key.Copy();
  copy.kek = credentials.kek.Copy();
  return copy;
}

namespace {

client::Options BaseOptions(const std::string& server_url, const std::string& suffix) {
  client::Options options;
  options.server = server_url;
  options.timeout_ms = 3000;
  options.client_suffix = suffix;
  return options;
}

}  // namespace

void SetUpHousehold(KillableBroker* broker, const std::vector<std::string>& names,
                    DurabilityHousehold* household) {
  ASSERT_TRUE(foyer::crypto::Init());
  client::Options options = BaseOptions(broker->server_url(), "setup");
  client::Registration admin;
  foyer::Status status = client::Register(options, broker->AdminInvite(),
                                          Household::PasswordOf("admin"), &admin);
  ASSERT_TRUE(status.ok()) << "admin register: " << status.ToString();
  std::unique_ptr<client::Client> admin_client;
  status = client::Client::Connect(options, std::move(admin.credentials), &admin_client);
  ASSERT_TRUE(status.ok()) << "admin login: " << status.ToString();
  for (const std::string& name : names) {
    client::InviteInfo invite;
    status = admin_client->Invite(name, "device", 0, &invite);
    ASSERT_TRUE(status.ok()) << "invite " << name << ": " << status.ToString();
    client::Registration device;
    status = client::Register(options, invite.code, "", &device);
    ASSERT_TRUE(status.ok()) << "register " << name << ": " << status.ToString();
    household->credentials[name] = std::move(device.credentials);
  }
  std::unique_ptr<client::Client> creator;
  status = client::Client::Connect(options, CopyCredentials(household->credentials[names[0]]),
                                   &creator);
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<std::string> members(names.begin() + 1, names.end());
  status = creator->CreateConversation("durability", members, &household->conv);
  ASSERT_TRUE(status.ok()) << "conversation: " << status.ToString();
}

Sender::Sender(const std::string& server_url, const std::string& name,
               const client::Credentials& credentials, const std::string& conv)
    : server_url_(server_url),
      name_(name),
      credentials_(CopyCredentials(credentials)),
      conv_(conv) {
  Reconnect();
}

Sender::~Sender() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Sender::Reconnect() {
  client_.reset();
  client::Options options = BaseOptions(server_url_, "load");
  foyer::Status status =
      client::Client::Connect(options, CopyCredentials(credentials_), &client_);
  if (!status.ok()) client_.reset();
  return status.ok();
}

void Sender::StartSending(int reconnect_percent) {
  thread_ = std::thread([this, reconnect_percent] { Loop(reconnect_percent); });
}

void Sender::StopSending() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Sender::WaitOutboxEmpty(seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (client_->OutboxSize() > 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

void Sender::Loop(int reconnect_percent) {
  std::mt19937 random(std::hash<std::string>()(name_));
  for (int n = 0; !stop_; ++n) {
    if (reconnect_percent > 0 && static_cast<int>(random() % 100) < reconnect_percent) {
      // Reconnect only with an empty outbox: a destroyed client's pending
      // entries are gone (client.h), and that is not what is tested here.
      reconnects_++;
      for (int attempt = 0; !Reconnect(); ++attempt) {
        if (attempt == 50 || stop_) {
          std::lock_guard<std::mutex> lock(mutex_);
          problem_ = name_ + " could not log in again";
          return;
        }
        std::this_thread::sleep_for(milliseconds(200));
      }
    }
    std::string text = name_ + "#" + std::to_string(n);
    client::Message stamped;
    foyer::Status status = client_->Send(conv_, text, "", &stamped);
    bool sent = status.ok();
    if (!sent && client::IsTimeout(status)) {
      // It stays in the outbox and goes out again after the reconnect.
      if (!WaitOutboxEmpty(seconds(60))) {
        std::lock_guard<std::mutex> lock(mutex_);
        problem_ = name_ + ": the outbox did not empty within 60 s";
        return;
      }
      retried_++;
      sent = true;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (sent) {
      sent_.push_back(text);
      sent_count_++;
    } else {
      not_sent_.push_back(text);
    }
    if (!sent) std::this_thread::sleep_for(milliseconds(50));
  }
}

std::vector<std::string> Sender::Sent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sent_;
}

std::vector<std::string> Sender::NotSent() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return not_sent_;
}

std::string Sender::Problem() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return problem_;
}

void ExpectHistoryMatches(const std::string& server_url, const DurabilityHousehold& household,
                          const std::vector<std::unique_ptr<Sender>>& senders) {
  ASSERT_FALSE(senders.empty());
  std::unique_ptr<client::Client> reader;
  foyer::Status status = client::Client::Connect(
      BaseOptions(server_url, "check"),
      CopyCredentials(household.credentials.at(senders[0]->name())), &reader);
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<client::Message> all;  // descending pages, ascending inside
  uint64_t before = 0;
  while (true) {
    client::HistoryPage page;
    status = reader->History(household.conv, before, 200, &page);
    ASSERT_TRUE(status.ok()) << status.ToString();
    for (const client::MessageError& error : page.errors) {
      ADD_FAILURE() << "history seq " << error.seq << ": " << error.status.ToString();
    }
    all.insert(all.begin(), page.messages.begin(), page.messages.end());
    if (!page.more || page.messages.empty()) break;
    before = page.messages.front().seq;
  }
  // seq has no gaps and no repeats.
  for (size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(all[i].seq, i + 1) << "history seqs are not 1..N";
  }
  std::map<std::string, std::vector<std::string>> by_sender;
  for (const client::Message& message : all) by_sender[message.sender].push_back(message.text);
  size_t expected_total = 0;
  for (const auto& sender : senders) {
    EXPECT_EQ(sender->Problem(), "");
    std::vector<std::string> sent = sender->Sent();
    expected_total += sent.size();
    const std::vector<std::string>& stored = by_sender[sender->name()];
    EXPECT_EQ(stored.size(), sent.size()) << sender->name() << ": counted " << sent.size()
                                          << " as sent, history holds " << stored.size();
    size_t common = std::min(stored.size(), sent.size());
    for (size_t i = 0; i < common; ++i) {
      if (stored[i] != sent[i]) {
        ADD_FAILURE() << sender->name() << ": message " << i << " is [" << stored[i]
                      << "] in history, [" << sent[i] << "] was sent";
        break;
      }
    }
  }
  EXPECT_EQ(all.size(), expected_total) << "history holds messages nobody counted as sent";
}

}  // namespace foyer_test
