// client-lib: the C++ face of the Foyer protocol (docs/protocol.md) over MQTT.
//
// Register() redeems an invite; Client::Connect() logs in, recovers the user's
// keys, subscribes to his conversations and fetches their epoch keys. Every
// message is verified (Ed25519, with the sender's pinned key) and opened (AEAD,
// epoch key) here: what reaches OnMessage is authentic.
//
// Threading: all Client methods may be called from any thread; blocking ones
// wait at most Options::timeout_ms for the server. Callbacks (OnMessage,
// OnError) are called from one internal dispatch thread of the client, one at
// a time; they may call Client methods (these block that thread meanwhile, so
// live messages wait). Messages received on Paho's thread are handed to the
// dispatch thread; responses and send confirmations are matched on Paho's
// thread, so a callback waiting for them does not deadlock.
//
// Errors: Status codes mirror the server's error codes (docs/protocol.md §7);
// a timeout is an IOError for which IsTimeout() is true. No exception
// leaves the client's own threads (Paho's or the dispatch thread), not even
// one thrown by an OnMessage callback: running out of memory there, or such
// an exception, reaches OnError as an Internal error (about the message's
// conv and seq when there is one, which History can fetch again) and is
// logged to stderr as one line without contents or keys.
#ifndef FOYER_CLIENT_H_
#define FOYER_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "foyer/crypto.h"
#include "foyer/file_crypto.h"
#include "foyer/key_pins.h"
#include "foyer/status.h"
#include "foyer/transport.h"

namespace foyer {
namespace client {

struct Message;
struct MessageError;

struct Options {
  // Broker address: mqtt://host:port or mqtts://host:port (tcp://, ssl:// too).
  std::string server = "mqtt://127.0.0.1:1883";
  // CA certificate file for mqtts:// (empty: the system's trust store).
  std::string ca_file;
  // How long a connect, a request or a send waits for the server.
  int timeout_ms = 10000;
  // Suffix of the MQTT client id `<user>:<suffix>` (1-32 of A-Z a-z 0-9 _ -);
  // empty: a random one, so that several processes of one user can coexist.
  std::string client_suffix;
  // Reconnect by itself after a lost connection, then resubscribe and publish
  // the outbox again.
  bool auto_reconnect = true;
  // Makes the transport; empty: Paho MQTT (NewPahoTransport). Tests fake it.
  std::function<std::unique_ptr<Transport>()> transport_factory;
  // Pinned fingerprints of peers; not owned, must outlive the client.
  // nullptr: pins live in memory for the client's lifetime only.
  KeyPins* pins = nullptr;
  // Initial OnMessage / OnError callbacks, installed before the client
  // subscribes, so that nothing received during Connect is missed.
  std::function<void(const Message&)> on_message;
  std::function<void(const MessageError&)> on_error;
};

// What a client needs to log in. People give `password` (and `household`);
// devices give `auth_key` and `kek` from their key file. When `auth_key` and
// `kek` are set they are used as they are (Argon2id is not run again).
struct Credentials {
  std::string user;
  std::string household;   // 16 raw bytes
  std::string password;    // people only; wiped by Connect once used
  crypto::Secret auth_key;  // 32 bytes: the MQTT password (as hex)
  crypto::Secret kek;       // 32 bytes: opens the key bundle
};

// The result of Register.
struct Registration {
  std::string user;
  std::string role;       // "admin", "member" or "device"
  std::string household;  // 16 raw bytes
  // Ready for Client::Connect: auth_key and kek are filled in (derived from
  // the password for people; random for devices, which must keep them in
  // their key file since nothing else can recover them).
  Credentials credentials;
};

// Supplies the password of a person once the invite tells who he is;
// not called for devices.
using PasswordSource = std::function<Status(const std::string& user, std::string* password)>;

// Redeems `invite_code` (docs/protocol.md §7): makes the user's key pairs,
// seals his bundle and registers. Expired when the invite is no longer valid.
Status Register(const Options& options, std::string_view invite_code,
                const PasswordSource& password, Registration* out);
Status Register(const Options& options, std::string_view invite_code, std::string_view password,
                Registration* out);

// True when `status` reports that the server did not answer in time.
bool IsTimeout(const Status& status);

// A verified, decrypted message.
struct Message {
  std::string conv;
  std::string sender;
  std::string text;      // a file message: its caption, often empty
  bool has_file = false;  // a file message (docs/protocol.md §10)
  protocol::FileRef file;  // with has_file: the reference (key included)
  std::string reply_to;  // cmid of the message replied to, or empty
  uint64_t seq = 0;      // server sequence number in the conversation
  uint64_t time = 0;     // server time (stime), ms
  uint64_t ts = 0;       // sender's time, ms
  std::string cmid;
  uint32_t epoch = 0;
};

// A message (or event) that could not be accepted: bad signature, bad tag,
// unknown key, changed peer key... Never shown as a message.
struct MessageError {
  std::string conv;
  uint64_t seq = 0;     // 0 when not about one message
  std::string sender;   // as claimed by the envelope, may be empty
  Status status;
};

struct Conversation {
  std::string id;
  std::string title;           // decrypted; empty if it could not be
  bool title_ok = false;       // the title decrypted
  std::vector<std::string> members;
  uint32_t epoch = 0;
  uint64_t last_seq = 0;
  bool rotate = false;         // waits for a new epoch (a member left)
};

enum class PinState {
  kPinned,   // the fingerprint is the pinned one (or was pinned on first sight)
  kChanged,  // differs from the pinned one: refused until Trust(name)
};

struct UserInfo {
  std::string name;
  std::string role;
  std::string fingerprint;
  PinState pin = PinState::kPinned;
};

struct Identity {
  std::string user;
  std::string role;
  std::string household;  // hex
};

struct InviteInfo {
  std::string code;
  std::string user;
  std::string role;
  uint64_t expires = 0;  // ms
};

struct HistoryPage {
  std::vector<Message> messages;      // ascending seq
  std::vector<MessageError> errors;   // messages that failed verification
  bool more = false;                  // older (or newer) messages remain
};

struct CatchUpResult {
  std::vector<Message> messages;        // per conversation, ascending seq
  std::vector<MessageError> errors;
  std::map<std::string, bool> more;     // conv -> more messages remain
};

class Client {
 public:
  // Logs in and prepares the client (see the file comment). `credentials` is
  // consumed (secrets are moved, the password wiped).
  static Status Connect(const Options& options, Credentials credentials,
                        std::unique_ptr<Client>* out);
  ~Client();  // disconnects; outbox entries still pending are lost
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::string& user() const;
  std::string OwnFingerprint() const;

