#include "callback_guard.h"

#include <cstdio>
#include <exception>
#include <new>
#include <system_error>

#include <nlohmann/json.hpp>

namespace foyer {
namespace client {

const char* CurrentExceptionKind() noexcept {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return "out of memory";
  } catch (const std::system_error&) {
    return "a system error";
  } catch (const nlohmann::json::exception&) {
    return "a JSON error";
  } catch (const std::exception&) {
    return "an internal error";
  } catch (...) {
    return "an unknown exception";
  }
}

void LogCallbackFailure(const char* where, const char* kind) noexcept {
  std::fprintf(stderr, "foyer client: %s failed: %s\n", where, kind);
}

}  // namespace client
}  // namespace foyer
