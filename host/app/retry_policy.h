// A function's retry policy, part of the app model (FunctionSpec::retry):
// function.json "retry" (FromJson) or the worker's RpcRetryOptions for a
// decorator app's @app.retry (RetryPolicyFromRpc in worker_metadata.h, read
// field by field). The timer trigger retries a failed invocation by it.
//
// fixedDelay waits `delay` between attempts; exponentialBackoff
// min(maximum, minimum * 2^n). max_retry_count -1 = no limit; 0 = no retries
// (also what a function without a policy has).
#ifndef PYFN_HOST_APP_RETRY_POLICY_H_
#define PYFN_HOST_APP_RETRY_POLICY_H_

#include <nlohmann/json.hpp>

#include <chrono>

namespace pyfn {

struct RetryPolicy {
  int max_retry_count = 0;
  bool fixed_delay = true;
  std::chrono::milliseconds delay{0}, minimum{0}, maximum{0};

  // function.json's object: "strategy" (fixedDelay | exponentialBackoff, any
  // case), "maxRetryCount" (number or string), the intervals as TimeSpan text
  // ("00:00:05") or milliseconds. Anything but an object: no retries.
  static RetryPolicy FromJson(const nlohmann::json& retry);

  // Wait before retry number `retry` (1 = the first retry).
  std::chrono::milliseconds DelayBefore(int retry) const;
};

}  // namespace pyfn

#endif  // PYFN_HOST_APP_RETRY_POLICY_H_
