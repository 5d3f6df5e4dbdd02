#include "host/common/runtime_tuning.h"

#include <absl/synchronization/mutex.h>

namespace pyfn {

void TuneLibraries() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

}  // namespace pyfn
