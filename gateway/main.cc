// foyer-gateway: serves the web client and the admin REST API, and reaches
// the broker plugin over MQTT as the service account (docs/admin-api.md).
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "gateway_options.h"
#include "gateway_server.h"
#include "plugin_link.h"

namespace {

foyer::gateway::GatewayServer* running_server = nullptr;

// Stops the server from a thread that waits for SIGINT/SIGTERM (no work in a
// signal handler).
void WatchSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    int received = 0;
    sigwait(&signals, &received);
    if (running_server != nullptr) running_server->Stop();
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  foyer::gateway::GatewayOptions options;
  bool help = false;
  std::string help_text;
  foyer::Status status = foyer::gateway::ParseGatewayOptions(argc, argv, &options, &help,
                                                             &help_text);
  if (help) {
    std::cout << help_text;
    return 0;
  }
  if (!status.ok()) {
    std::cerr << "foyer-gateway: " << status.message() << "\n(--help lists the options)\n";
    return 2;
  }
  WatchSignals();
  foyer::gateway::PluginLinkOptions link_options;
  link_options.broker = options.broker;
  link_options.ca_file = options.broker_ca;
  link_options.key_file = options.KeyFile();
  link_options.timeout_ms = options.request_timeout_ms;
  foyer::gateway::PluginLink link(link_options);
  foyer::gateway::GatewayServer server(options, &link);
  status = server.Bind();
  if (!status.ok()) {
    std::cerr << "foyer-gateway: " << status.message() << "\n";
    return 1;
  }
  running_server = &server;
  // One write: the broker link's thread logs too.
  std::string serving = "foyer-gateway: serving " + std::string(options.tls() ? "https" : "http") +
                        "://" + options.listen + ":" + std::to_string(server.bound_port()) +
                        " (web root " + options.web_root + ", broker " + options.broker + ")\n";
  std::cerr << serving << std::flush;
  server.Run();
  running_server = nullptr;
  std::cerr << "foyer-gateway: stopped" << std::endl;
  return 0;
}
