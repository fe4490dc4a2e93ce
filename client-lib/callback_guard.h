// What client-lib does with an exception on a thread that is not the
// application's: Paho's callback thread and the client's dispatch thread.
// Nothing may escape there (it would end the process through
// std::terminate): the handlers catch everything, log one line without
// secrets and report the failure to the application (OnError) instead.
#ifndef FOYER_CLIENT_LIB_CALLBACK_GUARD_H_
#define FOYER_CLIENT_LIB_CALLBACK_GUARD_H_

namespace foyer {
namespace client {

// The kind of the exception being handled, e.g. "out of memory". Call only
// inside a catch block. Never the exception's message: what() may quote
// bytes of a payload (nlohmann's parse errors do).
const char* CurrentExceptionKind() noexcept;

// Writes "foyer client: <where> failed: <kind>" to stderr. Allocates nothing.
void LogCallbackFailure(const char* where, const char* kind) noexcept;

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_LIB_CALLBACK_GUARD_H_
