// Server: the plugin's core, independent of mosquitto. It owns the store and
// the in-memory caches (users, invites, conversations, sessions) and answers
// the broker's events; plugin.cc adapts the mosquitto callbacks to it, and
// unit tests drive it directly with a fake BrokerPort.
//
// Threads: not thread-safe. Every method runs on the broker's network thread.
// Sessions are keyed by the broker's client pointer (opaque here).
#ifndef FOYER_BROKER_PLUGIN_SERVER_H_
#define FOYER_BROKER_PLUGIN_SERVER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "broker_port.h"
#include "files.h"
#include "foyer/protocol.h"
#include "foyer/status.h"
#include "foyer/store.h"
#include "lockout.h"
#include "options.h"
#include "records.h"

namespace foyer {
namespace plugin {

// ACL access values, equal to mosquitto's MOSQ_ACL_*.
constexpr int kAccessRead = 1;
constexpr int kAccessWrite = 2;
constexpr int kAccessSubscribe = 4;
constexpr int kAccessUnsubscribe = 8;

struct Session {
  std::string user;       // the user name; "~invite" for an invite session
  std::string role;       // the account's role (invite sessions: the invited role)
  std::string client_id;
  bool invite = false;
  std::string invite_key;  // raw Store::InviteKey, invite sessions only
  bool service = false;    // the built-in service account (the gateway)
  std::string name_key;    // Store::NameKey(user) of an account's session
};

// The built-in service account of the gateway (docs/admin-api.md): it logs in
// with the credential the plugin writes at each start, and may only send
// `whoami` and token-checked `admin` requests.
constexpr const char* kServiceUserName = "~gateway";

// Backup snapshots held for the `backup_*` ops.
struct BackupSession {
  std::unique_ptr<StoreSnapshot> snapshot;
  uint64_t last_used_ms = 0;
};

enum class MessageVerdict {
  kDeny,     // refuse (MOSQ_ERR_ACL_DENIED)
  kPass,     // deliver unchanged
  kRewrite,  // deliver `new_payload` on `new_topic`
  kRewriteTopic,  // deliver the payload unchanged on `new_topic`
  kRetryLater,    // the store cannot write: disconnect the client, which keeps
                  // the message (unacknowledged) and sends it again later
};

// How often the per-conversation counters are written while messages
// arrive (they are recovered from the messages after a crash).
constexpr uint64_t kCountersSavePeriodMs = 2000;

class Server {
 public:
  using Clock = std::function<uint64_t()>;  // milliseconds since the Unix epoch

  // Opens the store, loads the caches and, while the admin has not
  // registered, makes a fresh admin invite (file data_dir/admin-invite, 0600).
  // `port` must outlive the server. An empty clock uses the system clock.
  static Status Open(const PluginOptions& options, BrokerPort* port, Clock clock,
                     std::unique_ptr<Server>* server);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Writes the counters that changed since they were last written
  // (SaveCounters), then closes the store.
  ~Server();
  // MOSQ_EVT_BASIC_AUTH. True when the login is accepted; the session is then
  // known by `client` until OnDisconnect. Null username/password: refused.
  bool Authenticate(const void* client, std::string_view client_id, const char* username,
                    const char* password, std::string_view address);
  // MOSQ_EVT_ACL_CHECK.
  bool CheckAcl(const void* client, std::string_view topic, int access, bool retain) const;
  // The WRITE check for a client the plugin has no session for: mosquitto
  // checks a will after the DISCONNECT event, and (check_retain_source) a
  // retained message through a temporary context of its publisher. Only a
  // valid presence on foyer/p/<user_name> of an enabled account passes
  // (docs/protocol.md §6): a will or retained message skips OnMessage.
  bool CheckSessionlessWrite(std::string_view user_name, std::string_view topic,
                             std::string_view payload) const;
  // MOSQ_EVT_MESSAGE (after the WRITE ACL check).
  MessageVerdict OnMessage(const void* client, std::string_view topic, std::string_view payload,
                           bool retain, std::string* new_topic, std::string* new_payload);
  // MOSQ_EVT_CONTROL on $CONTROL/foyer/v1: answers the client through the port.
  void OnControl(const void* client, std::string_view payload);
  // MOSQ_EVT_DISCONNECT: forgets the session, persists last_seen.
  void OnDisconnect(const void* client);
  // MOSQ_EVT_RELOAD (SIGHUP, reload.cc): takes the options that can change
  // while clients stay connected (invite_ttl, max_people, max_devices, the
  // file limits) from `fresh`; keeps data_dir, key_file, passphrase_file,
  // gateway_key_file and sync_ms, and logs that those need a restart.
  void Reload(PluginOptions fresh);
  const PluginOptions& options() const { return options_; }

