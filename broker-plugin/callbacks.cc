// mosquitto event callbacks and the BrokerPort over mosquitto.
#include "callbacks.h"

#include <cstring>
#include <string>

extern "C" {
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
}

namespace foyer {
namespace plugin {

namespace {

constexpr int kQos = 1;

Server& ServerOf(void* userdata) { return *static_cast<PluginContext*>(userdata)->server; }

void PublishCopy(const char* client_id, const std::string& topic, const std::string& payload) {
  void* buffer = nullptr;
  if (!payload.empty()) {
    buffer = mosquitto_malloc(payload.size());
    if (buffer == nullptr) return;
    std::memcpy(buffer, payload.data(), payload.size());
  }
  int rc = mosquitto_broker_publish(client_id, topic.c_str(), static_cast<int>(payload.size()),
                                    buffer, kQos, false, nullptr);
  if (rc != MOSQ_ERR_SUCCESS) mosquitto_free(buffer);  // ownership passes only on success
}

}  // namespace

void MosquittoPort::PublishTo(const std::string& client_id, const std::string& topic,
                              const std::string& payload) {
  PublishCopy(client_id.c_str(), topic, payload);
}

void MosquittoPort::Publish(const std::string& topic, const std::string& payload) {
  PublishCopy(nullptr, topic, payload);
}

void MosquittoPort::KickUser(const std::string& user_name) {
  mosquitto_kick_client_by_username(user_name.c_str(), false);
}

void MosquittoPort::Log(LogLevel level, const std::string& text) {
  int mosquitto_level = MOSQ_LOG_DEBUG;
  switch (level) {
    case LogLevel::kDebug: mosquitto_level = MOSQ_LOG_DEBUG; break;
    case LogLevel::kInfo: mosquitto_level = MOSQ_LOG_INFO; break;
    case LogLevel::kNotice: mosquitto_level = MOSQ_LOG_NOTICE; break;
    case LogLevel::kWarning: mosquitto_level = MOSQ_LOG_WARNING; break;
    case LogLevel::kError: mosquitto_level = MOSQ_LOG_ERR; break;
  }
  mosquitto_log_printf(mosquitto_level, "foyer: %s", text.c_str());
}

static_assert(kAccessRead == MOSQ_ACL_READ && kAccessWrite == MOSQ_ACL_WRITE &&
                  kAccessSubscribe == MOSQ_ACL_SUBSCRIBE &&
                  kAccessUnsubscribe == MOSQ_ACL_UNSUBSCRIBE,
              "ACL access values must match mosquitto's");

int OnBasicAuth(int, void* event_data, void* userdata) {
  try {
    auto* event = static_cast<mosquitto_evt_basic_auth*>(event_data);
    const char* client_id = mosquitto_client_id(event->client);
    const char* address = mosquitto_client_address(event->client);
    bool ok = ServerOf(userdata).Authenticate(event->client, client_id ? client_id : "",
                                              event->username, event->password,
                                              address ? address : "");
    return ok ? MOSQ_ERR_SUCCESS : MOSQ_ERR_AUTH;
  } catch (...) {
    return MOSQ_ERR_AUTH;
  }
}

int OnAclCheck(int, void* event_data, void* userdata) {
  try {
    auto* event = static_cast<mosquitto_evt_acl_check*>(event_data);
    if (event->topic == nullptr) return MOSQ_ERR_ACL_DENIED;
    Server& server = ServerOf(userdata);
    bool ok = server.CheckAcl(event->client, event->topic, event->access, event->retain);
    if (!ok && event->access == MOSQ_ACL_WRITE && server.FindSession(event->client) == nullptr) {
      // A will sent after DISCONNECT, or a retained message re-checked for a
      // new subscriber (check_retain_source): judged by user name and payload.
      const char* user_name = mosquitto_client_username(event->client);
      std::string_view payload(static_cast<const char*>(event->payload), event->payloadlen);
      ok = user_name != nullptr && server.CheckSessionlessWrite(user_name, event->topic, payload);
    }
    return ok ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
  } catch (...) {
    return MOSQ_ERR_ACL_DENIED;
  }
}

int OnMessage(int, void* event_data, void* userdata) {
  try {
    auto* event = static_cast<mosquitto_evt_message*>(event_data);
    if (event->topic == nullptr) return MOSQ_ERR_ACL_DENIED;
    std::string new_topic, new_payload;
    std::string_view payload(static_cast<const char*>(event->payload), event->payloadlen);
    MessageVerdict verdict = ServerOf(userdata).OnMessage(
        event->client, event->topic, payload, event->retain, &new_topic, &new_payload);
    if (verdict == MessageVerdict::kDeny) return MOSQ_ERR_ACL_DENIED;
    // Any error but ACL_DENIED makes mosquitto drop the message unacknowledged
    // and disconnect the client (MQTT 5: DISCONNECT 0x80).
    if (verdict == MessageVerdict::kRetryLater) return MOSQ_ERR_UNKNOWN;
    if (verdict == MessageVerdict::kPass) return MOSQ_ERR_SUCCESS;
    char* topic = mosquitto_strdup(new_topic.c_str());
    if (topic == nullptr) return MOSQ_ERR_ACL_DENIED;
    if (verdict == MessageVerdict::kRewrite) {
      void* buffer = mosquitto_malloc(new_payload.size());
      if (buffer == nullptr) {
        mosquitto_free(topic);
        return MOSQ_ERR_ACL_DENIED;
      }
      std::memcpy(buffer, new_payload.data(), new_payload.size());
      // The broker frees the old payload itself.
      event->payload = buffer;
      event->payloadlen = static_cast<uint32_t>(new_payload.size());
    }
    mosquitto_free(event->topic);
    event->topic = topic;
    return MOSQ_ERR_SUCCESS;
  } catch (...) {
    return MOSQ_ERR_ACL_DENIED;
  }
}

int OnControl(int, void* event_data, void* userdata) {
  try {
    auto* event = static_cast<mosquitto_evt_control*>(event_data);
    std::string_view payload(static_cast<const char*>(event->payload), event->payloadlen);
    ServerOf(userdata).OnControl(event->client, payload);
    return MOSQ_ERR_SUCCESS;
  } catch (...) {
    return MOSQ_ERR_UNKNOWN;
  }
}

int OnDisconnect(int, void* event_data, void* userdata) {
  try {
    auto* event = static_cast<mosquitto_evt_disconnect*>(event_data);
    ServerOf(userdata).OnDisconnect(event->client);
  } catch (...) {
  }
  return MOSQ_ERR_SUCCESS;
}

int OnReload(int, void*, void* userdata) {
  // mosquitto passes no options with MOSQ_EVT_RELOAD: parse the ones given at
  // start again, which re-reads plugin_opt_config's file.
  auto* context = static_cast<PluginContext*>(userdata);
  try {
    PluginOptions fresh;
    Status status = ParseOptions(context->options, &fresh);
    if (!status.ok()) {
      context->port.Log(LogLevel::kError, "foyer: configuration not reloaded, the previous "
                                          "settings stay: " + status.ToString());
      return MOSQ_ERR_SUCCESS;
    }
    context->server->Reload(std::move(fresh));
  } catch (const std::exception& e) {
    context->port.Log(LogLevel::kError, std::string("foyer: configuration not reloaded: ") +
                                            e.what());
  } catch (...) {
  }
  return MOSQ_ERR_SUCCESS;
}

}  // namespace plugin
}  // namespace foyer
