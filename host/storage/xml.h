// The XML of Azure Storage's answers (error bodies, blob listings, queue
// message lists) as a small element tree, parsed by expat; and an escaper for
// the documents we send. No namespace processing (prefixes stay in names);
// processing instructions and comments are skipped; a DTD is refused.
#ifndef PYFN_HOST_STORAGE_XML_H_
#define PYFN_HOST_STORAGE_XML_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/storage/status.h"

namespace pyfn {
namespace storage {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // concatenated character data directly inside (entities decoded)
  std::vector<XmlElement> children;

  // First child with this name, or nullptr. The pointer lives as long as *this.
  const XmlElement* Child(std::string_view child_name) const;
  // Text of the first child with this name, or "" when there is none.
  std::string ChildText(std::string_view child_name) const;
  // Value of an attribute, or "".
  std::string Attribute(std::string_view attr_name) const;
};

// Parses a document into its root element. Returns Corrupt naming the offset
// on malformed input.
Status ParseXml(std::string_view doc, XmlElement* root);

// Escapes & < > " ' for element text and attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_XML_H_