  const Store& store() const { return *store_; }
  const Caches& caches() const { return caches_; }
  const std::string& admin_invite_path() const { return admin_invite_path_; }
  const std::string& service_key_path() const { return service_key_path_; }
  const Session* FindSession(const void* client) const;

 private:
  struct OpEntry;
  static const OpEntry kOps[];

  Server(const PluginOptions& options, BrokerPort* port, Clock clock);
  uint64_t Now() const { return clock_(); }
  void Log(LogLevel level, const std::string& text) const { port_->Log(level, text); }

  Status EnsureAdminInvite();
  // Writes a fresh service account credential (service_account.cc).
  Status RotateServiceKey();
  bool CheckServiceLogin(std::string_view client_id, const char* password, Session* session);
  // Admin tokens (tokens.cc): the token's record name when `token` is valid.
  bool CheckToken(const std::string& token, std::string* name);
  Status LoadTokens();
  // Makes a fresh invite for `name` (a new or not yet registered account),
  // replacing its previous invite; writes it and updates the caches.
  Status CreateInvite(const std::string& name, const std::string& role, uint64_t ttl_s,
                      std::string* code, InviteRecord* invite);
  // Writes a fresh invite for `user` (as it will be stored: its invite_key
  // is replaced) in one batch with the user record.
  Status IssueInvite(UserRecord user, uint64_t ttl_s, std::string* code, InviteRecord* invite);
  void RemoveAdminInviteFile();
  Status Write(const WriteBatch& batch);
  // Writes the "n" record of every conversation whose counters changed since
  // it was last written (messages.cc); called every kCountersSavePeriodMs
  // while messages arrive, after the start's recovery and at shutdown.
  void SaveCounters();
  void SendInbox(const std::string& user, const nlohmann::json& event);
  void SendInboxToMembers(const ConversationRecord& conversation, const nlohmann::json& event);
  void Reply(const Session& session, nlohmann::json response);
  bool IsOnline(const std::string& user) const;
  bool IsMember(std::string_view conv, const std::string& user) const;
  const UserRecord* ActiveUser(const std::string& name) const;

  // Auth.
  bool CheckUserLogin(std::string_view client_id, const std::string& user,
                      const char* password, Session* session);
  bool CheckInviteLogin(std::string_view client_id, const char* password, Session* session);

  // Messages.
  MessageVerdict OnEnvelope(const Session& session, std::string_view conv,
                            std::string_view payload, std::string* new_topic,
                            std::string* new_payload);
  MessageVerdict OnSignal(const Session& session, std::string_view conv,
                          std::string_view payload, std::string* new_topic);

  // Request helpers (conversations.cc).
  Status FindConversation(const Session& session, const nlohmann::json& request,
                          ConversationRecord** conversation);
  Status ParseKeys(const Session& session, const std::string& conv, const nlohmann::json& request,
                   std::vector<protocol::KeyEnvelope>* keys);
  Status ParseTitle(const nlohmann::json& request, uint32_t epoch, nlohmann::json* title);
  Status CheckNewEpochKeys(const std::vector<protocol::KeyEnvelope>& keys, uint32_t epoch,
                           const std::set<std::string>& recipients);
  void PutKeys(const std::string& conv_raw, const std::vector<protocol::KeyEnvelope>& keys,
               WriteBatch* batch);
  nlohmann::json ConversationJson(const ConversationRecord& conversation) const;
  std::set<uint32_t> HeldEpochs(const std::string& conv_raw, const std::string& user) const;
  // Appends a JSON array of up to `limit` stored envelopes (ascending seq)
  // to `page` (history.cc).
  Status ReadMessages(const std::string& conv_raw, const std::set<uint32_t>& epochs,
                      uint64_t start_seq, bool reverse, size_t limit, std::string* page,
                      bool* more) const;

