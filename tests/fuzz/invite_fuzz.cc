// Fuzzes invite codes (typed or pasted by people, docs/protocol.md §7): a
// code that decodes has the right sizes and encodes back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "foyer/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace protocol = foyer::protocol;
  std::string code(reinterpret_cast<const char*>(data), size);
  std::string household, secret;
  if (!protocol::DecodeInviteCode(code, &household, &secret).ok()) return 0;
  if (household.size() != 16 || secret.size() != 16) std::abort();
  if (protocol::EncodeInviteCode(household, secret) != code) std::abort();
  return 0;
}
