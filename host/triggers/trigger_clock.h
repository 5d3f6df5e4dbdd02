// The clock the storage triggers read. Production code passes
// TriggerClock::System(); tests pass a ManualClock and move time by hand, so
// schedules, lease renewal and polling backoff are tested without waiting.
#ifndef PYFN_HOST_TRIGGER_CLOCK_H_
#define PYFN_HOST_TRIGGER_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace pyfn {

class TriggerClock {
 public:
  virtual ~TriggerClock() = default;
  // Wall time in Unix seconds: what schedules and Azure's timestamps use.
  virtual int64_t UnixSeconds() const = 0;
  // Monotonic time: what lease renewal and polling intervals are measured in.
  virtual std::chrono::steady_clock::time_point Steady() const = 0;

  // The real clocks. system_clock, not time(): glibc's time() reads a coarse
  // clock that can lag system_clock by a tick, which would make an occurrence
  // look not yet due.
  static const TriggerClock& System();
};

// A clock that only moves when told. Thread safe.
class ManualClock final : public TriggerClock {
 public:
  explicit ManualClock(int64_t unix_seconds) : unix_ms_(unix_seconds * 1000) {}

  int64_t UnixSeconds() const override { return unix_ms_.load() / 1000; }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(steady_ms_.load()));
  }
  // Moves both clocks forward.
  void Advance(std::chrono::milliseconds d) {
    unix_ms_ += d.count();
    steady_ms_ += d.count();
  }

 private:
  std::atomic<int64_t> unix_ms_;
  std::atomic<int64_t> steady_ms_{1'000'000};
};

}  // namespace pyfn

#endif  // PYFN_HOST_TRIGGER_CLOCK_H_
