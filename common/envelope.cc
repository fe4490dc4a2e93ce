// Message envelopes (docs/protocol.md §5): structural checks for the server,
// sealing and opening for clients.
#include <cstdint>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "protocol_internal.h"

namespace foyer {
namespace protocol {

namespace {

// The envelope's fields, in the wire order (see SerializeEnvelope).
enum Field { kV, kConv, kEpoch, kFrom, kCmid, kTs, kNonce, kBody, kSig, kSeq, kStime, kFieldCount };
constexpr std::string_view kFieldNames[kFieldCount] = {
    "v", "conv", "epoch", "from", "cmid", "ts", "nonce", "body", "sig", "seq", "stime"};

// One top-level member of an envelope as parsed, before its checks.
struct FieldValue {
  enum class Kind { kMissing, kString, kUnsigned, kInteger, kOther };
  Kind kind = Kind::kMissing;
  std::string text;       // kString
  uint64_t unsigned_value = 0;  // kUnsigned
  int64_t integer_value = 0;    // kInteger (negative numbers, and -0)
};

// The top-level members of a JSON text: what the checks below read. Filled
// from a DOM (EnvelopeFromJson) or straight from the parser's events
// (ParseEnvelope, which runs on every message the broker receives and so
// builds no DOM).
struct EnvelopeFields {
  bool is_object = false;
  FieldValue values[kFieldCount];
  // The first unknown member in nlohmann::json's (sorted) order, so that
  // both ways report the same one.
  bool has_unknown = false;
  std::string first_unknown;

