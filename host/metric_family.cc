#include "host/metric_family.h"

#include <sstream>

namespace pyfn {
namespace {

bool EndsWith(const std::string& s, const char* suffix) {
  const std::string x(suffix);
  return s.size() >= x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0;
}

void WriteLabels(std::ostringstream& o, const MetricPoint& p, const char* le = nullptr) {
  if (p.labels.empty() && le == nullptr) return;
  o << '{';
  bool first = true;
  for (const auto& kv : p.labels) {
    if (!first) o << ',';
    first = false;
    o << kv.first << "=\"" << EscapeLabel(kv.second) << '"';
  }
  if (le != nullptr) o << (first ? "" : ",") << "le=\"" << le << '"';
  o << '}';
}

void WriteHistogram(std::ostringstream& o, const MetricFamily& f, const MetricPoint& p) {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < f.bounds.size(); ++i) {
    if (i < p.bucket_counts.size()) cumulative += p.bucket_counts[i];
    std::ostringstream le;
    le.precision(10);
    le << f.bounds[i];
    o << f.name << "_bucket";
    WriteLabels(o, p, le.str().c_str());
    o << ' ' << cumulative << '\n';
  }
  o << f.name << "_bucket";
  WriteLabels(o, p, "+Inf");
  o << ' ' << p.count << '\n' << f.name << "_sum";
  WriteLabels(o, p);
  o << ' ' << p.sum << '\n' << f.name << "_count";
  WriteLabels(o, p);
  o << ' ' << p.count << '\n';
}

}  // namespace

MetricPoint MetricPoint::Int(int64_t v, std::vector<std::pair<std::string, std::string>> labels) {
  MetricPoint p;
  p.labels = std::move(labels);
  p.int_value = v;
  return p;
}

MetricPoint MetricPoint::Double(double v,
                                std::vector<std::pair<std::string, std::string>> labels) {
  MetricPoint p;
  p.labels = std::move(labels);
  p.double_value = v;
  p.is_double = true;
  return p;
}

std::string MetricFamily::Unit() const {
  if (EndsWith(name, "_seconds")) return "s";
  if (EndsWith(name, "_bytes")) return "By";
  return "";
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string RenderPrometheus(const std::vector<MetricFamily>& families) {
  std::ostringstream o;
  o.precision(10);
  for (const MetricFamily& f : families) {
    o << "# HELP " << f.name << ' ' << f.help << "\n# TYPE " << f.name << ' '
      << (f.type == MetricFamily::Type::kCounter ? "counter"
          : f.type == MetricFamily::Type::kGauge ? "gauge"
                                                 : "histogram")
      << '\n';
    for (const MetricPoint& p : f.points) {
      if (f.type == MetricFamily::Type::kHistogram) {
        WriteHistogram(o, f, p);
        continue;
      }
      o << f.name;
      WriteLabels(o, p);
      if (p.is_double) o << ' ' << p.double_value << '\n';
      else o << ' ' << p.int_value << '\n';
    }
  }
  return o.str();
}

}  // namespace pyfn
