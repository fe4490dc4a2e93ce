#include "wire_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

namespace foyer_test {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kAckTimeout = std::chrono::seconds(10);

std::string U16(uint16_t value) {
  return std::string{static_cast<char>(value >> 8), static_cast<char>(value & 0xff)};
}

std::string Utf8(const std::string& text) { return U16(static_cast<uint16_t>(text.size())) + text; }

std::string Fixed(int first_byte, const std::string& body) {
  return std::string(1, static_cast<char>(first_byte)) +
         EncodeVarInt(static_cast<uint32_t>(body.size())) + body;
}

uint16_t ReadU16(const std::string& text, size_t at) {
  if (at + 2 > text.size()) return 0;
  return static_cast<uint16_t>((static_cast<uint8_t>(text[at]) << 8) |
                               static_cast<uint8_t>(text[at + 1]));
}

// Decodes a variable byte integer at `*at`; false when malformed.
bool ReadVarInt(const std::string& text, size_t* at, uint32_t* value) {
  *value = 0;
  for (int shift = 0; shift < 28; shift += 7) {
    if (*at >= text.size()) return false;
    uint8_t byte = static_cast<uint8_t>(text[(*at)++]);
    *value |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace

std::string EncodeVarInt(uint32_t value) {
  std::string out;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value > 0) byte |= 0x80;
    out.push_back(static_cast<char>(byte));
  } while (value > 0);
  return out;
}

std::string EncodeConnect(const ConnectPacket& connect) {
  int flags = connect.clean ? 0x02 : 0;
  if (connect.has_will) {
    flags |= 0x04 | (connect.will.qos << 3) | (connect.will.retain ? 0x20 : 0);
  }
  if (!connect.user.empty()) flags |= 0xc0;
  std::string body = Utf8("MQTT");
  body.push_back(static_cast<char>(connect.version));
  body.push_back(static_cast<char>(flags));
  body += U16(static_cast<uint16_t>(connect.keep_alive_s));
  if (connect.version == kMqtt5) body += EncodeVarInt(0);  // no properties
  body += Utf8(connect.client_id);
  if (connect.has_will) {
    if (connect.version == kMqtt5) body += EncodeVarInt(0);  // no will properties
    body += Utf8(connect.will.topic) + Utf8(connect.will.payload);
  }
  if (!connect.user.empty()) body += Utf8(connect.user) + Utf8(connect.password);
  return Fixed(kConnect << 4, body);
}

std::string EncodePublish(int version, const std::string& topic, const std::string& payload,
                          int qos, bool retain, uint16_t packet_id) {
  std::string body = Utf8(topic);
  if (qos > 0) body += U16(packet_id);
  if (version == kMqtt5) body += EncodeVarInt(0);
  body += payload;
  return Fixed((kPublish << 4) | (qos << 1) | (retain ? 1 : 0), body);
}

std::string EncodeSubscribe(int version, uint16_t packet_id,
                            const std::vector<std::string>& filters, int qos) {
  std::string body = U16(packet_id);
  if (version == kMqtt5) body += EncodeVarInt(0);
  for (const std::string& filter : filters) {
    body += Utf8(filter);
    body.push_back(static_cast<char>(qos));
  }
  return Fixed((kSubscribe << 4) | 0x02, body);
}

std::string EncodeAck(int version, int type, uint16_t packet_id) {
  return Fixed((type << 4) | (type == kPubrel ? 0x02 : 0), U16(packet_id));
}

std::string EncodeDisconnect(int version) { return Fixed(kDisconnect << 4, ""); }

std::string NextLoopbackSource() {
  static std::atomic<int> next{0};
  return "127.0.0." + std::to_string(2 + next++ % 253);
}

WireClient::WireClient(int port, const std::string& source) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) return;
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, source.c_str(), &local.sin_addr) != 1 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
      close(fd_);
      fd_ = -1;
      return;
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

WireClient::~WireClient() {
  if (fd_ >= 0) close(fd_);
}

