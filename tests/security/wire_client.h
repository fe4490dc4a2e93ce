// WireClient: MQTT spoken byte by byte over a loopback TCP socket, for the
// attacks Paho will not make: MQTT 3.1.1 and 5 side by side, QoS 2 exchanges
// left half-finished, wills, truncated or malformed packets, floods of
// subscriptions. Packets are built by the free functions below, so a test
// can also send any prefix or corruption of them with SendRaw().
//
// Thread safety: one thread per client. Reading acknowledges incoming QoS 1
// and QoS 2 PUBLISH packets and keeps them in Received().
#ifndef FOYER_TESTS_SECURITY_WIRE_CLIENT_H_
#define FOYER_TESTS_SECURITY_WIRE_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace foyer_test {

constexpr int kMqtt311 = 4;
constexpr int kMqtt5 = 5;

// MQTT control packet types (the high nibble of the first byte).
enum PacketType {
  kConnect = 1, kConnack = 2, kPublish = 3, kPuback = 4, kPubrec = 5, kPubrel = 6,
  kPubcomp = 7, kSubscribe = 8, kSuback = 9, kUnsubscribe = 10, kUnsuback = 11,
  kPingreq = 12, kPingresp = 13, kDisconnect = 14,
};

struct Will {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

struct ConnectPacket {
  int version = kMqtt5;
  std::string client_id;
  std::string user;      // empty: no user name flag
  std::string password;  // sent only with a user name
  bool clean = true;
  int keep_alive_s = 60;
  bool has_will = false;
  Will will;
};

struct Packet {
  int type = 0;
  int flags = 0;
  std::string body;  // everything after the remaining length
};

struct WirePublish {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

// Packet builders (complete packets, fixed header included).
std::string EncodeConnect(const ConnectPacket& connect);
std::string EncodePublish(int version, const std::string& topic, const std::string& payload,
                          int qos, bool retain, uint16_t packet_id);
std::string EncodeSubscribe(int version, uint16_t packet_id,
                            const std::vector<std::string>& filters, int qos);
std::string EncodeAck(int version, int type, uint16_t packet_id);  // PUBACK..PUBCOMP
std::string EncodeDisconnect(int version);
// The MQTT variable byte integer of `value` (the "remaining length").
std::string EncodeVarInt(uint32_t value);

class WireClient {
 public:
  // Opens a TCP connection to 127.0.0.1:`port`; ok() says whether it worked.
  // `source` binds the local end to another loopback address (127.0.0.N), so
  // that the plugin's per-address login lockout sees a different peer.
  explicit WireClient(int port, const std::string& source = "");
  ~WireClient();  // closes the socket without a DISCONNECT
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  bool ok() const { return fd_ >= 0; }
  int version() const { return version_; }

  // Sends CONNECT and waits for CONNACK: its reason code (0 accepted), or -1
  // when the broker closed the connection or did not answer.
  int Connect(const ConnectPacket& connect);
  // SUBSCRIBE one filter; the SUBACK code (0-2 granted, >= 0x80 refused), -1.
  int Subscribe(const std::string& filter, int qos = 1);
  // One SUBSCRIBE packet with many filters; the SUBACK codes (empty on error).
  std::vector<int> SubscribeMany(const std::vector<std::string>& filters, int qos = 1);
  // PUBLISH and wait for its acknowledgement: QoS 0 returns 0 at once; QoS 1
  // the PUBACK reason (3.1.1: always 0); QoS 2 the PUBREC reason, WITHOUT
  // sending PUBREL (see Release). -1 when the connection dropped or timed out.
  int Publish(const std::string& topic, const std::string& payload, int qos = 1,
              bool retain = false);
  // Sends PUBREL for the QoS 2 packet `packet_id` and waits for PUBCOMP: its
  // reason code, or -1.
  int Release(uint16_t packet_id);
  // The packet id used by the last Publish.
  uint16_t last_packet_id() const { return next_packet_id_ - 1; }
  void SendDisconnect();

  // Writes raw bytes; false when the socket is closed.
  bool SendRaw(const std::string& bytes);
  // Reads packets (acknowledging PUBLISHes into Received()) for `duration`,
  // or until the broker closes the connection. Returns false when it closed.
  bool Pump(std::chrono::milliseconds duration);
  // Waits until the broker closes the connection; false if still open.
  bool WaitClosed(std::chrono::milliseconds timeout);
  // Whether the broker still answers: PINGREQ -> PINGRESP.
  bool Ping();

  const std::vector<WirePublish>& Received() const { return received_; }

 private:
  // Reads the next packet that is not a PUBLISH (those are acknowledged and
  // kept). False on timeout or close (closed_ then says which).
  bool ReadPacket(Packet* packet, std::chrono::milliseconds timeout);
  bool ReadOne(Packet* packet, std::chrono::steady_clock::time_point deadline);
  bool ReadBytes(size_t count, std::string* out, std::chrono::steady_clock::time_point deadline);
  void HandlePublish(const Packet& packet);
  // Waits for a packet of `type` (with `packet_id` when non-zero); its body.
  bool Expect(int type, uint16_t packet_id, Packet* packet);

  int fd_ = -1;
  int version_ = kMqtt5;
  bool closed_ = false;
  uint16_t next_packet_id_ = 1;
  std::vector<WirePublish> received_;
};

// A loopback address not handed out before in this process (127.0.0.2 to
// 127.0.0.254, then again from 127.0.0.2).
std::string NextLoopbackSource();

}  // namespace foyer_test

#endif  // FOYER_TESTS_SECURITY_WIRE_CLIENT_H_
