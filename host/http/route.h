// Route templates and the route table of the HTTP front end.
//
// Templates follow ASP.NET Core routing as Azure Functions uses it:
//   literal segments (matched case-insensitively), {name}, optional {name?},
//   defaults {name=value}, catch-all {*rest} / {**rest} (last segment only),
//   constraints {id:int}, {id:int:min(1)}, {s:regex(^a+$)} with
//   int long bool double float decimal guid datetime alpha minlength(n)
//   maxlength(n) length(n) length(m,n) min(n) max(n) range(m,n) regex(...).
// In a regex, "{{" and "}}" stand for literal braces (as in ASP.NET).
// Mixed segments ("{a}.{b}") are not supported and are a parse error.
//
// RouteTable orders routes like ASP.NET's inbound precedence: per segment,
// literal < constrained parameter < parameter < catch-all (more specific first),
// then by template text; the first route that matches path and method wins.
// Thread safety: a RouteTable is immutable once built; Match is const and may be
// called from any thread.
#ifndef PYFN_HOST_ROUTE_H_
#define PYFN_HOST_ROUTE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/common/status.h"

namespace pyfn {

class RouteConstraint {
 public:
  virtual ~RouteConstraint() = default;
  virtual bool Accepts(const std::string& value) const = 0;
};

// Builds a constraint from "int", "min(1)", "regex(^a$)"... Unknown names and
// bad arguments give InvalidArgument.
Status MakeRouteConstraint(const std::string& spec, std::unique_ptr<RouteConstraint>* out);

struct RouteSegment {
  enum class Kind { kLiteral, kParameter, kCatchAll };
  Kind kind = Kind::kLiteral;
  std::string text;  // literal text, or parameter name
  bool optional = false;
  std::optional<std::string> default_value;
  std::vector<std::shared_ptr<const RouteConstraint>> constraints;
};

class RouteTemplate {
 public:
  // Parses `text` ("items/{id:int?}"); a leading "/" or "~/" is ignored.
  static Status Parse(const std::string& text, RouteTemplate* out);

  // Matches already split and percent-decoded path segments. On success fills
  // `params` (defaults included, absent optionals left out) and returns true.
  bool Match(const std::vector<std::string>& path,
             std::map<std::string, std::string>* params) const;

  const std::string& text() const { return text_; }
  const std::vector<RouteSegment>& segments() const { return segments_; }
  // One digit per segment, lower = more specific (1 literal, 3 constrained
  // parameter, 4 parameter, 5 catch-all).
  std::vector<int> Precedence() const;

 private:
  std::string text_;
  std::vector<RouteSegment> segments_;
};

// Splits "/api/a%20b/c/" into {"api", "a b", "c"}: percent-decodes each
// segment (PercentDecodeUtf8: escapes that are not UTF-8 stay escaped), drops
// one trailing empty segment. The query string must already be removed.
std::vector<std::string> SplitPath(const std::string& path);

class RouteTable {
 public:
  struct Entry {
    RouteTemplate route;
    std::vector<std::string> methods;  // upper case; empty = every method
    std::string target;                // what the route leads to (a function name)
  };
  struct MatchResult {
    const Entry* entry = nullptr;
    std::map<std::string, std::string> params;
  };

  // Adds a route. `methods` are case-insensitive. Fails on a bad template.
  Status Add(const std::string& template_text, const std::vector<std::string>& methods,
             const std::string& target);

  // First matching route for `method` (any case) and `path` (raw, without the
  // query). Returns false if nothing matches (answer 404, even if only the
  // method differed: Azure does not use 405).
  bool Match(const std::string& method, const std::string& path, MatchResult* result) const;

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;  // kept sorted by precedence
};

}  // namespace pyfn

#endif  // PYFN_HOST_ROUTE_H_