  FieldValue* Member(std::string_view key) {
    for (int i = 0; i < kFieldCount; ++i) {
      if (key == kFieldNames[i]) {
        values[i] = FieldValue();  // a repeated member: the last one wins, as in a DOM
        return &values[i];
      }
    }
    if (!has_unknown || key < first_unknown) first_unknown = std::string(key);
    has_unknown = true;
    return nullptr;
  }
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// True when none of the 8 bytes of `word` ends or breaks a plain string:
// each is printable ASCII (0x20..0x7e) other than '"' and '\\'. The
// classic bit tricks below tell exactly whether such a byte exists (not
// which one), which is all the scanner needs to skip 8 bytes at once.
bool PlainWord(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero_byte = [](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;  // a byte < 0x20
  uint64_t above_tilde = ((word + kOnes * (127 - 0x7e)) | word) & kHigh;  // a byte > 0x7e
  return (below_space | above_tilde | has_zero_byte(word ^ (kOnes * '"')) |
          has_zero_byte(word ^ (kOnes * '\\'))) == 0;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The fast path of ParseEnvelope: a flat object whose members are plain
// strings (printable ASCII, no escape) or unsigned integers, which is what
// clients send. This subset of JSON has one meaning, so the result is the
// parser's; any other text (escapes, nesting, other numbers, errors) makes
// it return false and goes to nlohmann::json's parser, which judges it.
bool ParsePlainObject(std::string_view text, EnvelopeFields* fields) {
  size_t i = 0;
  const size_t n = text.size();
  auto skip_space = [&] {
    while (i < n && IsJsonSpace(text[i])) ++i;
  };
  auto read_string = [&](std::string_view* out) {
    if (i >= n || text[i] != '"') return false;
    size_t start = ++i;
    for (uint64_t word; i + 8 <= n; i += 8) {
      std::memcpy(&word, text.data() + i, 8);
      if (!PlainWord(word)) break;
    }
    for (; i < n && text[i] != '"'; ++i) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c < 0x20 || c >= 0x7f || c == '\\') return false;
    }
    if (i >= n) return false;
    *out = text.substr(start, i - start);
    ++i;
    return true;
  };
  skip_space();
  if (i >= n || text[i] != '{') return false;
  ++i;
  fields->is_object = true;
  skip_space();
  if (i < n && text[i] == '}') {
    ++i;
  } else {
    while (true) {
      std::string_view key, value;
      if (!read_string(&key)) return false;
      skip_space();
      if (i >= n || text[i] != ':') return false;
      ++i;
      skip_space();
      FieldValue* member = fields->Member(key);
      if (i < n && text[i] == '"') {
        if (!read_string(&value)) return false;
        if (member != nullptr) {
          member->kind = FieldValue::Kind::kString;
          member->text.assign(value);
        }
      } else if (i < n && IsDigit(text[i])) {
        if (text[i] == '0' && i + 1 < n && IsDigit(text[i + 1])) return false;
        uint64_t number = 0;
        for (; i < n && IsDigit(text[i]); ++i) {
          uint64_t digit = static_cast<uint64_t>(text[i] - '0');
          if (number > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
          number = number * 10 + digit;
        }
        if (i < n && (text[i] == '.' || text[i] == 'e' || text[i] == 'E')) return false;
        if (member != nullptr) {
          member->kind = FieldValue::Kind::kUnsigned;
          member->unsigned_value = number;
        }
      } else {
        return false;
      }
      skip_space();
      if (i < n && text[i] == ',') {
        ++i;
        skip_space();
        continue;
      }
      if (i < n && text[i] == '}') {
        ++i;
        break;
      }
      return false;
    }
  }
  skip_space();
  return i == n;
}

// nlohmann::json SAX handler that keeps only the top-level members.
class EnvelopeSax {
 public:
  explicit EnvelopeSax(EnvelopeFields* fields) : fields_(fields) {}
  using number_integer_t = nlohmann::json::number_integer_t;
  using number_unsigned_t = nlohmann::json::number_unsigned_t;
  using number_float_t = nlohmann::json::number_float_t;
  using string_t = nlohmann::json::string_t;
  using binary_t = nlohmann::json::binary_t;

  bool null() { return Other(); }
  bool boolean(bool) { return Other(); }
  bool number_float(number_float_t, const string_t&) { return Other(); }
  bool binary(binary_t&) { return Other(); }
  bool number_integer(number_integer_t value) {
    if (FieldValue* member = Value()) {
      member->kind = FieldValue::Kind::kInteger;
      member->integer_value = value;
    }
    return true;
  }
  bool number_unsigned(number_unsigned_t value) {
    if (FieldValue* member = Value()) {
      member->kind = FieldValue::Kind::kUnsigned;
      member->unsigned_value = value;
    }
    return true;
  }
  bool string(string_t& value) {
    if (FieldValue* member = Value()) {
      member->kind = FieldValue::Kind::kString;
      member->text = std::move(value);  // the lexer clears its buffer before the next token
    }
    return true;
  }
  bool start_object(std::size_t) {
    if (depth_ == 0) fields_->is_object = true;
    Other();
    ++depth_;
    return true;
  }
  bool key(string_t& key) {
    if (depth_ == 1) member_ = fields_->Member(key);
    return true;
  }
  bool end_object() {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) {
    Other();
    ++depth_;
    return true;
  }
  bool end_array() {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& error) {
    error_ = error.what();
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  // The member a value at the current position fills, if any.
  FieldValue* Value() {
    if (depth_ != 1) return nullptr;
    FieldValue* member = member_;
    member_ = nullptr;
    return member;
  }
  bool Other() {
    if (FieldValue* member = Value()) member->kind = FieldValue::Kind::kOther;
    return true;
  }

  EnvelopeFields* fields_;
  int depth_ = 0;
  FieldValue* member_ = nullptr;
  std::string error_;
};

// The checks of json_fields.cc (GetUint, GetString, GetB64 and friends),
// with the same messages, over a FieldValue.
std::string Quoted(Field field) { return "field '" + std::string(kFieldNames[field]) + "'"; }

Status Missing(Field field) { return Status::Invalid(Quoted(field) + " is missing"); }

Status ReadUint(const EnvelopeFields& fields, Field field, uint64_t* out) {
  const FieldValue& value = fields.values[field];
  switch (value.kind) {
    case FieldValue::Kind::kMissing:
      return Missing(field);
    case FieldValue::Kind::kUnsigned:
      *out = value.unsigned_value;
      return Status::OK();
    case FieldValue::Kind::kInteger:
      if (value.integer_value >= 0) {
        *out = static_cast<uint64_t>(value.integer_value);
        return Status::OK();
      }
      break;
    default:
      break;
  }
  return Status::Invalid(Quoted(field) + " must be an unsigned integer");
}

Status ReadString(EnvelopeFields& fields, Field field, size_t max_length, std::string* out) {
  FieldValue& value = fields.values[field];
  if (value.kind == FieldValue::Kind::kMissing) return Missing(field);
  if (value.kind != FieldValue::Kind::kString) {
    return Status::Invalid(Quoted(field) + " must be a string");
  }
  if (value.text.size() > max_length) {
    return Status::Invalid(Quoted(field) + " is longer than " + std::to_string(max_length) +
                           " bytes");
  }
  *out = std::move(value.text);
  return Status::OK();
}

Status ReadHexId(EnvelopeFields& fields, Field field, std::string* out) {
  Status status = ReadString(fields, field, 32, out);
  if (!status.ok()) return status;
  if (!ValidHexId(*out)) return Status::Invalid(Quoted(field) + " must be 32 lowercase hex");
  return Status::OK();
}

// Number of base64url characters (no padding) that encode `bytes` bytes.
size_t Base64Length(size_t bytes) { return bytes / 3 * 4 + (bytes % 3 == 0 ? 0 : bytes % 3 + 1); }

Status ReadB64(const EnvelopeFields& fields, Field field, size_t min_bytes, size_t max_bytes,
               std::string* raw) {
  const FieldValue& value = fields.values[field];
  if (value.kind == FieldValue::Kind::kMissing) return Missing(field);
  if (value.kind != FieldValue::Kind::kString) {
    return Status::Invalid(Quoted(field) + " must be a base64url string");
  }
  auto range = [&] {
    return min_bytes == max_bytes ? std::to_string(min_bytes)
                                  : std::to_string(min_bytes) + ".." + std::to_string(max_bytes);
  };
  if (value.text.size() > Base64Length(max_bytes)) {
    return Status::Invalid(Quoted(field) + " must decode to " + range() + " bytes");
  }
  if (!internal::DecodeBase64Url(value.text, raw)) {
    return Status::Invalid(Quoted(field) + " is not valid base64url (URL-safe, no padding)");
  }
  if (raw->size() < min_bytes || raw->size() > max_bytes) {
    return Status::Invalid(Quoted(field) + " must decode to " + range() + " bytes, not " +
                           std::to_string(raw->size()));
  }
  return Status::OK();
}

// Header checks shared by the JSON parser and OpenEnvelope.
Status CheckHeader(const Envelope& envelope) {
  if (envelope.v != kVersion) return Status::Invalid("field 'v' must be 1");
  if (!ValidHexId(envelope.conv)) return Status::Invalid("field 'conv' must be 32 lowercase hex");
  if (envelope.epoch == 0) return Status::Invalid("field 'epoch' must be in 1..4294967295");
  std::string why;
  if (!ValidUserName(envelope.from, &why)) {
    return Status::Invalid("field 'from' is not a valid user name: " + why);
  }
  if (!ValidHexId(envelope.cmid)) return Status::Invalid("field 'cmid' must be 32 lowercase hex");
  if (envelope.nonce.size() != crypto::kNonceBytes) {
    return Status::Invalid("field 'nonce' must decode to 24 bytes");
  }
  if (envelope.sig.size() != crypto::kSignatureBytes) {
    return Status::Invalid("field 'sig' must decode to 64 bytes");
  }
  if (envelope.body.size() < crypto::kTagBytes) {
    return Status::Invalid("field 'body' must decode to at least 16 bytes");
  }
  if (envelope.body.size() > kMaxBodyBytes) {
    return Status::Limit("field 'body' is larger than " + std::to_string(kMaxBodyBytes) + " bytes");
  }
  return Status::OK();
}

// The structural checks, field by field in the wire order, then unknown
// fields, then the header as a whole.
Status EnvelopeFromFields(EnvelopeFields& fields, Envelope* out) {
  if (!fields.is_object) return Status::Invalid("envelope must be a JSON object");
  Envelope envelope;
  uint64_t number = 0;
  Status status = ReadUint(fields, kV, &number);
  if (!status.ok()) return status;
  if (number != static_cast<uint64_t>(kVersion)) return Status::Invalid("field 'v' must be 1");
  envelope.v = kVersion;
  if (!(status = ReadHexId(fields, kConv, &envelope.conv)).ok()) return status;
  if (!(status = ReadUint(fields, kEpoch, &number)).ok()) return status;
  if (number < 1 || number > std::numeric_limits<uint32_t>::max()) {
    return Status::Invalid("field 'epoch' must be in 1..4294967295");
  }
  envelope.epoch = static_cast<uint32_t>(number);
  if (!(status = ReadString(fields, kFrom, 4096, &envelope.from)).ok()) return status;
  std::string why;
  if (!ValidUserName(envelope.from, &why)) {
    return Status::Invalid("field 'from' is not a valid user name: " + why);
  }
  if (!(status = ReadHexId(fields, kCmid, &envelope.cmid)).ok()) return status;
  if (!(status = ReadUint(fields, kTs, &envelope.ts)).ok()) return status;
  status = ReadB64(fields, kNonce, crypto::kNonceBytes, crypto::kNonceBytes, &envelope.nonce);
  if (!status.ok()) return status;
  // Sizes of the body are checked by CheckHeader, which reports an oversized
  // body as a limit; the decoding bound only caps the work.
  status = ReadB64(fields, kBody, 0, kMaxEnvelopeBytes, &envelope.body);
  if (!status.ok()) return status;
  status = ReadB64(fields, kSig, crypto::kSignatureBytes, crypto::kSignatureBytes, &envelope.sig);
  if (!status.ok()) return status;
  if (fields.values[kSeq].kind != FieldValue::Kind::kMissing &&
      !(status = ReadUint(fields, kSeq, &envelope.seq)).ok()) {
    return status;
  }
  if (fields.values[kStime].kind != FieldValue::Kind::kMissing &&
      !(status = ReadUint(fields, kStime, &envelope.stime)).ok()) {
    return status;
  }
  if (fields.has_unknown) {
    return Status::Invalid("unknown field '" + fields.first_unknown.substr(0, 64) + "'");
  }
  if (!(status = CheckHeader(envelope)).ok()) return status;
  *out = std::move(envelope);
  return Status::OK();
}

// A JSON string. Checked fields (hex ids, user names) take the fast path;
// anything else goes through nlohmann::json, which escapes it and replaces
// invalid UTF-8 (only possible in an unchecked envelope) rather than throw.
void AppendJsonString(std::string* out, std::string_view text) {
  for (char c : text) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '"' || c == '\\') {
      out->append(nlohmann::json(std::string(text))
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
  }
  out->push_back('"');
  out->append(text);
  out->push_back('"');
}

void AppendBase64(std::string* out, std::string_view bytes) {
  out->push_back('"');
  internal::AppendBase64Url(out, bytes);
  out->push_back('"');
}

}  // namespace

Status EnvelopeFromJson(const nlohmann::json& json, Envelope* out) {
  EnvelopeFields fields;
  fields.is_object = json.is_object();
  if (fields.is_object) {
    for (auto it = json.begin(); it != json.end(); ++it) {
      FieldValue* member = fields.Member(it.key());
      if (member == nullptr) continue;
      const nlohmann::json& value = it.value();
      if (value.is_string()) {
        member->kind = FieldValue::Kind::kString;
        member->text = value.get_ref<const std::string&>();
      } else if (value.is_number_unsigned()) {
        member->kind = FieldValue::Kind::kUnsigned;
        member->unsigned_value = value.get<uint64_t>();
      } else if (value.is_number_integer()) {
        member->kind = FieldValue::Kind::kInteger;
        member->integer_value = value.get<int64_t>();
      } else {
        member->kind = FieldValue::Kind::kOther;
      }
    }
  }
  return EnvelopeFromFields(fields, out);
}

Status ParseEnvelope(std::string_view text, Envelope* out) {
  if (text.size() > kMaxEnvelopeBytes) {
    return Status::Limit("envelope is larger than " + std::to_string(kMaxEnvelopeBytes) + " bytes");
  }
  EnvelopeFields fields;
  if (!ParsePlainObject(text, &fields)) {
    fields = EnvelopeFields();
    EnvelopeSax sax(&fields);
    if (!nlohmann::json::sax_parse(text.begin(), text.end(), &sax)) {
      return Status::Invalid("envelope is not JSON: " + sax.error());
    }
  }
  return EnvelopeFromFields(fields, out);
}

nlohmann::json EnvelopeToJson(const Envelope& envelope) {
  // nlohmann::json sorts its members: go through the text form to keep the
  // values identical to SerializeEnvelope's.
  return nlohmann::json::parse(SerializeEnvelope(envelope));
}

void AppendEnvelopeJson(const Envelope& envelope, std::string* out) {
  out->append("{\"v\":");
  out->append(std::to_string(envelope.v));
  out->append(",\"conv\":");
  AppendJsonString(out, envelope.conv);
  out->append(",\"epoch\":");
  out->append(std::to_string(envelope.epoch));
  out->append(",\"from\":");
  AppendJsonString(out, envelope.from);
  out->append(",\"cmid\":");
  AppendJsonString(out, envelope.cmid);
  out->append(",\"ts\":");
  out->append(std::to_string(envelope.ts));
  out->append(",\"nonce\":");
  AppendBase64(out, envelope.nonce);
  out->append(",\"body\":");
  AppendBase64(out, envelope.body);
  out->append(",\"sig\":");
  AppendBase64(out, envelope.sig);
  if (envelope.seq != 0) {
    out->append(",\"seq\":");
    out->append(std::to_string(envelope.seq));
  }
  if (envelope.stime != 0) {
    out->append(",\"stime\":");
    out->append(std::to_string(envelope.stime));
  }
  out->push_back('}');
}

std::string SerializeEnvelope(const Envelope& envelope) {
  std::string text;
  text.reserve(200 + envelope.body.size() * 4 / 3);
  AppendEnvelopeJson(envelope, &text);
  return text;
}

std::string EnvelopeAssociatedData(const Envelope& envelope) {
  std::string conv_raw;
  std::string cmid_raw;
  if (!ValidHexId(envelope.conv) || !ValidHexId(envelope.cmid) || !ValidUserName(envelope.from) ||
      !crypto::FromHex(envelope.conv, &conv_raw) || !crypto::FromHex(envelope.cmid, &cmid_raw)) {
    return std::string();
  }
  std::string ad = "foyer/msg/v1";
  ad.append(conv_raw);
  internal::AppendU32be(&ad, envelope.epoch);
  internal::AppendShortString(&ad, envelope.from);
  ad.append(cmid_raw);
  internal::AppendU64be(&ad, envelope.ts);
  return ad;
}

namespace internal {

Envelope SealEnvelopeWithNonce(std::string_view conv, uint32_t epoch, std::string_view from,
                               std::string_view cmid, uint64_t ts, const crypto::Secret& epoch_key,
                               const crypto::SignKeyPair& signer, std::string_view plaintext,
                               std::string_view nonce) {
  Envelope envelope;
  envelope.conv = std::string(conv);
  envelope.epoch = epoch;
  envelope.from = std::string(from);
  envelope.cmid = std::string(cmid);
  envelope.ts = ts;
  envelope.nonce = std::string(nonce);
  std::string ad = EnvelopeAssociatedData(envelope);
  envelope.body = crypto::AeadSeal(epoch_key, nonce, plaintext, ad);
  envelope.sig = crypto::Sign(signer, ad + envelope.nonce + envelope.body);
  return envelope;
}

}  // namespace internal

Envelope SealEnvelope(std::string_view conv, uint32_t epoch, std::string_view from,
                      std::string_view cmid, uint64_t ts, const crypto::Secret& epoch_key,
                      const crypto::SignKeyPair& signer, std::string_view plaintext) {
  return internal::SealEnvelopeWithNonce(conv, epoch, from, cmid, ts, epoch_key, signer, plaintext,
                                         crypto::RandomBytes(crypto::kNonceBytes));
}

Status OpenEnvelope(const Envelope& envelope, std::string_view sender_ed25519_public,
                    const crypto::Secret& epoch_key, std::string* plaintext) {
  Status status = CheckHeader(envelope);
  if (!status.ok()) return status;
  std::string ad = EnvelopeAssociatedData(envelope);
  if (!crypto::Verify(sender_ed25519_public, ad + envelope.nonce + envelope.body, envelope.sig)) {
    return Status::Denied("envelope signature does not verify with the sender's key");
  }
  if (!crypto::AeadOpen(epoch_key, envelope.nonce, envelope.body, ad, plaintext)) {
    return Status::Denied("envelope body does not open with the epoch key");
  }
  return Status::OK();
}

}  // namespace protocol
}  // namespace foyer
