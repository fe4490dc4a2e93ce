// Where secrets live in memory (crypto.h: Secret): the crypto module's other
// file that includes <sodium.h>, beside crypto.cc.
#include <sodium.h>
#include <sanitizer/asan_interface.h>  // no-op macros unless built with ASan

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "foyer/crypto.h"

namespace foyer {
namespace crypto {
namespace {

// Slots for small secrets in slabs of sodium_malloc memory: one guarded,
// locked region per 2046 keys instead of one per key (each sodium_malloc
// region costs 4 mappings and at least one locked page). Thread-safe.
// Release never allocates (it runs in destructors).
class SlotArena {
 public:
  // 64 KiB less room for sodium's 16-byte canary: exactly 16 locked pages.
  static constexpr size_t kSlabBytes = 65536 - 64;
  static constexpr size_t kSlotsPerSlab = kSlabBytes / kSecretSlotBytes;
  static_assert(kSlotsPerSlab <= UINT16_MAX + 1u, "slot index type");

  // The process's arena: never destroyed, so that secrets of static
  // storage duration can still be freed at exit.
  static SlotArena& Get() {
    static SlotArena* arena = new SlotArena();
    return *arena;
  }

  // A wiped slot for a secret of `size` (<= kSecretSlotBytes) bytes, or
  // nullptr when no slab can be had.
  uint8_t* Allocate(size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (with_room_.empty() && !AddSlab()) return nullptr;
    Slab* slab = with_room_.back();
    if (slab->free.size() == kSlotsPerSlab) --empty_slabs_;
    const uint16_t index = slab->free.back();
    slab->free.pop_back();
    if (slab->free.empty()) with_room_.pop_back();
    ++slots_in_use_;
    uint8_t* slot = slab->base + size_t{index} * kSecretSlotBytes;
    ASAN_UNPOISON_MEMORY_REGION(slot, size);  // under ASan, the rest stays off limits
    return slot;
  }

  // Wipes `slot` and makes it free again.
  void Release(uint8_t* slot) noexcept {
    ASAN_UNPOISON_MEMORY_REGION(slot, kSecretSlotBytes);
    sodium_memzero(slot, kSecretSlotBytes);
    // Under ASan a free slot is poisoned: a use of a freed Secret is caught
    // (as it was when each had its own region, unmapped when freed).
    ASAN_POISON_MEMORY_REGION(slot, kSecretSlotBytes);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = slabs_.upper_bound(slot);  // the first slab after the slot
    --it;
    Slab* slab = &it->second;
    if (slab->free.empty()) with_room_.push_back(slab);  // capacity reserved by AddSlab
    slab->free.push_back(static_cast<uint16_t>((slot - slab->base) / kSecretSlotBytes));
    --slots_in_use_;
    if (slab->free.size() < kSlotsPerSlab) return;
    if (empty_slabs_ == 0) {  // keep one empty slab, so that a key made and
      ++empty_slabs_;         // dropped at a slab's edge costs no mapping
      return;
    }
    with_room_.erase(std::find(with_room_.begin(), with_room_.end(), slab));
    ASAN_UNPOISON_MEMORY_REGION(slab->base, kSlabBytes);  // the pages may be mapped again
    sodium_free(slab->base);
    slabs_.erase(it);
  }

  SecretMemoryUsage Usage() {
    std::lock_guard<std::mutex> lock(mutex_);
    SecretMemoryUsage usage;
    usage.slabs = slabs_.size();
    usage.slots_in_use = slots_in_use_;
    usage.slots_per_slab = kSlotsPerSlab;
    return usage;
  }

 private:
  struct Slab {
    uint8_t* base = nullptr;
    std::vector<uint16_t> free;  // indexes of free slots; capacity kSlotsPerSlab
  };

  // Adds an empty slab (all its slots free). False when out of memory.
  bool AddSlab() {
    try {
      Slab slab;
      slab.free.reserve(kSlotsPerSlab);
      for (size_t i = kSlotsPerSlab; i > 0; --i) slab.free.push_back(static_cast<uint16_t>(i - 1));
      with_room_.reserve(slabs_.size() + 1);  // Release may list every slab
      slab.base = static_cast<uint8_t*>(sodium_malloc(kSlabBytes));
      if (slab.base == nullptr) return false;
      sodium_memzero(slab.base, kSlabBytes);
      ASAN_POISON_MEMORY_REGION(slab.base, kSlabBytes);
      uint8_t* base = slab.base;
      try {
        Slab& added = slabs_.emplace(base, std::move(slab)).first->second;
        with_room_.push_back(&added);
      } catch (...) {
        ASAN_UNPOISON_MEMORY_REGION(base, kSlabBytes);
        sodium_free(base);
        throw;
      }
    } catch (const std::bad_alloc&) {
      return false;
    }
    ++empty_slabs_;
    return true;
  }

  std::mutex mutex_;
  std::map<const uint8_t*, Slab> slabs_;  // by base address (std::less: a total order)
  std::vector<Slab*> with_room_;          // slabs with a free slot
  size_t empty_slabs_ = 0;
  size_t slots_in_use_ = 0;
};

}  // namespace

Secret::Secret(size_t size) : size_(size) {
  if (size == 0) return;
  Init();
  data_ = size <= kSecretSlotBytes ? SlotArena::Get().Allocate(size)
                                   : static_cast<uint8_t*>(sodium_malloc(size));
  if (data_ == nullptr) throw std::bad_alloc();
  sodium_memzero(data_, size);
}

Secret::~Secret() { Free(); }

void Secret::Free() {
  if (data_ == nullptr) return;
  if (size_ <= kSecretSlotBytes) {
    SlotArena::Get().Release(data_);  // wipes the slot
  } else {
    sodium_free(data_);  // wipes before freeing
  }
  data_ = nullptr;
  size_ = 0;
}

Secret::Secret(Secret&& other) noexcept : data_(other.data_), size_(other.size_) {
  other.data_ = nullptr;
  other.size_ = 0;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Free();
    data_ = other.data_;
    size_ = other.size_;
    other.data_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

SecretMemoryUsage SecretMemory() { return SlotArena::Get().Usage(); }

Secret Secret::FromBytes(std::string_view bytes) {
  Secret secret(bytes.size());
  if (!bytes.empty()) std::memcpy(secret.data(), bytes.data(), bytes.size());
  return secret;
}

Secret Secret::Random(size_t size) {
  Secret secret(size);
  if (size > 0) randombytes_buf(secret.data(), size);
  return secret;
}

}  // namespace crypto
}  // namespace foyer
