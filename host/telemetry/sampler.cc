#include "host/telemetry/sampler.h"

#include <cmath>
#include <cstdlib>

#include "host/common/strings.h"

namespace pyfn {
namespace telemetry {

Sampler Sampler::Parse(const std::string& name_in, const std::string& arg, std::string* warning) {
  Sampler s;
  std::string name = AsciiLower(name_in);
  if (name.empty() || name == "parentbased_always_on") return s;
  if (name == "always_on") {
    s.parent_based_ = false;
  } else if (name == "always_off") {
    s.parent_based_ = false;
    s.root_ = Root::kAlwaysOff;
  } else if (name == "parentbased_always_off") {
    s.root_ = Root::kAlwaysOff;
  } else if (name == "traceidratio" || name == "parentbased_traceidratio") {
    s.parent_based_ = name != "traceidratio";
    s.root_ = Root::kRatio;
    if (!arg.empty()) {
      char* end = nullptr;
      double r = std::strtod(arg.c_str(), &end);
      if (end == arg.c_str() || *end != '\0' || !(r >= 0.0 && r <= 1.0)) {
        *warning = "OTEL_TRACES_SAMPLER_ARG='" + arg +
                   "' is not a ratio between 0 and 1; sampling every trace (1.0)";
      } else {
        s.ratio_ = r;
      }
    }
  } else {
    *warning = "OTEL_TRACES_SAMPLER='" + name_in +
               "' is not a sampler pyfn knows (always_on, always_off, traceidratio, "
               "parentbased_always_on, parentbased_always_off, parentbased_traceidratio); "
               "using parentbased_always_on";
  }
  return s;
}

bool Sampler::RootDecision(std::string_view trace_id) const {
  switch (root_) {
    case Root::kAlwaysOn:
      return true;
    case Root::kAlwaysOff:
      return false;
    case Root::kRatio: {
      if (ratio_ >= 1.0) return true;
      if (ratio_ <= 0.0) return false;
      if (trace_id.size() != 32) return false;
      uint64_t low = std::strtoull(std::string(trace_id.substr(16)).c_str(), nullptr, 16);
      // ratio * 2^64 as a long double keeps the comparison exact enough.
      long double bound = static_cast<long double>(ratio_) * 18446744073709551616.0L;
      return static_cast<long double>(low) < bound;
    }
  }
  return true;
}

bool Sampler::ShouldSample(const SpanContext& parent, std::string_view trace_id) const {
  if (parent_based_ && parent.valid()) return parent.sampled;
  return RootDecision(trace_id);
}

std::string Sampler::Describe() const {
  std::string root = root_ == Root::kAlwaysOn    ? "always_on"
                     : root_ == Root::kAlwaysOff ? "always_off"
                                                 : "traceidratio(" + std::to_string(ratio_) + ")";
  return parent_based_ ? "parentbased_" + root : root;
}

}  // namespace telemetry
}  // namespace pyfn
