// What the crash and soak tests share: a household of device accounts made
// through client-lib (no Argon2id per account, so 25 of them take a second),
// one conversation with all of them, senders that send one message at a time
// through client-lib's outbox, and the final check of the history.
#ifndef FOYER_TESTS_SECURITY_DURABILITY_UTIL_H_
#define FOYER_TESTS_SECURITY_DURABILITY_UTIL_H_

#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "foyer/client.h"
#include "killable_broker.h"

namespace foyer_test {

// The integer in environment variable `name`, or `fallback`.
int EnvInt(const char* name, int fallback);

struct DurabilityHousehold {
  std::string conv;
  // Each device's login (auth key and kek), by name.
  std::map<std::string, foyer::client::Credentials> credentials;
};

// Registers the admin (from the bootstrap invite) and `names` as devices
// invited by him; names[0] creates one conversation with all of them.
void SetUpHousehold(KillableBroker* broker, const std::vector<std::string>& names,
                    DurabilityHousehold* household);

foyer::client::Credentials CopyCredentials(const foyer::client::Credentials& credentials);

// One device sending "<name>#<n>" for n = 0, 1, ... on its own thread.
class Sender {
 public:
  Sender(const std::string& server_url, const std::string& name,
         const foyer::client::Credentials& credentials, const std::string& conv);
  ~Sender();

  bool Connected() const { return client_ != nullptr; }
  // Sends until StopSending; with `reconnect_percent` > 0, drops and makes a
  // new client (after its outbox emptied) before that share of the sends.
  void StartSending(int reconnect_percent = 0);
  // Stops, and waits (at most 60 s) for the outbox of the last send.
  void StopSending();

  const std::string& name() const { return name_; }
  size_t SentCount() const { return sent_count_.load(); }
  size_t RetriedCount() const { return retried_.load(); }
  size_t Reconnects() const { return reconnects_.load(); }
  // Texts counted as sent (stamped with a seq), in sending order.
  std::vector<std::string> Sent() const;
  // Texts that never left the client (refused before publishing).
  std::vector<std::string> NotSent() const;
  // Why the sender stopped early ("" when it did not).
  std::string Problem() const;

 private:
  void Loop(int reconnect_percent);
  bool Reconnect();
  bool WaitOutboxEmpty(std::chrono::seconds timeout);

  std::string server_url_;
  std::string name_;
  foyer::client::Credentials credentials_;
  std::string conv_;
  std::unique_ptr<foyer::client::Client> client_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> sent_count_{0};
  std::atomic<size_t> retried_{0};
  std::atomic<size_t> reconnects_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> sent_;
  std::vector<std::string> not_sent_;
  std::string problem_;
  std::thread thread_;
};

// Reads the whole history of `conv` (as names[0]) and checks, per sender,
// that the texts it counted as sent are there exactly once and in order,
// and that nothing else is (test failures otherwise).
void ExpectHistoryMatches(const std::string& server_url, const DurabilityHousehold& household,
                          const std::vector<std::unique_ptr<Sender>>& senders);

}  // namespace foyer_test

#endif  // FOYER_TESTS_SECURITY_DURABILITY_UTIL_H_
