// The Foyer mosquitto plugin's entry points (v5 plugin API). Everything else
// is in the Server (server.h) and the callbacks (callbacks.h).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "callbacks.h"
#include "options.h"
#include "server.h"

// The entry points are the only symbols this module exports.
#pragma GCC visibility push(default)
extern "C" {
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
}
#pragma GCC visibility pop

namespace {

using foyer::plugin::PluginContext;

constexpr int kPluginVersion = 5;

struct Callback {
  int event;
  MOSQ_FUNC_generic_callback function;
  const char* event_data;
};

const Callback kCallbacks[] = {
    {MOSQ_EVT_BASIC_AUTH, foyer::plugin::OnBasicAuth, nullptr},
    {MOSQ_EVT_ACL_CHECK, foyer::plugin::OnAclCheck, nullptr},
    {MOSQ_EVT_MESSAGE, foyer::plugin::OnMessage, nullptr},
    {MOSQ_EVT_CONTROL, foyer::plugin::OnControl, "$CONTROL/foyer/v1"},
    {MOSQ_EVT_DISCONNECT, foyer::plugin::OnDisconnect, nullptr},
    {MOSQ_EVT_RELOAD, foyer::plugin::OnReload, nullptr},
};

mosquitto_plugin_id_t* plugin_id = nullptr;

void UnregisterCallbacks(size_t count) {
  for (size_t i = 0; i < count; ++i) {
    mosquitto_callback_unregister(plugin_id, kCallbacks[i].event, kCallbacks[i].function,
                                  kCallbacks[i].event_data);
  }
}

}  // namespace

extern "C" int mosquitto_plugin_version(int supported_version_count,
                                        const int* supported_versions) {
  for (int i = 0; i < supported_version_count; ++i) {
    if (supported_versions[i] == kPluginVersion) return kPluginVersion;
  }
  return -1;
}

extern "C" int mosquitto_plugin_init(mosquitto_plugin_id_t* identifier, void** userdata,
                                     struct mosquitto_opt* options, int option_count) {
  try {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (int i = 0; i < option_count; ++i) {
      pairs.emplace_back(options[i].key ? options[i].key : "",
                         options[i].value ? options[i].value : "");
    }
    foyer::plugin::PluginOptions parsed;
    foyer::Status status = foyer::plugin::ParseOptions(pairs, &parsed);
    auto context = std::make_unique<PluginContext>();
    context->options = pairs;
    if (status.ok()) {
      status = foyer::plugin::Server::Open(parsed, &context->port, {}, &context->server);
    }
    if (!status.ok()) {
      mosquitto_log_printf(MOSQ_LOG_ERR, "foyer: cannot start: %s", status.ToString().c_str());
      return MOSQ_ERR_UNKNOWN;
    }
    plugin_id = identifier;
    for (size_t i = 0; i < sizeof(kCallbacks) / sizeof(kCallbacks[0]); ++i) {
      int rc = mosquitto_callback_register(identifier, kCallbacks[i].event, kCallbacks[i].function,
                                           kCallbacks[i].event_data, context.get());
      if (rc != MOSQ_ERR_SUCCESS) {
        mosquitto_log_printf(MOSQ_LOG_ERR, "foyer: cannot register callback for event %d",
                             kCallbacks[i].event);
        UnregisterCallbacks(i);
        return rc;
      }
    }
    mosquitto_log_printf(MOSQ_LOG_NOTICE, "foyer: plugin ready, data in %s",
                         parsed.data_dir.c_str());
    *userdata = context.release();
    return MOSQ_ERR_SUCCESS;
  } catch (const std::exception& e) {
    mosquitto_log_printf(MOSQ_LOG_ERR, "foyer: cannot start: %s", e.what());
    return MOSQ_ERR_UNKNOWN;
  } catch (...) {
    return MOSQ_ERR_UNKNOWN;
  }
}

extern "C" int mosquitto_plugin_cleanup(void* userdata, struct mosquitto_opt*, int) {
  if (plugin_id != nullptr) UnregisterCallbacks(sizeof(kCallbacks) / sizeof(kCallbacks[0]));
  plugin_id = nullptr;
  delete static_cast<PluginContext*>(userdata);
  return MOSQ_ERR_SUCCESS;
}
