// A bounded soak: 25 devices send one message at a time and drop and remake
// their connection at random (about one send in ten), for FOYER_SOAK_SECONDS
// (default 60). Nothing is lost or duplicated (the whole history is
// checked), and the broker's resident memory growth between the end of the
// warm-up and the end is reported and bounded.
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "durability_util.h"
#include "killable_broker.h"

namespace foyer_test {
namespace {

TEST(SoakTest, TwentyFiveClientsSendingAndReconnecting) {
  const int duration_s = EnvInt("FOYER_SOAK_SECONDS", 60);
  const int clients = 25;
  KillableBroker broker;
  std::string why;
  ASSERT_TRUE(broker.Start(&why)) << why;
  std::vector<std::string> names;
  for (int i = 0; i < clients; ++i) names.push_back("soak" + std::to_string(i));
  DurabilityHousehold household;
  ASSERT_NO_FATAL_FAILURE(SetUpHousehold(&broker, names, &household));
  std::vector<std::unique_ptr<Sender>> senders;
  for (const std::string& name : names) {
    senders.push_back(std::make_unique<Sender>(broker.server_url(), name,
                                               household.credentials[name], household.conv));
    ASSERT_TRUE(senders.back()->Connected()) << name;
  }
  for (auto& sender : senders) sender->StartSending(10);

  // Memory is measured after a warm-up of a fifth of the run.
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(duration_s / 5));
  long rss_warm = broker.RssKib();
  size_t sent_warm = 0;
  for (auto& sender : senders) sent_warm += sender->SentCount();
  std::this_thread::sleep_until(start + std::chrono::seconds(duration_s));
  long rss_end = broker.RssKib();
  for (auto& sender : senders) sender->StopSending();
  ASSERT_TRUE(broker.running()) << "the broker died during the soak";

  size_t sent = 0, reconnects = 0;
  for (auto& sender : senders) {
    sent += sender->SentCount();
    reconnects += sender->Reconnects();
  }
  ASSERT_NO_FATAL_FAILURE(ExpectHistoryMatches(broker.server_url(), household, senders));
  std::cout << "soak: " << clients << " clients, " << duration_s << " s, " << sent
            << " messages, " << reconnects << " reconnects, 0 lost; broker RSS "
            << rss_warm << " KiB after warm-up, " << rss_end << " KiB at the end (+"
            << rss_end - rss_warm << " KiB for " << sent - sent_warm << " more messages)\n";
  EXPECT_GT(sent, static_cast<size_t>(clients));
  EXPECT_GT(reconnects, static_cast<size_t>(clients));
  // Flat memory: the broker keeps no per-message state in memory (LevelDB's
  // write buffer and block cache are bounded); allow 64 MiB of slack. Not
  // under AddressSanitizer (`scripts/test --sanitize`): its quarantine keeps
  // up to 256 MiB of freed memory by design, so RSS grows whatever the code.
#if defined(__SANITIZE_ADDRESS__)
  std::cout << "soak: memory growth not judged under AddressSanitizer\n";
#else
  EXPECT_LT(rss_end - rss_warm, 64 * 1024) << "broker memory grew by " << rss_end - rss_warm
                                           << " KiB";
#endif
}

}  // namespace
}  // namespace foyer_test
