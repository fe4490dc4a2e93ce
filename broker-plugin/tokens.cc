// Admin tokens for the gateway's REST API (docs/admin-api.md). A token is
// shown once, at creation; the store keeps only Store::Verifier("token:" ||
// token), under a key made from the token's name with Store::NameKey.
#include <string>
#include <utility>

#include "foyer/crypto.h"
#include "request_args.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

using Json = nlohmann::json;

constexpr const char* kTokenTextPrefix = "foyer_";
constexpr size_t kTokenBytes = 32;
constexpr size_t kMaxTokens = 100;
// last_used is written at most this often per token (not on every call).
constexpr uint64_t kLastUsedWriteMs = 60 * 1000;

std::string TokenHash(const Store& store, std::string_view raw) {
  std::string material = "token:" + std::string(raw);
  std::string hash = store.Verifier(material);
  crypto::Wipe(&material);
  return hash;
}

}  // namespace

std::string TokenKey(const Store& store, std::string_view name) {
  return std::string(kTokenPrefix) + store.NameKey("token:" + std::string(name));
}

std::string EncodeToken(const TokenRecord& token) {
  return Json{{"name", token.name},
              {"hash", crypto::ToHex(token.hash)},
              {"creator", token.creator},
              {"created", token.created},
              {"last_used", token.last_used}}
      .dump();
}

Status DecodeToken(std::string_view value, TokenRecord* token) {
  Json object = Json::parse(value, nullptr, false);
  TokenRecord result;
  try {
    result.name = object.at("name").get<std::string>();
    if (!crypto::FromHex(object.at("hash").get<std::string>(), &result.hash)) {
      return Status::Corruption("token record has a bad hash");
    }
    result.creator = object.at("creator").get<std::string>();
    result.created = object.at("created").get<uint64_t>();
    result.last_used = object.at("last_used").get<uint64_t>();
  } catch (const Json::exception&) {
    return Status::Corruption("token record has bad fields");
  }
  *token = std::move(result);
  return Status::OK();
}

Status Server::LoadTokens() {
  Status decode_status;
  Status status = store_->Scan(kTokenPrefix, "", false,
                               [&](std::string_view key, std::string_view value) {
                                 TokenRecord token;
                                 decode_status = DecodeToken(value, &token);
                                 if (!decode_status.ok()) return false;
                                 tokens_[token.name] = std::move(token);
                                 return true;
                               });
  return status.ok() ? decode_status : status;
}

bool Server::CheckToken(const std::string& token, std::string* name) {
  std::string prefix = kTokenTextPrefix;
  std::string raw;
  if (token.size() <= prefix.size() || token.compare(0, prefix.size(), prefix) != 0 ||
      !crypto::FromBase64(token.substr(prefix.size()), &raw) || raw.size() != kTokenBytes) {
    crypto::Wipe(&raw);
    return false;
  }
  std::string hash = TokenHash(*store_, raw);
  crypto::Wipe(&raw);
  for (auto& [token_name, record] : tokens_) {
    if (!crypto::Equal(hash, record.hash)) continue;
    uint64_t now = Now();
    if (now - record.last_used >= kLastUsedWriteMs) {
      TokenRecord updated = record;
      updated.last_used = now;
      if (store_->Put(TokenKey(*store_, token_name), EncodeToken(updated)).ok()) record = updated;
    }
    *name = token_name;
    return true;
  }
  return false;
}

Status Server::OpTokenCreate(const Session& s, const Json& request, Json* result) {
  std::string name;
  if (request.contains("name")) {
    Status status = GetUserNameArg(request, "name", &name);
    if (!status.ok()) return status;
    if (tokens_.count(name)) return Status::Conflict("a token named " + name + " exists");
  } else {
    for (int i = 1; name.empty() || tokens_.count(name); ++i) name = "token-" + std::to_string(i);
  }
  if (tokens_.size() >= kMaxTokens) return Status::Limit("at most 100 admin tokens");
  std::string raw = crypto::RandomBytes(kTokenBytes);
  TokenRecord record;
  record.name = name;
  record.hash = TokenHash(*store_, raw);
  record.creator = s.user;
  record.created = Now();
  std::string token = kTokenTextPrefix + crypto::ToBase64(raw);
  crypto::Wipe(&raw);
  Status status = store_->Put(TokenKey(*store_, name), EncodeToken(record));
  if (!status.ok()) return Status::Internal("the server could not write its store");
  Log(LogLevel::kNotice, s.user + " created admin token " + name);
  *result = Json{{"token", token}, {"name", name}, {"created", record.created}};
  crypto::Wipe(&token);
  tokens_[name] = std::move(record);
  return Status::OK();
}

Status Server::OpTokenList(const Session& s, const Json& request, Json* result) {
  Json tokens = Json::array();
  for (const auto& [name, record] : tokens_) {
    tokens.push_back(Json{{"name", name},
                          {"creator", record.creator},
                          {"created", record.created},
                          {"last_used", record.last_used}});
  }
  (*result)["tokens"] = std::move(tokens);
  return Status::OK();
}

Status Server::OpTokenRevoke(const Session& s, const Json& request, Json* result) {
  std::string name;
  Status status = GetUserNameArg(request, "name", &name);
  if (!status.ok()) return status;
  if (!tokens_.count(name)) return Status::NotFound("no token named " + name);
  WriteBatch batch;
  batch.Delete(TokenKey(*store_, name));
  status = Write(batch);
  if (!status.ok()) return status;
  tokens_.erase(name);
  Log(LogLevel::kNotice, s.user + " revoked admin token " + name);
  (*result)["name"] = name;
  return Status::OK();
}

}  // namespace plugin
}  // namespace foyer
