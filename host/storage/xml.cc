#include "host/storage/xml.h"

#include <cstdint>
#include <cstdlib>

namespace pyfn {
namespace storage {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view doc) : s_(doc) {}

  Status ParseDocument(XmlElement* root) {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    Status st = SkipMisc();
    if (!st.ok()) return st;
    if (pos_ >= s_.size() || s_[pos_] != '<') return Error("expected the root element");
    st = ParseElement(root, 0);
    if (!st.ok()) return st;
    st = SkipMisc();
    if (!st.ok()) return st;
    if (pos_ != s_.size()) return Error("content after the root element");
    return Status::OK();
  }

 private:
  Status Error(const std::string& what) const {
    return Status::Corrupt("XML: " + what + " at offset " + std::to_string(pos_));
  }

  bool StartsWith(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
      ++pos_;
    }
  }

  // Skips whitespace, <?...?>, <!--...--> and <!DOCTYPE ...>.
  Status SkipMisc() {
    for (;;) {
      SkipSpace();
      if (StartsWith("<?")) {
        size_t e = s_.find("?>", pos_);
        if (e == std::string_view::npos) return Error("unterminated processing instruction");
        pos_ = e + 2;
      } else if (StartsWith("<!--")) {
        size_t e = s_.find("-->", pos_);
        if (e == std::string_view::npos) return Error("unterminated comment");
        pos_ = e + 3;
      } else if (StartsWith("<!DOCTYPE")) {
        size_t e = s_.find('>', pos_);
        if (e == std::string_view::npos) return Error("unterminated DOCTYPE");
        pos_ = e + 1;
      } else {
        return Status::OK();
      }
    }
  }

  static bool IsNameChar(char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '/' && c != '>' && c != '=' &&
           c != '<' && c != '"' && c != '\'';
  }

  std::string ParseName() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsNameChar(s_[pos_])) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }

  Status Decode(std::string_view raw, std::string* out) {
    out->reserve(out->size() + raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        *out += raw[i];
        continue;
      }
      size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos) return Error("unterminated entity");
      std::string_view ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "amp") {
        *out += '&';
      } else if (ent == "lt") {
        *out += '<';
      } else if (ent == "gt") {
        *out += '>';
      } else if (ent == "quot") {
        *out += '"';
      } else if (ent == "apos") {
        *out += '\'';
      } else if (ent.size() > 1 && ent[0] == '#') {
        std::string num(ent.substr(1));
        char* end = nullptr;
        unsigned long cp = (num[0] == 'x' || num[0] == 'X')
                               ? std::strtoul(num.c_str() + 1, &end, 16)
                               : std::strtoul(num.c_str(), &end, 10);
        if (end == nullptr || *end != '\0' || cp > 0x10FFFF)
          return Error("bad character reference");
        AppendUtf8(static_cast<uint32_t>(cp), out);
      } else {
        return Error("unknown entity &" + std::string(ent) + ";");
      }
      i = semi;
    }
    return Status::OK();
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      *out += char(cp);
    } else if (cp < 0x800) {
      *out += char(0xC0 | (cp >> 6));
      *out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *out += char(0xE0 | (cp >> 12));
      *out += char(0x80 | ((cp >> 6) & 0x3F));
      *out += char(0x80 | (cp & 0x3F));
    } else {
      *out += char(0xF0 | (cp >> 18));
      *out += char(0x80 | ((cp >> 12) & 0x3F));
      *out += char(0x80 | ((cp >> 6) & 0x3F));
      *out += char(0x80 | (cp & 0x3F));
    }
  }

  Status ParseElement(XmlElement* el, int depth) {
    if (depth > 64) return Error("elements nested too deeply");
    ++pos_;  // '<'
    el->name = ParseName();
    if (el->name.empty()) return Error("expected an element name");
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unterminated start tag <" + el->name + ">");
      if (StartsWith("/>")) {
        pos_ += 2;
        return Status::OK();
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      std::string attr = ParseName();
      if (attr.empty()) return Error("expected an attribute name");
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '=') return Error("expected '=' after " + attr);
      ++pos_;
      SkipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return Error("expected a quoted value for " + attr);
      }
      char q = s_[pos_++];
      size_t e = s_.find(q, pos_);
      if (e == std::string_view::npos) return Error("unterminated attribute " + attr);
      std::string value;
      Status st = Decode(s_.substr(pos_, e - pos_), &value);
      if (!st.ok()) return st;
      el->attributes.emplace_back(std::move(attr), std::move(value));
      pos_ = e + 1;
    }
    // Content.
    for (;;) {
      if (pos_ >= s_.size()) return Error("unterminated element <" + el->name + ">");
      if (StartsWith("</")) {
        pos_ += 2;
        std::string end = ParseName();
        if (end != el->name) return Error("</" + end + "> closes <" + el->name + ">");
        SkipSpace();
        if (pos_ >= s_.size() || s_[pos_] != '>') return Error("expected '>'");
        ++pos_;
        return Status::OK();
      }
      if (StartsWith("<!--")) {
        size_t e = s_.find("-->", pos_);
        if (e == std::string_view::npos) return Error("unterminated comment");
        pos_ = e + 3;
      } else if (StartsWith("<![CDATA[")) {
        size_t e = s_.find("]]>", pos_);
        if (e == std::string_view::npos) return Error("unterminated CDATA");
        el->text.append(s_.substr(pos_ + 9, e - pos_ - 9));
        pos_ = e + 3;
      } else if (StartsWith("<?")) {
        size_t e = s_.find("?>", pos_);
        if (e == std::string_view::npos) return Error("unterminated processing instruction");
        pos_ = e + 2;
      } else if (s_[pos_] == '<') {
        el->children.emplace_back();
        Status st = ParseElement(&el->children.back(), depth + 1);
        if (!st.ok()) return st;
      } else {
        size_t e = s_.find('<', pos_);
        if (e == std::string_view::npos) e = s_.size();
        Status st = Decode(s_.substr(pos_, e - pos_), &el->text);
        if (!st.ok()) return st;
        pos_ = e;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const auto& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

std::string XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* c = Child(child_name);
  return c ? c->text : std::string();
}

std::string XmlElement::Attribute(std::string_view attr_name) const {
  for (const auto& a : attributes) {
    if (a.first == attr_name) return a.second;
  }
  return std::string();
}

Status ParseXml(std::string_view doc, XmlElement* root) {
  *root = XmlElement();
  return Parser(doc).ParseDocument(root);
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace storage
}  // namespace pyfn
