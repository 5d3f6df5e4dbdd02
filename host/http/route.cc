#include "host/http/route.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <regex>

#include "host/common/strings.h"
#include "host/common/text_encoding.h"

namespace pyfn {
namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && AsciiLower(a) == AsciiLower(b);
}

// Whole-string signed integer in [lo, hi], optional leading sign, digits only.
bool ParseInteger(const std::string& s, long long lo, long long hi, long long* out) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t j = i; j < s.size(); ++j)
    if (!std::isdigit(static_cast<unsigned char>(s[j]))) return false;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0' || v < lo || v > hi) return false;
  if (out) *out = v;
  return true;
}

// Decimal number: sign, digits, optional fraction and exponent; no hex, inf, nan.
bool IsNumber(const std::string& s) {
  static const std::regex kNumber(R"(^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$)");
  return std::regex_match(s, kNumber);
}

bool IsGuid(const std::string& s) {
  static const std::regex kGuid(
      R"(^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|\([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\))$)");
  return std::regex_match(s, kGuid);
}

// ISO 8601 style dates and times (the forms DateTime.TryParse accepts that can
// appear in a URL segment): 2024-01-31, 2024-01-31T10:20[:30[.123]][Z|+01:00],
// also with a space instead of T and with '/' as the date separator.
bool IsDateTime(const std::string& s) {
  static const std::regex kDate(
      R"(^(\d{4})[-/](\d{1,2})[-/](\d{1,2})([T ](\d{1,2}):(\d{2})(:(\d{2})(\.\d{1,7})?)?(Z|[+-]\d{2}:?\d{2})?)?$)");
  std::smatch m;
  if (!std::regex_match(s, m, kDate)) return false;
  int month = std::stoi(m[2]), day = std::stoi(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (m[4].matched) {
    int hour = std::stoi(m[5]), minute = std::stoi(m[6]);
    if (hour > 23 || minute > 59) return false;
    if (m[8].matched && std::stoi(m[8]) > 59) return false;
  }
  return true;
}

class FnConstraint : public RouteConstraint {
 public:
  explicit FnConstraint(bool (*fn)(const std::string&)) : fn_(fn) {}
  bool Accepts(const std::string& v) const override { return fn_(v); }

 private:
  bool (*fn_)(const std::string&);
};

class LengthConstraint : public RouteConstraint {
 public:
  LengthConstraint(long long min, long long max) : min_(min), max_(max) {}
  bool Accepts(const std::string& v) const override {
    long long n = static_cast<long long>(v.size());
    return n >= min_ && n <= max_;
  }

 private:
  long long min_, max_;
};

class RangeConstraint : public RouteConstraint {
 public:
  RangeConstraint(long long min, long long max) : min_(min), max_(max) {}
  bool Accepts(const std::string& v) const override {
    long long n;
    return ParseInteger(v, LLONG_MIN, LLONG_MAX, &n) && n >= min_ && n <= max_;
  }

 private:
  long long min_, max_;
};

class RegexConstraint : public RouteConstraint {
 public:
  explicit RegexConstraint(std::regex re) : re_(std::move(re)) {}
  // ASP.NET uses Regex.IsMatch: unanchored unless the pattern anchors itself.
  bool Accepts(const std::string& v) const override { return std::regex_search(v, re_); }

 private:
  std::regex re_;
};

Status ParseArgs(const std::string& name, const std::string& args, size_t want_min,
                 size_t want_max, std::vector<long long>* out) {
  out->clear();
  size_t start = 0;
  while (start <= args.size()) {
    size_t comma = args.find(',', start);
    std::string part = args.substr(start, comma == std::string::npos ? std::string::npos
                                                                     : comma - start);
    // Trim spaces.
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    long long v;
    if (!ParseInteger(part, LLONG_MIN, LLONG_MAX, &v))
      return Status::InvalidArgument("constraint '" + name + "' needs integer arguments, got '" +
                                     args + "'");
    out->push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (out->size() < want_min || out->size() > want_max)
    return Status::InvalidArgument("constraint '" + name + "' has the wrong number of arguments");
  return Status::OK();
}

}  // namespace

Status MakeRouteConstraint(const std::string& spec, std::unique_ptr<RouteConstraint>* out) {
  std::string name = spec, args;
  bool has_args = false;
  size_t paren = spec.find('(');
  if (paren != std::string::npos) {
    if (spec.back() != ')')
      return Status::InvalidArgument("constraint '" + spec + "' is missing ')'");
    name = spec.substr(0, paren);
    args = spec.substr(paren + 1, spec.size() - paren - 2);
    has_args = true;
  }
  name = AsciiLower(name);
  auto no_args = [&](bool (*fn)(const std::string&)) {
    if (has_args) return Status::InvalidArgument("constraint '" + name + "' takes no arguments");
    *out = std::make_unique<FnConstraint>(fn);
    return Status::OK();
  };
  if (name == "int")
    return no_args([](const std::string& v) { return ParseInteger(v, INT_MIN, INT_MAX, nullptr); });
  if (name == "long")
    return no_args(
        [](const std::string& v) { return ParseInteger(v, LLONG_MIN, LLONG_MAX, nullptr); });
  if (name == "bool")
    return no_args([](const std::string& v) {
      std::string l = AsciiLower(v);
      return l == "true" || l == "false";
    });
  if (name == "double" || name == "float" || name == "decimal") return no_args(IsNumber);
  if (name == "guid") return no_args(IsGuid);
  if (name == "datetime") return no_args(IsDateTime);
  if (name == "alpha")
    return no_args([](const std::string& v) {
      return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      });
    });
  if (name == "regex") {
    if (!has_args) return Status::InvalidArgument("constraint 'regex' needs a pattern");
    try {
      *out = std::make_unique<RegexConstraint>(
          std::regex(args, std::regex::ECMAScript | std::regex::icase | std::regex::optimize));
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument("bad regex '" + args + "' in route: " + e.what());
    }
    return Status::OK();
  }
  std::vector<long long> a;
  Status s;
  if (name == "minlength" || name == "maxlength" || name == "min" || name == "max") {
    if (!has_args) return Status::InvalidArgument("constraint '" + name + "' needs an argument");
    if (!(s = ParseArgs(name, args, 1, 1, &a)).ok()) return s;
    if (name == "minlength") *out = std::make_unique<LengthConstraint>(a[0], LLONG_MAX);
    if (name == "maxlength") *out = std::make_unique<LengthConstraint>(0, a[0]);
    if (name == "min") *out = std::make_unique<RangeConstraint>(a[0], LLONG_MAX);
    if (name == "max") *out = std::make_unique<RangeConstraint>(LLONG_MIN, a[0]);
    return Status::OK();
  }
  if (name == "length" || name == "range") {
    if (!has_args) return Status::InvalidArgument("constraint '" + name + "' needs arguments");
    if (!(s = ParseArgs(name, args, name == "length" ? 1 : 2, 2, &a)).ok()) return s;
    long long lo = a[0], hi = a.size() == 2 ? a[1] : a[0];
    if (lo > hi) return Status::InvalidArgument("constraint '" + spec + "': min > max");
    if (name == "length")
      *out = std::make_unique<LengthConstraint>(lo, hi);
    else
      *out = std::make_unique<RangeConstraint>(lo, hi);
    return Status::OK();
  }
  return Status::InvalidArgument("unknown route constraint '" + name + "'");
}

