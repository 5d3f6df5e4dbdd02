#include "host/storage/xml.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace storage {
namespace {

TEST(XmlTest, ParsesQueueMessagesList) {
  const char* doc =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<QueueMessagesList>\n"
      "  <QueueMessage>\n"
      "    <MessageId>5974b586-0df3-4e2d-ad0c-18e3892bfca2</MessageId>\n"
      "    <InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime>\n"
      "    <MessageText>a &lt;b&gt; &amp; &#x263A;&#65;</MessageText>\n"
      "    <Empty/>\n"
      "  </QueueMessage>\n"
      "</QueueMessagesList>";
  XmlElement root;
  ASSERT_TRUE(ParseXml(doc, &root).ok());
  EXPECT_EQ(root.name, "QueueMessagesList");
  ASSERT_EQ(root.children.size(), 1u);
  const XmlElement& m = root.children[0];
  EXPECT_EQ(m.ChildText("MessageId"), "5974b586-0df3-4e2d-ad0c-18e3892bfca2");
  EXPECT_EQ(m.ChildText("MessageText"),
            "a <b> & \xE2\x98\xBA"
            "A");
  EXPECT_NE(m.Child("Empty"), nullptr);
  EXPECT_EQ(m.ChildText("Missing"), "");
}

TEST(XmlTest, AttributesAndCdata) {
  XmlElement root;
  ASSERT_TRUE(ParseXml("<E a='1' b=\"x&amp;y\"><![CDATA[<raw>]]></E>", &root).ok());
  EXPECT_EQ(root.Attribute("a"), "1");
  EXPECT_EQ(root.Attribute("b"), "x&y");
  EXPECT_EQ(root.text, "<raw>");
}

TEST(XmlTest, RejectsMalformedDocuments) {
  XmlElement root;
  EXPECT_FALSE(ParseXml("<a><b></a>", &root).ok());
  EXPECT_FALSE(ParseXml("<a>", &root).ok());
  EXPECT_FALSE(ParseXml("not xml", &root).ok());
  EXPECT_FALSE(ParseXml("<a>&bogus;</a>", &root).ok());
  EXPECT_FALSE(ParseXml("<a/><b/>", &root).ok());
  Status s = ParseXml("<a>\n<b>", &root);
  EXPECT_NE(s.message().find("offset"), std::string::npos) << s.message();
}

TEST(XmlTest, RefusesADoctypeInsteadOfExpandingIt) {
  XmlElement root;
  const char* laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\">"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><l>&b;</l>";
  Status s = ParseXml(laughs, &root);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("DOCTYPE"), std::string::npos) << s.message();
  EXPECT_TRUE(root.name.empty());
}

TEST(XmlTest, NamespacePrefixesStayInNames) {
  XmlElement root;
  ASSERT_TRUE(ParseXml("<x:E xmlns:x='urn:a'><x:C>v</x:C></x:E>", &root).ok());
  EXPECT_EQ(root.name, "x:E");
  EXPECT_EQ(root.ChildText("x:C"), "v");
}

TEST(XmlTest, EscapeRoundTrips) {
  std::string text = "<MessageText> & \"quotes\" 'x'";
  XmlElement root;
  ASSERT_TRUE(ParseXml("<t>" + XmlEscape(text) + "</t>", &root).ok());
  EXPECT_EQ(root.text, text);
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
