// The host's metrics as data: what both expositions write, so that the
// Prometheus text (/admin/metrics, PYFN_METRICS_PORT) and the OTLP export
// (telemetry/metric_exporter.h) show the same numbers.
//
// A MetricFamily is one metric name with its points, one per label set.
// Counters are cumulative since the host started; gauges are values now;
// histograms hold per-bucket counts (OTLP's form: bucket i counts values in
// (bounds[i-1], bounds[i]], the last one the values above every bound).
#ifndef PYFN_HOST_METRIC_FAMILY_H_
#define PYFN_HOST_METRIC_FAMILY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pyfn {

struct MetricPoint {
  std::vector<std::pair<std::string, std::string>> labels;
  // Counters and gauges: an integer unless `is_double`.
  int64_t int_value = 0;
  double double_value = 0;
  bool is_double = false;
  // Histograms: bounds.size() + 1 counts, their total `count`, and `sum`.
  std::vector<uint64_t> bucket_counts;
  uint64_t count = 0;
  double sum = 0;

  static MetricPoint Int(int64_t v, std::vector<std::pair<std::string, std::string>> labels = {});
  static MetricPoint Double(double v,
                            std::vector<std::pair<std::string, std::string>> labels = {});
};

struct MetricFamily {
  enum class Type { kCounter, kGauge, kHistogram };
  std::string name;  // Prometheus's name, "pyfn_invocations_total"
  std::string help;
  Type type = Type::kCounter;
  std::vector<double> bounds;  // histograms: the upper bounds, ascending
  std::vector<MetricPoint> points;

  // OTLP's unit (UCUM): "s" for *_seconds, "By" for *_bytes, else "".
  std::string Unit() const;
};

// Prometheus text exposition (format 0.0.4): # HELP and # TYPE for every
// family (also one without points), then its samples; histograms as
// cumulative _bucket{le} lines, _sum and _count.
std::string RenderPrometheus(const std::vector<MetricFamily>& families);

// Prometheus label value escaping: backslash, double quote, new line.
std::string EscapeLabel(const std::string& v);

}  // namespace pyfn

#endif  // PYFN_HOST_METRIC_FAMILY_H_
