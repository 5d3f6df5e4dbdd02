// The samplers of OTEL_TRACES_SAMPLER (the OpenTelemetry SDK's names).
//
//   always_on, always_off, traceidratio (OTEL_TRACES_SAMPLER_ARG, 0..1),
//   parentbased_always_on (default), parentbased_always_off,
//   parentbased_traceidratio.
//
// A parent-based sampler follows the parent's sampled flag when there is a
// parent and uses its root rule otherwise. traceidratio keeps a trace when the
// low 64 bits of its id are below ratio * 2^64, so every host with the same
// ratio keeps the same traces.
#ifndef PYFN_HOST_TELEMETRY_SAMPLER_H_
#define PYFN_HOST_TELEMETRY_SAMPLER_H_

#include <string>
#include <string_view>

#include "host/telemetry/span.h"

namespace pyfn {
namespace telemetry {

class Sampler {
 public:
  // Default: parentbased_always_on.
  Sampler() = default;
  // `name` and `arg` as in the settings. An unknown name or a bad ratio gives
  // the default sampler (or ratio 1.0) and sets *warning to a sentence saying so.
  static Sampler Parse(const std::string& name, const std::string& arg, std::string* warning);

  // Whether a new span of trace `trace_id` under `parent` (invalid: a root)
  // is recorded and exported.
  bool ShouldSample(const SpanContext& parent, std::string_view trace_id) const;

  // "parentbased_traceidratio(0.25)", for the start-up log line.
  std::string Describe() const;

 private:
  enum class Root { kAlwaysOn, kAlwaysOff, kRatio };
  bool RootDecision(std::string_view trace_id) const;

  bool parent_based_ = true;
  Root root_ = Root::kAlwaysOn;
  double ratio_ = 1.0;
};

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_SAMPLER_H_
