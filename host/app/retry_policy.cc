#include "host/app/retry_policy.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "host/app/app_loader.h"
#include "host/common/strings.h"

namespace pyfn {
namespace {

std::chrono::milliseconds Interval(const nlohmann::json& retry, const char* key) {
  auto it = retry.find(key);
  if (it == retry.end()) return std::chrono::milliseconds(0);
  if (it->is_number()) return std::chrono::milliseconds(it->get<int64_t>());
  if (it->is_string()) {
    std::optional<std::chrono::milliseconds> d;
    if (ParseTimeSpan(it->get<std::string>(), &d).ok() && d) return *d;
  }
  return std::chrono::milliseconds(0);
}

}  // namespace

RetryPolicy RetryPolicy::FromJson(const nlohmann::json& retry) {
  RetryPolicy p;
  if (!retry.is_object()) return p;
  auto n = retry.find("maxRetryCount");
  if (n != retry.end()) {
    if (n->is_number_integer()) p.max_retry_count = n->get<int>();
    else if (n->is_string()) p.max_retry_count = std::atoi(n->get<std::string>().c_str());
  }
  auto s = retry.find("strategy");
  std::string strategy = AsciiLower(s != retry.end() && s->is_string() ? s->get<std::string>() : "");
  p.fixed_delay = strategy != "exponentialbackoff" && strategy != "exponential_backoff";
  p.delay = Interval(retry, "delayInterval");
  p.minimum = Interval(retry, "minimumInterval");
  p.maximum = Interval(retry, "maximumInterval");
  return p;
}

std::chrono::milliseconds RetryPolicy::DelayBefore(int retry) const {
  if (fixed_delay) return delay;
  std::chrono::milliseconds d = minimum;
  for (int i = 1; i < retry && (maximum.count() == 0 || d < maximum); ++i) d *= 2;
  if (maximum.count() > 0 && d > maximum) d = maximum;
  return d;
}

}  // namespace pyfn