namespace {

// Parses the inside of "{...}" into `seg`.
Status ParseParameter(const std::string& body, const std::string& tmpl, RouteSegment* seg) {
  std::string b = body;
  seg->kind = RouteSegment::Kind::kParameter;
  if (b.rfind("**", 0) == 0) {
    seg->kind = RouteSegment::Kind::kCatchAll;
    b.erase(0, 2);
  } else if (!b.empty() && b[0] == '*') {
    seg->kind = RouteSegment::Kind::kCatchAll;
    b.erase(0, 1);
  }
  // Name: up to ':', '=', '?' or the end.
  size_t i = 0;
  while (i < b.size() && b[i] != ':' && b[i] != '=' && b[i] != '?') ++i;
  seg->text = b.substr(0, i);
  if (seg->text.empty())
    return Status::InvalidArgument("route '" + tmpl + "' has a parameter without a name");
  for (char c : seg->text)
    if (c == '{' || c == '}' || c == '/' || c == '*')
      return Status::InvalidArgument("route '" + tmpl + "' has a bad parameter name '" +
                                     seg->text + "'");
  while (i < b.size() && b[i] == ':') {
    size_t start = ++i;
    int depth = 0;
    while (i < b.size()) {
      char c = b[i];
      if (c == '(') ++depth;
      else if (c == ')') --depth;
      else if (depth == 0 && (c == ':' || c == '=' || c == '?')) break;
      ++i;
    }
    std::string spec = b.substr(start, i - start);
    std::unique_ptr<RouteConstraint> c;
    Status s = MakeRouteConstraint(spec, &c);
    if (!s.ok()) return Status::InvalidArgument("route '" + tmpl + "': " + s.message());
    seg->constraints.push_back(std::move(c));
  }
  if (i < b.size() && b[i] == '=') {
    std::string def = b.substr(i + 1);
    if (!def.empty() && def.back() == '?')
      return Status::InvalidArgument("route '" + tmpl +
                                     "': a parameter cannot have a default and be optional");
    seg->default_value = def;
    i = b.size();
  }
  if (i < b.size() && b[i] == '?') {
    seg->optional = true;
    ++i;
  }
  if (i != b.size())
    return Status::InvalidArgument("route '" + tmpl + "': cannot parse parameter '{" + body + "}'");
  if (seg->kind == RouteSegment::Kind::kCatchAll && seg->optional)
    return Status::InvalidArgument("route '" + tmpl + "': a catch-all cannot be optional");
  return Status::OK();
}

}  // namespace

