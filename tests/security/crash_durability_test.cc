// Crash and durability: several senders (client-lib, each with its outbox)
// send without pause while the broker is killed with SIGKILL and restarted,
// FOYER_CRASHES times (default 20). A sender sends one message at a time; a
// message that times out stays in its outbox and the sender waits until the
// outbox is empty before the next one (so that its messages keep their
// order). Afterwards every message a sender counted as sent is in the
// history exactly once, in the sender's order; nothing else is there.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <iostream>

#include "durability_util.h"
#include "killable_broker.h"

namespace foyer_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(CrashDurabilityTest, SigkillUnderLoadLosesAndDuplicatesNothing) {
  const int crashes = EnvInt("FOYER_CRASHES", 20);
  const std::vector<std::string> names = {"s1", "s2", "s3", "s4"};
  KillableBroker broker;
  std::string why;
  ASSERT_TRUE(broker.Start(&why)) << why;
  DurabilityHousehold household;
  ASSERT_NO_FATAL_FAILURE(SetUpHousehold(&broker, names, &household));

  std::vector<std::unique_ptr<Sender>> senders;
  for (const std::string& name : names) {
    senders.push_back(std::make_unique<Sender>(broker.server_url(), name,
                                               household.credentials[name], household.conv));
    ASSERT_TRUE(senders.back()->Connected()) << name;
  }
  for (auto& sender : senders) sender->StartSending();

  std::mt19937 random(42);
  auto started = std::chrono::steady_clock::now();
  for (int crash = 0; crash < crashes; ++crash) {
    // Wait until every sender got at least one message through since the
    // last restart: the load is really running when the kill comes.
    std::vector<size_t> before;
    for (auto& sender : senders) before.push_back(sender->SentCount());
    auto deadline = std::chrono::steady_clock::now() + seconds(30);
    for (size_t i = 0; i < senders.size(); ++i) {
      while (senders[i]->SentCount() <= before[i] && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(20));
      }
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "the senders did not resume after restart " << crash;
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(0, 400)(random)));
    broker.Kill();
    ASSERT_TRUE(broker.Start(&why)) << "restart " << crash + 1 << ": " << why;
  }
  for (auto& sender : senders) sender->StopSending();
  ASSERT_NO_FATAL_FAILURE(ExpectHistoryMatches(broker.server_url(), household, senders));
  auto elapsed = std::chrono::duration_cast<seconds>(std::chrono::steady_clock::now() - started);
  size_t sent = 0, retried = 0;
  for (auto& sender : senders) {
    sent += sender->SentCount();
    retried += sender->RetriedCount();
  }
  std::cout << "crash test: " << crashes << " SIGKILLs in " << elapsed.count() << " s, " << sent
            << " messages counted as sent (" << retried
            << " confirmed only after a reconnect), 0 lost, 0 duplicated\n";
  EXPECT_GT(retried, 0u) << "no send was ever caught by a crash: the test proves little";
}

}  // namespace
}  // namespace foyer_test
