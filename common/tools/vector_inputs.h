// Fixed inputs and small helpers of foyer-make-vectors (single translation
// unit: everything here is inline).
#ifndef FOYER_COMMON_TOOLS_VECTOR_INPUTS_H_
#define FOYER_COMMON_TOOLS_VECTOR_INPUTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer {
namespace vectors {

using Json = nlohmann::ordered_json;
namespace p = protocol;

// Fixed inputs.
inline std::string Bytes(uint8_t value, size_t count) {
  return std::string(count, static_cast<char>(value));
}
inline std::string Sequence(uint8_t first, size_t count) {
  std::string out;
  for (size_t i = 0; i < count; ++i) out.push_back(static_cast<char>(first + i));
  return out;
}
inline const std::string kHousehold = Sequence(0x00, 16);  // 000102...0f
inline const std::string kConvHex = crypto::ToHex(Sequence(0xa0, 16));
inline const std::string kCmidHex = crypto::ToHex(Sequence(0xc0, 16));
inline const std::string kNonce = Sequence(0x40, 24);
inline const std::string kAliceSignSeed = Bytes(0x01, 32);
inline const std::string kAliceBoxSeed = Bytes(0x02, 32);
inline const std::string kBobSignSeed = Bytes(0x03, 32);
inline const std::string kBobBoxSeed = Bytes(0x04, 32);
inline const std::string kCarolSignSeed = Bytes(0x05, 32);
inline const std::string kCarolBoxSeed = Bytes(0x06, 32);
inline const std::string kEpochKey = Bytes(0x07, 32);
inline const std::string kOtherEpochKey = Bytes(0x08, 32);
inline const std::string kBundleKey = Bytes(0x09, 32);
inline constexpr uint32_t kEpoch = 3;
inline constexpr uint64_t kTs = 1767225600000;
inline constexpr char kPlaintext[] =
    u8R"({"type":"text","text":"Bonjour à tous ! Déjà l'été, ça fait plaisir 🌞"})";
inline constexpr char kTitle[] = u8"Famille Lefèvre 🏡 — vacances à Noël";

inline std::string Hex(std::string_view bytes) { return crypto::ToHex(bytes); }
inline std::string B64(std::string_view bytes) { return crypto::ToBase64(bytes); }
inline std::string Flip(std::string bytes, size_t index) {
  bytes[index] = static_cast<char>(bytes[index] ^ 0x01);
  return bytes;
}

}  // namespace vectors
}  // namespace foyer

#endif  // FOYER_COMMON_TOOLS_VECTOR_INPUTS_H_