Status RouteTemplate::Parse(const std::string& text, RouteTemplate* out) {
  out->text_ = text;
  out->segments_.clear();
  std::string t = text;
  if (t.rfind("~/", 0) == 0) t.erase(0, 2);
  else if (!t.empty() && t[0] == '/') t.erase(0, 1);
  if (!t.empty() && t.back() == '/') t.pop_back();
  if (t.empty()) return Status::OK();
  // Split on '/' outside braces (a regex may contain '/').
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '{' && i + 1 < t.size() && t[i + 1] == '{' && depth > 0) {
      cur += "{{";
      ++i;
      continue;
    }
    if (c == '}' && i + 1 < t.size() && t[i + 1] == '}' && depth > 0 && i + 2 < t.size() &&
        t[i + 2] != '/') {
      cur += "}}";
      ++i;
      continue;
    }
    if (c == '{') ++depth;
    if (c == '}') --depth;
    if (c == '/' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  parts.push_back(cur);
  if (depth != 0) return Status::InvalidArgument("route '" + text + "' has unbalanced braces");
  for (size_t p = 0; p < parts.size(); ++p) {
    const std::string& part = parts[p];
    RouteSegment seg;
    if (part.empty())
      return Status::InvalidArgument("route '" + text + "' has an empty segment");
    if (part.front() == '{' && part.back() == '}' && part.size() >= 2) {
      std::string body = part.substr(1, part.size() - 2);
      // Inside a parameter "{{" / "}}" are escaped braces.
      std::string unescaped;
      for (size_t i = 0; i < body.size(); ++i) {
        unescaped += body[i];
        if ((body[i] == '{' || body[i] == '}') && i + 1 < body.size() && body[i + 1] == body[i])
          ++i;
      }
      Status s = ParseParameter(unescaped, text, &seg);
      if (!s.ok()) return s;
      if (seg.kind == RouteSegment::Kind::kCatchAll && p + 1 != parts.size())
        return Status::InvalidArgument("route '" + text +
                                       "': a catch-all parameter must be the last segment");
    } else {
      if (part.find('{') != std::string::npos || part.find('}') != std::string::npos)
        return Status::InvalidArgument("route '" + text + "': segment '" + part +
                                       "' mixes text and parameters (not supported)");
      seg.kind = RouteSegment::Kind::kLiteral;
      seg.text = part;
    }
    out->segments_.push_back(std::move(seg));
  }
  // Parameter names are unique, case-insensitively.
  std::vector<std::string> names;
  for (const auto& s : out->segments_) {
    if (s.kind == RouteSegment::Kind::kLiteral) continue;
    std::string l = AsciiLower(s.text);
    if (std::find(names.begin(), names.end(), l) != names.end())
      return Status::InvalidArgument("route '" + text + "' uses parameter '" + s.text + "' twice");
    names.push_back(l);
  }
  return Status::OK();
}