  // Requests: one per op of docs/protocol.md §7.
  using Json = nlohmann::json;
  Status OpInviteInfo(const Session& s, const Json& request, Json* result);
  Status OpRegister(const Session& s, const Json& request, Json* result);
  Status OpWhoami(const Session& s, const Json& request, Json* result);
  Status OpBundleGet(const Session& s, const Json& request, Json* result);
  Status OpBundlePut(const Session& s, const Json& request, Json* result);
  Status OpUsers(const Session& s, const Json& request, Json* result);
  Status OpKeys(const Session& s, const Json& request, Json* result);
  Status OpInvite(const Session& s, const Json& request, Json* result);
  Status OpUserList(const Session& s, const Json& request, Json* result);
  Status OpUserDisable(const Session& s, const Json& request, Json* result);
  Status OpUserEnable(const Session& s, const Json& request, Json* result);
  Status OpUserDelete(const Session& s, const Json& request, Json* result);
  Status OpConvCreate(const Session& s, const Json& request, Json* result);
  Status OpConvList(const Session& s, const Json& request, Json* result);
  Status OpConvGet(const Session& s, const Json& request, Json* result);
  Status OpConvAdd(const Session& s, const Json& request, Json* result);
  Status OpConvRemove(const Session& s, const Json& request, Json* result);
  Status OpConvLeave(const Session& s, const Json& request, Json* result);
  Status OpConvRotate(const Session& s, const Json& request, Json* result);
  Status OpConvTitle(const Session& s, const Json& request, Json* result);
  Status OpEpochKeys(const Session& s, const Json& request, Json* result);
  // history and catchup answer with text: `result` gets the result's
  // members (`"messages":...,"more":...`), built from the stored envelopes
  // without a JSON DOM (control.cc sends them).
  Status OpHistory(const Session& s, const Json& request, std::string* result);
  Status OpCatchup(const Session& s, const Json& request, std::string* result);
  Status SetDisabled(const Session& s, const Json& request, bool disabled);
  // Files (files.cc).
  Status OpFileBegin(const Session& s, const Json& request, Json* result);
  Status OpFilePut(const Session& s, const Json& request, Json* result);
  Status OpFileEnd(const Session& s, const Json& request, Json* result);
  Status OpFileAbort(const Session& s, const Json& request, Json* result);
  Status OpFileGet(const Session& s, const Json& request, Json* result);
  Status FindUpload(const Session& s, const Json& request, FileRecord** upload);
  Status DeleteFile(const FileRecord& file);
  void ExpireUploads();
  // Gateway and administration (docs/admin-api.md).
  Status OpAdmin(const Session& s, const Json& request, Json* result);
  Status OpTokenCreate(const Session& s, const Json& request, Json* result);
  Status OpTokenList(const Session& s, const Json& request, Json* result);
  Status OpTokenRevoke(const Session& s, const Json& request, Json* result);
  Status OpUserReset(const Session& s, const Json& request, Json* result);
  Status OpConvStats(const Session& s, const Json& request, Json* result);
  Status OpStatus(const Session& s, const Json& request, Json* result);
  Status OpBackupBegin(const Session& s, const Json& request, Json* result);
  Status OpBackupChunk(const Session& s, const Json& request, Json* result);
  Status OpBackupEnd(const Session& s, const Json& request, Json* result);
  // Runs one op of kOps for `session` (control.cc). Ops that answer with
  // text (history, catchup) fill `text_result` instead of `result`; they
  // can only be reached where the caller passes one.
  Status Dispatch(const Session& session, const Json& request, bool via_token, Json* result,
                  std::string* text_result = nullptr);
  void ExpireBackups();

  PluginOptions options_;
  BrokerPort* port_;
  Clock clock_;
  std::unique_ptr<Store> store_;
  std::string household_hex_;
  std::string admin_invite_path_;
  std::string service_key_path_;
  std::string service_verifier_;  // Store::Verifier of the service credential
  uint64_t started_ms_ = 0;
  uint64_t failed_logins_ = 0;  // refused logins since start (status op)
  uint64_t counters_saved_ms_ = 0;  // when SaveCounters last ran
  Caches caches_;
  std::map<std::string, TokenRecord> tokens_;  // by name
  std::unordered_map<const void*, Session> sessions_;
  FileIndex files_;
  Lockout lockout_;  // accounts
  Lockout address_lockout_{Lockout::kAddressFreeFailures};
  // Declared after store_: destroyed before it.
  std::map<std::string, BackupSession> backups_;  // by snapshot id
};

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_SERVER_H_
