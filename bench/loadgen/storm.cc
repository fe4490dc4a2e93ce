#include "storm.h"

#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>

#include <chrono>
#include <string>

#include "proc_stats.h"

namespace foyer {
namespace bench {

namespace {

struct Login {
  mosquitto* mosq = nullptr;
  int64_t start_ns = 0;
  int64_t done_ns = 0;
  int connack = -1;
};

}  // namespace

Storm::Storm(const Household& household, int port, int logins, double period_seconds,
             int64_t first_ns, int64_t end_ns)
    : household_(household),
      port_(port),
      logins_(logins),
      period_ns_(static_cast<int64_t>(period_seconds * 1e9)),
      first_ns_(first_ns),
      end_ns_(end_ns),
      thread_(&Storm::Main, this) {}

Storm::~Storm() { Join(); }

void Storm::Join() {
  if (thread_.joinable()) thread_.join();
}

bool Storm::InWindow(int64_t time_ns, int64_t window_ns) const {
  for (int64_t start : starts_ns_) {
    if (time_ns >= start && time_ns < start + window_ns) return true;
  }
  return false;
}

void Storm::Main() {
  int burst = 0;
  for (int64_t next = first_ns_; next < end_ns_; next += period_ns_) {
    while (NowNs() < next) std::this_thread::sleep_for(std::chrono::microseconds(200));
    Burst(burst++);
  }
}

void Storm::Burst(int burst) {
  std::vector<Login> logins(logins_);
  starts_ns_.push_back(NowNs());
  for (int i = 0; i < logins_; ++i) {
    const Account& account = household_.accounts[i % household_.size()];
    const std::string id = account.name + ":storm" + std::to_string(burst) + "x" + std::to_string(i);
    Login& login = logins[i];
    login.mosq = mosquitto_new(id.c_str(), true, &login);
    mosquitto_int_option(login.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_username_pw_set(login.mosq, account.name.c_str(), account.password.c_str());
    mosquitto_connect_v5_callback_set(login.mosq, [](mosquitto*, void* self, int rc, int,
                                                     const mosquitto_property*) {
      auto* login = static_cast<Login*>(self);
      login->connack = rc;
      login->done_ns = NowNs();
    });
    login.start_ns = NowNs();
    if (mosquitto_connect(login.mosq, "127.0.0.1", port_, 60) != MOSQ_ERR_SUCCESS) login.connack = 256;
  }
  const int64_t deadline = NowNs() + 10'000'000'000LL;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    std::vector<Login*> waiting;
    for (Login& login : logins) {
      if (login.connack >= 0) continue;
      waiting.push_back(&login);
      fds.push_back(pollfd{mosquitto_socket(login.mosq),
                           static_cast<short>(POLLIN | (mosquitto_want_write(login.mosq) ? POLLOUT : 0)), 0});
    }
    if (waiting.empty() || NowNs() > deadline) break;
    poll(fds.data(), fds.size(), 5);
    for (size_t i = 0; i < waiting.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLERR | POLLHUP)) &&
          mosquitto_loop_read(waiting[i]->mosq, 1) != MOSQ_ERR_SUCCESS && waiting[i]->connack < 0) {
        waiting[i]->connack = 257;
      }
      if (fds[i].revents & POLLOUT) mosquitto_loop_write(waiting[i]->mosq, 1);
    }
  }
  for (Login& login : logins) {
    if (login.connack == 0) {
      login_ns_.push_back(login.done_ns - login.start_ns);
      mosquitto_disconnect(login.mosq);
      mosquitto_loop_write(login.mosq, 1);
    } else {
      failures_++;
    }
    mosquitto_destroy(login.mosq);
  }
}

}  // namespace bench
}  // namespace foyer
