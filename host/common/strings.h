// Small string helpers the host's modules share (ASCII only: header names,
// setting names, binding types and methods are ASCII by their protocols).
#ifndef PYFN_HOST_COMMON_STRINGS_H_
#define PYFN_HOST_COMMON_STRINGS_H_

#include <string>
#include <string_view>

namespace pyfn {

// `s` with A-Z turned into a-z; other bytes unchanged.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Whether `s` equals `lower` (already lower case) ignoring ASCII case.
inline bool AsciiEqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// `s` with a-z turned into A-Z; other bytes unchanged.
inline std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// `s` safe inside HTML text and attribute values (& < > " ').
inline std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace pyfn

#endif  // PYFN_HOST_COMMON_STRINGS_H_
