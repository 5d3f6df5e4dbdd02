// Binding expressions, as function.json paths and queue names use them:
//   {name}          a value from BindingData: route parameters, query
//                   parameters, trigger metadata ({queueTrigger}, {id},
//                   {dequeueCount}, blob-trigger captures), and members of
//                   a JSON body, dotted paths included ({data.order.id});
//   {rand-guid}     a new GUID ({rand-guid:N} without dashes), also
//                   {sys.randguid};
//   {DateTime}      UTC now as yyyy-MM-ddTHH-mm-ssZ, {DateTime:yyyy/MM/dd}
//                   with .NET-style yyyy yy MM dd HH hh mm ss fff tokens,
//                   {sys.utcnow} as ISO 8601;
//   {{ and }}       literal braces;
//   %Setting%       an app setting (resolved separately, at load time, by
//                   ResolveAppSettings).
// Names are case-insensitive, as Azure's binding data are.
#ifndef PYFN_HOST_STORAGE_BINDING_EXPRESSION_H_
#define PYFN_HOST_STORAGE_BINDING_EXPRESSION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/storage/status.h"

namespace pyfn {
namespace storage {

class BindingData {
 public:
  // Sets (or replaces) a plain value.
  void Set(const std::string& name, std::string value);
  // Adds a JSON object's members as names; nested members are reached with
  // dotted paths. Plain values set with Set() win over JSON members of the
  // same name. Non-objects are ignored.
  void AddJson(const nlohmann::json& object);

  // Looks up a name or a dotted path. JSON strings give their text, numbers
  // and booleans their JSON form, objects and arrays their compact JSON;
  // null and missing give false.
  bool Lookup(const std::string& name, std::string* value) const;

 private:
  std::map<std::string, std::string> values_;  // lower-cased name -> value
  std::vector<nlohmann::json> json_;           // earliest added wins
};

// Where built-ins get time and randomness; tests pin both.
struct BuiltinSources {
  std::function<int64_t()> now_millis;  // Unix milliseconds, UTC
  std::function<std::string()> new_guid;
};
BuiltinSources DefaultBuiltinSources();

// Replaces every {...} in text. An expression that cannot be resolved gives
// InvalidArgument "binding expression '{x}' in '<text>' cannot be resolved"
// (the caller adds the binding's name); an unbalanced brace is
// InvalidArgument too.
Status ResolveBindingExpression(const std::string& text, const BindingData& data, std::string* out,
                                const BuiltinSources& sources = DefaultBuiltinSources());

// The {...} names in text, in order (built-ins included), for checking at
// load time which parameters a path needs.
Status BindingParameters(const std::string& text, std::vector<std::string>* names);

// Replaces every %Name% using lookup (the process environment plus
// local.settings.json in the host). "%%" is a literal '%'. A missing setting
// gives InvalidArgument "app setting 'Name' (used in '<text>') is not set".
using SettingLookup = std::function<bool(const std::string& name, std::string* value)>;
Status ResolveAppSettings(const std::string& text, const SettingLookup& lookup, std::string* out);
// lookup over getenv.
SettingLookup EnvironmentLookup();

// Formats a UTC time (milliseconds) with .NET-style custom tokens:
// yyyy yy MM M dd d HH H hh h mm m ss s fff ff f tt, 'quoted' and \x
// literals; other characters are copied.
std::string FormatDateTime(int64_t unix_millis, const std::string& format);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_BINDING_EXPRESSION_H_