  // Callbacks (see the threading note above). Set them before messages are
  // expected. Replacing one (or clearing it with nullptr) from another thread
  // waits for a running callback: once the call returns the old one is not
  // called again.
  void OnMessage(std::function<void(const Message&)> callback);
  void OnError(std::function<void(const MessageError&)> callback);

  // Accounts.
  Status Whoami(Identity* out);
  Status Users(std::vector<UserInfo>* out);
  // The fingerprint of `name` (pinned on first sight); NotFound if unknown.
  Status Fingerprint(const std::string& name, std::string* fingerprint, PinState* pin = nullptr);
  // Accepts `name`'s current keys and pins their fingerprint.
  Status Trust(const std::string& name);
  // Admin only. role: "member", "admin" or "device"; ttl_seconds 0: the server's default.
  Status Invite(const std::string& name, const std::string& role, uint64_t ttl_seconds,
                InviteInfo* out);

  // Conversations. `members` may omit the caller.
  Status CreateConversation(const std::string& title, const std::vector<std::string>& members,
                            std::string* conv);
  Status ListConversations(std::vector<Conversation>* out);
  Status AddMember(const std::string& conv, const std::string& user, bool share_history);
  Status RemoveMember(const std::string& conv, const std::string& user);
  Status Leave(const std::string& conv);
  // Starts a new epoch for the current members (and re-encrypts the title).
  Status Rotate(const std::string& conv);

  // Sends a text and waits until the server has stamped it (docs/protocol.md
  // §5). On timeout the message stays in the outbox and is published again
  // after each reconnect while this client lives.
  Status Send(const std::string& conv, const std::string& text, const std::string& reply_to,
              Message* stamped);
  // Encrypts `data` under a fresh key, uploads it into `conv` and sends the
  // message that shares it (docs/protocol.md §10). `name` is the name shown
  // to the members (a base name), `mime` its type. Limit when the server
  // refuses the size (its message says the limit).
  Status SendFile(const std::string& conv, const std::string& name, const std::string& mime,
                  const std::string& data, const std::string& caption, Message* stamped);
  // Downloads the file a message refers to and checks it; `data` receives
  // the plaintext. Denied when it does not decrypt or match its hash.
  Status FetchFile(const std::string& conv, const protocol::FileRef& file, std::string* data);
  // Number of messages waiting in the outbox.
  size_t OutboxSize() const;

  // Any op of docs/protocol.md §7, for admin tools (e.g. token_create):
  // `request` is a JSON object with "op" and the op's arguments; its "id" is
  // set here. OK with the whole response object (with "ok" and "id") in
  // `response` (may be null); otherwise the server's error as a Status
  // (code and message, e.g. Denied "op 'x' needs the admin role"), Invalid
  // when `request` has no "op", or a timeout.
  Status Request(const nlohmann::json& request, nlohmann::json* response);

  // Messages before seq `before` (0: the newest page), at most `limit` (1-200).
  Status History(const std::string& conv, uint64_t before, int limit, HistoryPage* out);
  // Messages after the given last seen seq of each conversation.
  Status CatchUp(const std::map<std::string, uint64_t>& since, int limit, CatchUpResult* out);

  class Impl;

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_H_
