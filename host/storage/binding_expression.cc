#include "host/storage/binding_expression.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {

namespace {

const nlohmann::json* FindMember(const nlohmann::json& obj, const std::string& key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it != obj.end()) return &*it;
  for (auto m = obj.begin(); m != obj.end(); ++m) {
    if (EqualsIgnoreCase(m.key(), key)) return &m.value();
  }
  return nullptr;
}

bool JsonToText(const nlohmann::json& v, std::string* out) {
  if (v.is_null()) return false;
  if (v.is_string()) {
    *out = v.get<std::string>();
  } else {
    *out = v.dump();
  }
  return true;
}

std::string Pad(int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*lld", width, static_cast<long long>(v));
  return buf;
}

}  // namespace

void BindingData::Set(const std::string& name, std::string value) {
  values_[ToLower(name)] = std::move(value);
}

void BindingData::AddJson(const nlohmann::json& object) {
  if (object.is_object()) json_.push_back(object);
}

bool BindingData::Lookup(const std::string& name, std::string* value) const {
  auto it = values_.find(ToLower(name));
  if (it != values_.end()) {
    *value = it->second;
    return true;
  }
  // Dotted path: the first segment may be a plain value holding JSON (a
  // queue message or a body set with Set), or a member of an added object.
  std::vector<std::string> parts;
  size_t pos = 0;
  for (;;) {
    size_t dot = name.find('.', pos);
    parts.push_back(name.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos));
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  for (const auto& root : json_) {
    const nlohmann::json* cur = &root;
    for (const auto& p : parts) {
      cur = FindMember(*cur, p);
      if (cur == nullptr) break;
    }
    if (cur != nullptr) return JsonToText(*cur, value);
  }
  if (parts.size() > 1) {
    auto head = values_.find(ToLower(parts[0]));
    if (head != values_.end()) {
      nlohmann::json doc = nlohmann::json::parse(head->second, nullptr, /*allow_exceptions=*/false);
      const nlohmann::json* cur = &doc;
      for (size_t i = 1; i < parts.size() && cur != nullptr; ++i) cur = FindMember(*cur, parts[i]);
      if (cur != nullptr) return JsonToText(*cur, value);
    }
  }
  return false;
}

BuiltinSources DefaultBuiltinSources() {
  BuiltinSources s;
  s.now_millis = [] {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
  };
  s.new_guid = NewGuid;
  return s;
}

std::string FormatDateTime(int64_t unix_millis, const std::string& format) {
  int64_t secs = unix_millis / 1000 - (unix_millis % 1000 < 0 ? 1 : 0);
  int64_t millis = unix_millis - secs * 1000;
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  int64_t sod = secs - days * 86400;
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  int h = static_cast<int>(sod / 3600), mi = static_cast<int>(sod / 60 % 60),
      s = static_cast<int>(sod % 60);
  std::string out;
  size_t i = 0;
  while (i < format.size()) {
    char c = format[i];
    size_t n = 1;
    while (i + n < format.size() && format[i + n] == c) ++n;
    switch (c) {
      case 'y':
        out += n >= 4 ? Pad(y, static_cast<int>(n)) : Pad(y % 100, n == 1 ? 1 : 2);
        break;
      case 'M':
        out += Pad(mo, n >= 2 ? 2 : 1);
        break;
      case 'd':
        out += Pad(d, n >= 2 ? 2 : 1);
        break;
      case 'H':
        out += Pad(h, n >= 2 ? 2 : 1);
        break;
      case 'h':
        out += Pad(h % 12 == 0 ? 12 : h % 12, n >= 2 ? 2 : 1);
        break;
      case 'm':
        out += Pad(mi, n >= 2 ? 2 : 1);
        break;
      case 's':
        out += Pad(s, n >= 2 ? 2 : 1);
        break;
      case 'f': {
        std::string frac = Pad(millis, 3) + "0000";
        out += frac.substr(0, std::min<size_t>(n, 7));
        break;
      }
      case 't':
        out += n >= 2 ? (h < 12 ? "AM" : "PM") : (h < 12 ? "A" : "P");
        break;
      case '\'':
      case '"': {
        size_t e = format.find(c, i + 1);
        if (e == std::string::npos) e = format.size();
        out += format.substr(i + 1, e - i - 1);
        n = e - i + 1;
        break;
      }
      case '\\':
        if (i + 1 < format.size()) out += format[i + 1];
        n = 2;
        break;
      default:
        out.append(n, c);
    }
    i += n;
  }
  return out;
}

