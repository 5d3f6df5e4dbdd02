#include "host/http/request_limiter.h"

namespace pyfn {

RequestLimiter::RequestLimiter(int max_concurrent, int max_outstanding)
    : max_concurrent_(max_concurrent), max_outstanding_(max_outstanding) {}

bool RequestLimiter::Admit(std::function<void()> start) {
  {
    pyfn::MutexLock l(mu_);
    int outstanding = running_ + static_cast<int>(queue_.size());
    if (max_outstanding_ > 0 && outstanding >= max_outstanding_) {
      ++rejected_;
      return false;
    }
    if (max_concurrent_ > 0 && running_ >= max_concurrent_) {
      queue_.push_back(std::move(start));
      return true;
    }
    ++running_;
  }
  start();
  return true;
}

void RequestLimiter::Release() {
  std::function<void()> next;
  {
    pyfn::MutexLock l(mu_);
    --running_;
    if (queue_.empty()) return;
    next = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
  }
  next();
}

int RequestLimiter::running() const {
  pyfn::MutexLock l(mu_);
  return running_;
}

int RequestLimiter::queued() const {
  pyfn::MutexLock l(mu_);
  return static_cast<int>(queue_.size());
}

long long RequestLimiter::rejected() const {
  pyfn::MutexLock l(mu_);
  return rejected_;
}

}  // namespace pyfn