bool WireClient::SendRaw(const std::string& bytes) {
  if (fd_ < 0 || closed_) return false;
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool WireClient::ReadBytes(size_t count, std::string* out, Clock::time_point deadline) {
  out->clear();
  while (out->size() < count) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd poller{fd_, POLLIN, 0};
    int ready = poll(&poller, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char buffer[65536];
    size_t want = std::min(sizeof(buffer), count - out->size());
    ssize_t n = recv(fd_, buffer, want, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    out->append(buffer, static_cast<size_t>(n));
  }
  return true;
}

bool WireClient::ReadOne(Packet* packet, Clock::time_point deadline) {
  if (fd_ < 0 || closed_) return false;
  std::string byte;
  if (!ReadBytes(1, &byte, deadline)) return false;
  packet->type = static_cast<uint8_t>(byte[0]) >> 4;
  packet->flags = static_cast<uint8_t>(byte[0]) & 0x0f;
  uint32_t length = 0;
  for (int shift = 0; shift < 28; shift += 7) {
    if (!ReadBytes(1, &byte, deadline)) return false;
    length |= static_cast<uint32_t>(byte[0] & 0x7f) << shift;
    if ((byte[0] & 0x80) == 0) break;
  }
  return ReadBytes(length, &packet->body, deadline);
}

void WireClient::HandlePublish(const Packet& packet) {
  WirePublish publish;
  publish.qos = (packet.flags >> 1) & 3;
  publish.retain = (packet.flags & 1) != 0;
  size_t at = 2 + ReadU16(packet.body, 0);
  publish.topic = packet.body.substr(2, at - 2);
  uint16_t packet_id = 0;
  if (publish.qos > 0) {
    packet_id = ReadU16(packet.body, at);
    at += 2;
  }
  if (version_ == kMqtt5) {
    uint32_t properties = 0;
    if (ReadVarInt(packet.body, &at, &properties)) at += properties;
  }
  publish.payload = at <= packet.body.size() ? packet.body.substr(at) : std::string();
  received_.push_back(std::move(publish));
  if (received_.back().qos == 1) SendRaw(EncodeAck(version_, kPuback, packet_id));
  if (received_.back().qos == 2) SendRaw(EncodeAck(version_, kPubrec, packet_id));
}

bool WireClient::ReadPacket(Packet* packet, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (ReadOne(packet, deadline)) {
    if (packet->type == kPublish) {
      HandlePublish(*packet);
    } else if (packet->type == kPubrel) {
      SendRaw(EncodeAck(version_, kPubcomp, ReadU16(packet->body, 0)));
    } else {
      return true;
    }
  }
  return false;
}

bool WireClient::Expect(int type, uint16_t packet_id, Packet* packet) {
  auto deadline = Clock::now() + kAckTimeout;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!ReadPacket(packet, left)) return false;
    if (packet->type == kDisconnect) {
      closed_ = true;
      return false;
    }
    if (packet->type == type && (packet_id == 0 || ReadU16(packet->body, 0) == packet_id)) {
      return true;
    }
  }
  return false;
}

int WireClient::Connect(const ConnectPacket& connect) {
  version_ = connect.version;
  if (!SendRaw(EncodeConnect(connect))) return -1;
  Packet connack;
  if (!Expect(kConnack, 0, &connack) || connack.body.size() < 2) return -1;
  return static_cast<uint8_t>(connack.body[1]);
}

int WireClient::Subscribe(const std::string& filter, int qos) {
  std::vector<int> codes = SubscribeMany({filter}, qos);
  return codes.size() == 1 ? codes[0] : -1;
}

std::vector<int> WireClient::SubscribeMany(const std::vector<std::string>& filters, int qos) {
  uint16_t packet_id = next_packet_id_++;
  if (!SendRaw(EncodeSubscribe(version_, packet_id, filters, qos))) return {};
  Packet suback;
  if (!Expect(kSuback, packet_id, &suback)) return {};
  size_t at = 2;
  if (version_ == kMqtt5) {
    uint32_t properties = 0;
    if (!ReadVarInt(suback.body, &at, &properties)) return {};
    at += properties;
  }
  std::vector<int> codes;
  for (; at < suback.body.size(); ++at) codes.push_back(static_cast<uint8_t>(suback.body[at]));
  return codes;
}

int WireClient::Publish(const std::string& topic, const std::string& payload, int qos,
                        bool retain) {
  uint16_t packet_id = next_packet_id_++;
  if (next_packet_id_ == 0) next_packet_id_ = 1;
  if (!SendRaw(EncodePublish(version_, topic, payload, qos, retain, packet_id))) return -1;
  if (qos == 0) return 0;
  Packet ack;
  if (!Expect(qos == 1 ? kPuback : kPubrec, packet_id, &ack)) return -1;
  return ack.body.size() > 2 ? static_cast<uint8_t>(ack.body[2]) : 0;
}

int WireClient::Release(uint16_t packet_id) {
  if (!SendRaw(EncodeAck(version_, kPubrel, packet_id))) return -1;
  Packet ack;
  if (!Expect(kPubcomp, packet_id, &ack)) return -1;
  return ack.body.size() > 2 ? static_cast<uint8_t>(ack.body[2]) : 0;
}

void WireClient::SendDisconnect() { SendRaw(EncodeDisconnect(version_)); }

bool WireClient::Pump(std::chrono::milliseconds duration) {
  auto deadline = Clock::now() + duration;
  Packet packet;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (!ReadPacket(&packet, left)) return !closed_;
    if (packet.type == kDisconnect) closed_ = true;
    if (closed_) return false;
  }
  return !closed_;
}

bool WireClient::WaitClosed(std::chrono::milliseconds timeout) {
  Pump(timeout);
  return closed_;
}

bool WireClient::Ping() {
  if (!SendRaw(std::string{static_cast<char>(kPingreq << 4), 0})) return false;
  Packet pong;
  return Expect(kPingresp, 0, &pong);
}

}  // namespace foyer_test
