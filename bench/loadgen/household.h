// The benchmark's household: 25 accounts and 25 two-member conversations.
// Conversation i has members user i (who publishes) and user i+1 mod n (who
// subscribes), so a run has n publishers and n subscribers, one flow each.
//
// For Foyer the accounts are made through the plugin's own protocol
// (docs/protocol.md §7: the admin invite, `invite`, `register`,
// `conv_create`) in a template data directory that each run copies. For
// stock mosquitto the same names and passwords go into a mosquitto_passwd
// file and an ACL file that grants each user exactly its flows' topics.
#ifndef FOYER_BENCH_HOUSEHOLD_H_
#define FOYER_BENCH_HOUSEHOLD_H_

#include <string>
#include <vector>

#include "broker.h"
#include "foyer/crypto.h"
#include "foyer/status.h"

namespace foyer {
namespace bench {

struct Account {
  std::string name;
  std::string password;  // hex(auth_key): the MQTT password
  crypto::BoxKeyPair box;
  crypto::SignKeyPair sign;
};

struct Household {
  std::string household_raw;          // 16 bytes (from the admin invite)
  std::vector<Account> accounts;      // accounts[0] is the admin
  std::vector<std::string> convs;     // hex ids, one per flow
  std::vector<crypto::Secret> keys;   // epoch 1 key of each conversation

  size_t size() const { return accounts.size(); }
  size_t Publisher(size_t flow) const { return flow; }
  size_t Subscriber(size_t flow) const { return (flow + 1) % accounts.size(); }
};

// Starts a Foyer broker on the empty `data_dir`, registers `users` accounts
// (Argon2id on two threads), creates the conversations, stops the broker.
Status CreateFoyerHousehold(BrokerOptions options, size_t users, Household* household);

// A household with the same shape but no Foyer broker behind it (random ids,
// keys and passwords): for stock-only runs (--stock-only).
void MakeStandaloneHousehold(size_t users, Household* household);

// Writes <dir>/passwd (via mosquitto_passwd -U) and <dir>/acl for stock
// mosquitto. `topic_of_flow(i)` is the topic flow i publishes and reads.
Status WriteStockAuthFiles(const Household& household, const std::string& dir,
                           std::string* password_file, std::string* acl_file);

// The topic a flow's subscriber reads (the same name on both brokers).
std::string DeliveryTopic(const Household& household, size_t flow);
// The topic a flow's publisher writes: /send on Foyer, the delivery topic on
// stock (which has no plugin to move messages from /send to /m).
std::string PublishTopic(const Household& household, size_t flow, BrokerKind kind);

}  // namespace bench
}  // namespace foyer

#endif  // FOYER_BENCH_HOUSEHOLD_H_