bool RouteTemplate::Match(const std::vector<std::string>& path,
                          std::map<std::string, std::string>* params) const {
  std::map<std::string, std::string> out;
  size_t i = 0;
  for (size_t k = 0; k < segments_.size(); ++k) {
    const RouteSegment& seg = segments_[k];
    if (seg.kind == RouteSegment::Kind::kCatchAll) {
      std::string rest;
      for (size_t j = i; j < path.size(); ++j) {
        if (j > i) rest += '/';
        rest += path[j];
      }
      i = path.size();
      if (rest.empty() && seg.default_value) rest = *seg.default_value;
      for (const auto& c : seg.constraints)
        if (!rest.empty() && !c->Accepts(rest)) return false;
      if (!rest.empty()) out[seg.text] = rest;
      continue;
    }
    if (i >= path.size()) {
      // Path exhausted: the rest must be optional or defaulted parameters.
      if (seg.kind == RouteSegment::Kind::kLiteral) return false;
      if (seg.default_value) {
        out[seg.text] = *seg.default_value;
        continue;
      }
      if (seg.optional) continue;
      return false;
    }
    const std::string& v = path[i];
    if (seg.kind == RouteSegment::Kind::kLiteral) {
      if (!EqualsIgnoreCase(seg.text, v)) return false;
    } else {
      if (v.empty()) return false;
      for (const auto& c : seg.constraints)
        if (!c->Accepts(v)) return false;
      out[seg.text] = v;
    }
    ++i;
  }
  if (i != path.size()) return false;
  if (params) *params = std::move(out);
  return true;
}

std::vector<int> RouteTemplate::Precedence() const {
  std::vector<int> p;
  for (const auto& s : segments_) {
    switch (s.kind) {
      case RouteSegment::Kind::kLiteral: p.push_back(1); break;
      case RouteSegment::Kind::kParameter: p.push_back(s.constraints.empty() ? 4 : 3); break;
      case RouteSegment::Kind::kCatchAll: p.push_back(5); break;
    }
  }
  return p;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> raw;
  size_t start = (!path.empty() && path[0] == '/') ? 1 : 0;
  if (start >= path.size()) return {};
  while (true) {
    size_t slash = path.find('/', start);
    raw.push_back(path.substr(start, slash == std::string::npos ? std::string::npos
                                                                : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!raw.empty() && raw.back().empty()) raw.pop_back();
  for (auto& r : raw)  // a segment without escapes that is UTF-8 decodes to itself
    if (r.find('%') != std::string::npos || !IsValidUtf8(r)) r = PercentDecodeUtf8(r, false);
  return raw;
}

Status RouteTable::Add(const std::string& template_text, const std::vector<std::string>& methods,
                       const std::string& target) {
  Entry e;
  Status s = RouteTemplate::Parse(template_text, &e.route);
  if (!s.ok()) return s;
  for (const auto& m : methods) e.methods.push_back(AsciiUpper(m));
  e.target = target;
  entries_.push_back(std::move(e));
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    auto pa = a.route.Precedence(), pb = b.route.Precedence();
    if (pa != pb) return pa < pb;
    return AsciiLower(a.route.text()) < AsciiLower(b.route.text());
  });
  return Status::OK();
}

bool RouteTable::Match(const std::string& method, const std::string& path,
                       MatchResult* result) const {
  std::vector<std::string> segs = SplitPath(path);
  std::string m = AsciiUpper(method);
  for (const auto& e : entries_) {
    if (!e.methods.empty() && std::find(e.methods.begin(), e.methods.end(), m) == e.methods.end())
      continue;
    std::map<std::string, std::string> params;
    if (e.route.Match(segs, &params)) {
      result->entry = &e;
      result->params = std::move(params);
      return true;
    }
  }
  return false;
}

}  // namespace pyfn
