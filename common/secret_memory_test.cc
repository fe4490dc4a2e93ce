// How Secret holds many small keys: a client keeps one 32-byte key per
// conversation epoch, thousands over the years. They must all fit within
// the default limits of a Linux machine (vm.max_map_count 65530, an 8 MiB
// RLIMIT_MEMLOCK for ordinary users), and still work.
#include "foyer/crypto.h"
#include "mapping_count_test_util.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace foyer {
namespace crypto {
namespace {

class SecretMemoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(Init()); }
};

// One guarded sodium_malloc mapping per key took 4 VMAs: 16,377 keys
// exhausted vm.max_map_count here and Secret threw std::bad_alloc.
TEST_F(SecretMemoryTest, FiftyThousandEpochKeysFitAndWork) {
  constexpr uint32_t kKeys = 50000;
  const size_t maps_before = MappingCount();
  const SecretMemoryUsage before = SecretMemory();
  std::map<uint32_t, Secret> ring;  // epoch -> key, as a conversation holds them
  for (uint32_t epoch = 1; epoch <= kKeys; ++epoch) {
    ring.emplace(epoch, Secret::Random(kKeyBytes));
  }
  const size_t maps_after = MappingCount();
  EXPECT_LT(maps_after - maps_before, 1000u) << "mappings used by " << kKeys << " keys";
  const SecretMemoryUsage held = SecretMemory();
  EXPECT_EQ(held.slots_in_use, before.slots_in_use + kKeys);
  EXPECT_LE(held.slabs, before.slabs + kKeys / held.slots_per_slab + 2);

  const std::string nonce = RandomBytes(kNonceBytes);
  for (uint32_t epoch : {1u, kKeys / 2, kKeys}) {
    const std::string sealed = AeadSeal(ring.at(epoch), nonce, "epoch " + std::to_string(epoch), "ad");
    std::string opened;
    ASSERT_TRUE(AeadOpen(ring.at(epoch), nonce, sealed, "ad", &opened)) << epoch;
    EXPECT_EQ(opened, "epoch " + std::to_string(epoch));
    EXPECT_FALSE(AeadOpen(ring.at(epoch == 1 ? kKeys : 1), nonce, sealed, "ad", &opened));
  }

  // Dropping the keys gives the slabs back (one empty slab is kept).
  ring.clear();
  const SecretMemoryUsage after = SecretMemory();
  EXPECT_EQ(after.slots_in_use, before.slots_in_use);
  EXPECT_LE(after.slabs, before.slabs + 1);
  // ... to the system: every slab given back unmaps at least one mapping.
  const size_t maps_cleared = MappingCount();
  EXPECT_LE(maps_cleared + (held.slabs - after.slabs), maps_after)
      << held.slabs - after.slabs << " slabs dropped, mappings " << maps_after << " -> "
      << maps_cleared;
#if !defined(__SANITIZE_ADDRESS__)
  // Back to where it started. (Not under AddressSanitizer: its allocator
  // keeps the mappings it made for the map's 50,000 nodes.)
  EXPECT_LT(maps_cleared, maps_before + 10);
#endif
}

// Secrets of every size side by side: slots (up to kSecretSlotBytes) and
// regions of their own, moved from one to the other, each keeps its bytes.
TEST_F(SecretMemoryTest, SmallAndLargeSecretsKeepTheirBytes) {
  std::vector<Secret> secrets;
  std::vector<std::string> expected;
  for (size_t size : {1u, 16u, 31u, 32u, 33u, 64u, 100u, 32u, 4096u, 32u}) {
    secrets.push_back(Secret::Random(size));
    expected.emplace_back(secrets.back().view());
    EXPECT_EQ(secrets.back().size(), size);
  }
  for (size_t i = 0; i < secrets.size(); ++i) EXPECT_EQ(secrets[i].view(), expected[i]) << i;

  Secret moved = std::move(secrets[3]);  // a slot
  EXPECT_EQ(moved.view(), expected[3]);
  moved = std::move(secrets[5]);  // the slot is freed, a region taken over
  EXPECT_EQ(moved.view(), expected[5]);
  moved = std::move(secrets[0]);  // the region is freed, a slot taken over
  EXPECT_EQ(moved.view(), expected[0]);

  // A new secret is zero-filled, whatever its slot held before.
  for (int round = 0; round < 100; ++round) {
    Secret zeros(kSecretSlotBytes);
    EXPECT_EQ(zeros.view(), std::string(kSecretSlotBytes, '\0'));
    Secret::Random(kSecretSlotBytes);
  }
}

// Keys made and dropped on several threads at once (the client's dispatch
// thread, Paho's thread and the application's share the slabs).
TEST_F(SecretMemoryTest, ManyThreadsMakeAndDropKeys) {
  const size_t in_use = SecretMemory().slots_in_use;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&mismatches] {
      std::vector<std::pair<Secret, std::string>> keys;
      for (int i = 0; i < 5000; ++i) {
        Secret key = Secret::Random(kKeyBytes);
        std::string copy(key.view());
        keys.emplace_back(std::move(key), std::move(copy));
        if (i % 3 == 0) keys.erase(keys.begin() + keys.size() / 2);
      }
      for (const auto& entry : keys) {
        if (entry.first.view() != entry.second) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(SecretMemory().slots_in_use, in_use);
}

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer a freed Secret's slot, and a small secret's unused
// rest of its slot, are off limits, as separate regions used to be.
TEST(SecretMemoryDeathTest, FreedAndUnusedSlotBytesAreOffLimitsUnderAsan) {
  ::testing::FLAGS_gtest_death_test_style = "threadsafe";
  const volatile uint8_t* stale = nullptr;
  {
    Secret key = Secret::Random(kKeyBytes);
    stale = key.data();
  }
  EXPECT_DEATH(static_cast<void>(stale[0]), "use-after-poison");
  Secret small = Secret::Random(16);
  const volatile uint8_t* bytes = small.data();
  static_cast<void>(bytes[15]);
  EXPECT_DEATH(static_cast<void>(bytes[16]), "use-after-poison");
}
#endif

}  // namespace
}  // namespace crypto
}  // namespace foyer
