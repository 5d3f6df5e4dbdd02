#include "host/triggers/trigger_clock.h"

namespace pyfn {
namespace {

class SystemClock final : public TriggerClock {
 public:
  int64_t UnixSeconds() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::chrono::steady_clock::time_point Steady() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace

const TriggerClock& TriggerClock::System() {
  static const SystemClock clock;
  return clock;
}

}  // namespace pyfn
