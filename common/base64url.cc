// The base64url codec of envelopes' public fields (protocol_internal.h).
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol_internal.h"

namespace foyer {
namespace protocol {
namespace {

constexpr char kBase64UrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Six-bit values of the alphabet's characters; 64 for every other byte.
struct Base64UrlTable {
  uint8_t value[256];
  constexpr Base64UrlTable() : value() {
    for (int i = 0; i < 256; ++i) value[i] = 64;
    for (int i = 0; i < 64; ++i) value[static_cast<uint8_t>(kBase64UrlAlphabet[i])] = i;
  }
};
constexpr Base64UrlTable kBase64UrlTable;

}  // namespace

namespace internal {

void AppendBase64Url(std::string* out, std::string_view bytes) {
  const auto* in = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  size_t at = out->size();
  out->resize(at + size / 3 * 4 + (size % 3 == 0 ? 0 : size % 3 + 1));
  char* text = out->data() + at;
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t group = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *text++ = kBase64UrlAlphabet[group >> 18];
    *text++ = kBase64UrlAlphabet[(group >> 12) & 63];
    *text++ = kBase64UrlAlphabet[(group >> 6) & 63];
    *text++ = kBase64UrlAlphabet[group & 63];
  }
  if (size - i == 1) {
    *text++ = kBase64UrlAlphabet[in[i] >> 2];
    *text++ = kBase64UrlAlphabet[(in[i] & 3) << 4];
  } else if (size - i == 2) {
    uint32_t group = (in[i] << 8) | in[i + 1];
    *text++ = kBase64UrlAlphabet[group >> 10];
    *text++ = kBase64UrlAlphabet[(group >> 4) & 63];
    *text++ = kBase64UrlAlphabet[(group << 2) & 63];
  }
}

bool DecodeBase64Url(std::string_view text, std::string* bytes) {
  if (text.size() % 4 == 1) return false;
  bytes->resize(text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1));
  char* out = bytes->data();
  const auto* in = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* table = kBase64UrlTable.value;
  size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    uint32_t a = table[in[i]], b = table[in[i + 1]], c = table[in[i + 2]], d = table[in[i + 3]];
    if ((a | b | c | d) & 64) return false;
    uint32_t group = (a << 18) | (b << 12) | (c << 6) | d;
    *out++ = static_cast<char>(group >> 16);
    *out++ = static_cast<char>(group >> 8);
    *out++ = static_cast<char>(group);
  }
  size_t rest = text.size() - i;
  if (rest == 2) {
    uint32_t a = table[in[i]], b = table[in[i + 1]];
    if (((a | b) & 64) || (b & 15) != 0) return false;  // 4 unused bits must be zero
    *out++ = static_cast<char>((a << 2) | (b >> 4));
  } else if (rest == 3) {
    uint32_t a = table[in[i]], b = table[in[i + 1]], c = table[in[i + 2]];
    if (((a | b | c) & 64) || (c & 3) != 0) return false;  // 2 unused bits must be zero
    uint32_t group = (a << 10) | (b << 4) | (c >> 2);
    *out++ = static_cast<char>(group >> 8);
    *out++ = static_cast<char>(group);
  }
  return true;
}

}  // namespace internal

}  // namespace protocol
}  // namespace foyer
