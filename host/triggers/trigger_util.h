// Small pieces the storage-backed triggers (queue, timer, blob) share:
// an interruptible wait, invocation waiting and the time
// formats Azure's host puts into trigger metadata.
#ifndef PYFN_HOST_TRIGGER_UTIL_H_
#define PYFN_HOST_TRIGGER_UTIL_H_

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "host/common/thread_annotations.h"
#include "host/storage/timezone.h"
#include "host/workers/invoker.h"

namespace pyfn {

// Signals stop/wake to a trigger's thread. Thread safe.
class Waker {
 public:
  // Waits up to d; returns early on Wake() or Stop(). Returns false once stopped.
  bool WaitFor(std::chrono::milliseconds d);
  void Wake();
  void Stop();
  bool stopped() const;

 private:
  mutable pyfn::Mutex mu_;
  pyfn::CondVar cv_;
  bool woken_ PYFN_GUARDED_BY(mu_) = false;
  bool stopped_ PYFN_GUARDED_BY(mu_) = false;
};

// Invokes and blocks until the outcome arrives. Returns nullopt when `waker`
// is stopped first (the invocation completes in the background).
std::optional<InvocationOutcome> InvokeAndWait(Invoker* invoker, InvocationInput input,
                                               const std::shared_ptr<Waker>& waker);

// "2024-05-01T10:00:00.0000000+00:00": Azure's DateTimeOffset form (UTC).
std::string AzureTime(int64_t unix_seconds);
// The same in a time zone's local time with its offset ("...+02:00").
std::string AzureLocalTime(int64_t unix_seconds, const storage::TimeZone& tz);
// Parses what AzureTime/AzureLocalTime/ISO 8601 give ("Z" or an offset;
// fractions ignored). False on anything else.
bool ParseAzureTime(const std::string& text, int64_t* unix_seconds);

// TypedData helpers. Both give valid UTF-8 whatever they are given (storage
// text that is not UTF-8 gets U+FFFD, text_encoding.h), so the result can
// always be serialized for the worker.
rpc::TypedData StringData(const std::string& s);
rpc::TypedData JsonData(const nlohmann::json& j);
// The "sys" trigger metadata Azure adds: MethodName, UtcNow, RandGuid.
rpc::TypedData SysMetadata(const std::string& function_name);
// "Functions.<name>"-style full name Azure uses in storage paths.
std::string FunctionFullName(const std::string& function_name);

}  // namespace pyfn

#endif  // PYFN_HOST_TRIGGER_UTIL_H_