namespace {

// Walks text, calling on_literal / on_expression; returns InvalidArgument on
// unbalanced braces.
template <typename Lit, typename Expr>
Status Scan(const std::string& text, Lit on_literal, Expr on_expression) {
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '{') {
      if (i + 1 < text.size() && text[i + 1] == '{') {
        on_literal('{');
        i += 2;
        continue;
      }
      size_t e = text.find('}', i + 1);
      size_t nested = text.find('{', i + 1);
      if (e == std::string::npos || (nested != std::string::npos && nested < e)) {
        return Status::InvalidArgument("binding expression '" + text +
                                       "' has a '{' without its '}'");
      }
      std::string expr = text.substr(i + 1, e - i - 1);
      size_t b = expr.find_first_not_of(' ');
      size_t en = expr.find_last_not_of(' ');
      expr = b == std::string::npos ? std::string() : expr.substr(b, en - b + 1);
      if (expr.empty()) {
        return Status::InvalidArgument("binding expression '" + text + "' has an empty {}");
      }
      Status s = on_expression(expr);
      if (!s.ok()) return s;
      i = e + 1;
    } else if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        on_literal('}');
        i += 2;
        continue;
      }
      return Status::InvalidArgument("binding expression '" + text + "' has a '}' without its '{'");
    } else {
      on_literal(c);
      ++i;
    }
  }
  return Status::OK();
}

}  // namespace

Status ResolveBindingExpression(const std::string& text, const BindingData& data, std::string* out,
                                const BuiltinSources& sources) {
  std::string result;
  Status s = Scan(
      text, [&](char c) { result += c; },
      [&](const std::string& expr) -> Status {
        std::string value;
        if (data.Lookup(expr, &value)) {
          result += value;
          return Status::OK();
        }
        std::string name = expr, format;
        size_t colon = expr.find(':');
        if (colon != std::string::npos) {
          name = expr.substr(0, colon);
          format = expr.substr(colon + 1);
        }
        if (EqualsIgnoreCase(name, "rand-guid") || EqualsIgnoreCase(name, "sys.randguid")) {
          std::string g = sources.new_guid();
          if (format == "N" || format == "n") {
            std::string compact;
            for (char c : g) {
              if (c != '-') compact += c;
            }
            g = compact;
          }
          result += g;
          return Status::OK();
        }
        if (EqualsIgnoreCase(name, "DateTime")) {
          result += FormatDateTime(sources.now_millis(),
                                   format.empty() ? "yyyy-MM-ddTHH-mm-ssZ" : format);
          return Status::OK();
        }
        if (EqualsIgnoreCase(name, "sys.utcnow")) {
          result += FormatDateTime(sources.now_millis(),
                                   format.empty() ? "yyyy-MM-ddTHH:mm:ss.fffZ" : format);
          return Status::OK();
        }
        return Status::InvalidArgument("binding expression '{" + expr + "}' in '" + text +
                                       "' cannot be resolved");
      });
  if (s.ok()) *out = std::move(result);
  return s;
}

Status BindingParameters(const std::string& text, std::vector<std::string>* names) {
  names->clear();
  return Scan(
      text, [](char) {},
      [&](const std::string& expr) {
        names->push_back(expr);
        return Status::OK();
      });
}

Status ResolveAppSettings(const std::string& text, const SettingLookup& lookup, std::string* out) {
  std::string result;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '%') {
      result += text[i++];
      continue;
    }
    size_t e = text.find('%', i + 1);
    if (e == std::string::npos) {
      return Status::InvalidArgument("'" + text + "' has a '%' without its closing '%'");
    }
    if (e == i + 1) {
      result += '%';
      i = e + 1;
      continue;
    }
    std::string name = text.substr(i + 1, e - i - 1);
    std::string value;
    if (!lookup(name, &value)) {
      return Status::InvalidArgument("app setting '" + name + "' (used in '" + text +
                                     "') is not set");
    }
    result += value;
    i = e + 1;
  }
  *out = std::move(result);
  return Status::OK();
}

SettingLookup EnvironmentLookup() {
  return [](const std::string& name, std::string* value) {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return false;
    *value = v;
    return true;
  };
}

}  // namespace storage
}  // namespace pyfn
