// Throttling of HTTP invocations: host.json extensions.http
// maxConcurrentRequests (running at once) and maxOutstandingRequests (running
// plus queued); beyond them the host answers 429 (Azure's behaviour).
//
//   concurrent  outstanding  behaviour
//   -1          -1           no limit
//   C           -1           C run, the rest wait in an unbounded FIFO
//   -1          O            O run, the O+1st gets 429
//   C           O            C run, O-C wait, the O+1st gets 429
// Thread safe. `start` callbacks run without the lock held.
// (Not named limits.h: the host directory is on the include path and that
// name would shadow the system <limits.h>.)
#ifndef PYFN_HOST_REQUEST_LIMITER_H_
#define PYFN_HOST_REQUEST_LIMITER_H_

#include <deque>
#include <functional>

#include "host/common/thread_annotations.h"

namespace pyfn {

class RequestLimiter {
 public:
  RequestLimiter(int max_concurrent, int max_outstanding);

  // Calls `start` now if a slot is free, later (from Release) if the request
  // may wait, or not at all and returns false (the caller answers 429).
  bool Admit(std::function<void()> start);
  // An admitted request finished; starts the next waiting one, if any.
  void Release();

  int running() const;
  int queued() const;
  long long rejected() const;

 private:
  const int max_concurrent_;
  const int max_outstanding_;
  mutable pyfn::Mutex mu_;
  int running_ PYFN_GUARDED_BY(mu_) = 0;
  std::deque<std::function<void()>> queue_ PYFN_GUARDED_BY(mu_);
  long long rejected_ PYFN_GUARDED_BY(mu_) = 0;
};

}  // namespace pyfn

#endif  // PYFN_HOST_REQUEST_LIMITER_H_
