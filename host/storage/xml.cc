#include "host/storage/xml.h"

#include <expat.h>

#include <climits>
#include <vector>

namespace pyfn {
namespace storage {
namespace {

// Builds the element tree from expat's callbacks. Only the open elements are
// on the stack; an element's children vector grows only while it is the top,
// so the pointers below it stay valid.
struct TreeBuilder {
  XmlElement* root;
  std::vector<XmlElement*> open;
  bool started = false;
  std::string refused;  // why the parser was stopped (a DTD)

  static void Start(void* data, const XML_Char* name, const XML_Char** atts) {
    auto* b = static_cast<TreeBuilder*>(data);
    XmlElement* el;
    if (b->open.empty()) {
      el = b->root;  // expat itself refuses a second root element
      b->started = true;
    } else {
      b->open.back()->children.emplace_back();
      el = &b->open.back()->children.back();
    }
    el->name = name;
    for (int i = 0; atts[i] != nullptr; i += 2) el->attributes.emplace_back(atts[i], atts[i + 1]);
    b->open.push_back(el);
  }
  static void End(void* data, const XML_Char*) { static_cast<TreeBuilder*>(data)->open.pop_back(); }
  static void Text(void* data, const XML_Char* s, int len) {
    auto* b = static_cast<TreeBuilder*>(data);
    if (!b->open.empty()) b->open.back()->text.append(s, static_cast<size_t>(len));
  }
  // Azure Storage never sends a DTD; one in an answer is refused rather than
  // expanded (no entity definitions, no external subsets).
  static void Doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* b = static_cast<TreeBuilder*>(data);
    b->refused = "a DOCTYPE is not accepted";
    XML_StopParser(b->parser, XML_FALSE);
  }
  XML_Parser parser = nullptr;
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
  if (doc.size() > static_cast<size_t>(INT_MAX)) return Status::Corrupt("XML: document too large");
  // No namespace processing: prefixed names stay as written ("ns:Name").
  XML_Parser p = XML_ParserCreate("UTF-8");
  if (p == nullptr) return Status::Corrupt("XML: cannot create a parser");
  TreeBuilder b{root};
  b.parser = p;
  XML_SetUserData(p, &b);
  XML_SetElementHandler(p, &TreeBuilder::Start, &TreeBuilder::End);
  XML_SetCharacterDataHandler(p, &TreeBuilder::Text);
  XML_SetStartDoctypeDeclHandler(p, &TreeBuilder::Doctype);
  XML_Status st = XML_Parse(p, doc.data(), static_cast<int>(doc.size()), XML_TRUE);
  Status out;
  if (!b.refused.empty()) {
    out = Status::Corrupt("XML: " + b.refused);
  } else if (st != XML_STATUS_OK) {
    out = Status::Corrupt(std::string("XML: ") + XML_ErrorString(XML_GetErrorCode(p)) +
                          " at offset " + std::to_string(XML_GetCurrentByteIndex(p)));
  }
  XML_ParserFree(p);
  if (!out.ok()) *root = XmlElement();
  return out;
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
