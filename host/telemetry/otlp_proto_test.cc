#include "host/telemetry/otlp_proto.h"

#include <google/protobuf/unknown_field_set.h>
#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "host/telemetry/span_fixtures.h"

namespace pyfn {
namespace telemetry {
namespace {

using google::protobuf::UnknownField;
using google::protobuf::UnknownFieldSet;

// The wire format read back with protobuf's own parser (no OTLP schema: each
// message as its numbered fields).
std::vector<const UnknownField*> Fields(const UnknownFieldSet& m, int number) {
  std::vector<const UnknownField*> out;
  for (int i = 0; i < m.field_count(); ++i)
    if (m.field(i).number() == number) out.push_back(&m.field(i));
  return out;
}

const UnknownField& One(const UnknownFieldSet& m, int number) {
  auto f = Fields(m, number);
  EXPECT_EQ(f.size(), 1u) << "field " << number;
  static const UnknownFieldSet kEmpty;
  return f.empty() ? kEmpty.field(0) : *f[0];
}

// A message field, parsed (kept until the test ends: sets cannot be copied).
const UnknownFieldSet& Message(const UnknownField& f) {
  static std::deque<std::unique_ptr<UnknownFieldSet>> parsed;
  parsed.push_back(std::make_unique<UnknownFieldSet>());
  EXPECT_EQ(f.type(), UnknownField::TYPE_LENGTH_DELIMITED);
  EXPECT_TRUE(parsed.back()->ParseFromString(f.length_delimited()));
  return *parsed.back();
}

std::string Bytes(const UnknownFieldSet& m, int number) {
  return One(m, number).length_delimited();
}

std::string Hex(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

TEST(OtlpProtoTest, WritesTheTraceRequestFieldByField) {
  SpanData root;
  root.name = std::string(200, 'n');  // a length of two bytes
  root.trace_id = "1af7651916cd43dd8448eb211c80319c";
  root.span_id = "c7ad6b7169203331";
  UnknownFieldSet request;
  ASSERT_TRUE(request.ParseFromString(EncodeTraceRequestProto(
      {{"service.name", std::string("svc")}}, "1.2.3", {SampleServerSpan(), root})));
  const UnknownFieldSet& rs = Message(One(request, 1));
  const UnknownFieldSet& resource = Message(One(rs, 1));
  const UnknownFieldSet& kv = Message(One(resource, 1));
  EXPECT_EQ(Bytes(kv, 1), "service.name");
  EXPECT_EQ(Bytes(Message(One(kv, 2)), 1), "svc");
  const UnknownFieldSet& ss = Message(One(rs, 2));
  const UnknownFieldSet& scope = Message(One(ss, 1));
  EXPECT_EQ(Bytes(scope, 1), "pyfn-host");
  EXPECT_EQ(Bytes(scope, 2), "1.2.3");
  auto spans = Fields(ss, 2);
  ASSERT_EQ(spans.size(), 2u);

  const UnknownFieldSet& a = Message(*spans[0]);
  EXPECT_EQ(Hex(Bytes(a, 1)), "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(Hex(Bytes(a, 2)), "b7ad6b7169203331");
  EXPECT_EQ(Bytes(a, 3), "a=1");
  EXPECT_EQ(Hex(Bytes(a, 4)), "00f067aa0ba902b7");
  EXPECT_EQ(Bytes(a, 5), "GET");
  EXPECT_EQ(One(a, 6).varint(), 2u);
  EXPECT_EQ(One(a, 7).fixed64(), 1700000000000000001ULL);
  EXPECT_EQ(One(a, 8).fixed64(), 1700000000000000002ULL);
  auto attrs = Fields(a, 9);
  ASSERT_EQ(attrs.size(), 5u);
  const UnknownFieldSet& method = Message(*attrs[0]);
  EXPECT_EQ(Bytes(method, 1), "http.request.method");
  EXPECT_EQ(Bytes(Message(One(method, 2)), 1), "GET");
  EXPECT_EQ(One(Message(One(Message(*attrs[1]), 2)), 3).varint(), 200u);
  EXPECT_EQ(static_cast<int64_t>(One(Message(One(Message(*attrs[2]), 2)), 3).varint()), -1);
  EXPECT_EQ(One(Message(One(Message(*attrs[3]), 2)), 2).varint(), 1u);
  uint64_t bits = One(Message(One(Message(*attrs[4]), 2)), 4).fixed64();
  double d;
  std::memcpy(&d, &bits, 8);
  EXPECT_EQ(d, 0.5);
  EXPECT_TRUE(Fields(a, 10).empty()) << "no attribute was dropped";
  const UnknownFieldSet& status = Message(One(a, 15));
  EXPECT_EQ(Bytes(status, 2), "HTTP 500");
  EXPECT_EQ(One(status, 3).varint(), 2u);

  const UnknownFieldSet& b = Message(*spans[1]);
  EXPECT_TRUE(Fields(b, 3).empty());
  EXPECT_TRUE(Fields(b, 4).empty()) << "a root span has no parent";
  EXPECT_EQ(Bytes(b, 5), std::string(200, 'n'));
  EXPECT_EQ(One(b, 6).varint(), 1u);
  EXPECT_EQ(Message(One(b, 15)).field_count(), 0) << "status unset: an empty Status";
}

TEST(OtlpProtoTest, ReplacesBytesThatAreNotUtf8AndCountsDroppedAttributes) {
  SpanData s = SampleServerSpan();
  s.name = std::string("bad\xff \xc3\xa9");
  static const char* const kKeys[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  for (const char* key : kKeys) s.attributes.Set(key, std::string("v\xfe"));
  UnknownFieldSet request;
  ASSERT_TRUE(request.ParseFromString(EncodeTraceRequestProto({}, "1", {s})));
  const UnknownFieldSet& span = Message(One(Message(One(Message(One(request, 1)), 2)), 2));
  EXPECT_EQ(Bytes(span, 5), "bad\xEF\xBF\xBD \xc3\xa9");
  auto attrs = Fields(span, 9);
  ASSERT_EQ(attrs.size(), SpanAttributes::kCapacity);
  EXPECT_EQ(Bytes(Message(One(Message(*attrs.back()), 2)), 1), "v\xEF\xBF\xBD");
  EXPECT_EQ(One(span, 10).varint(), 5 + sizeof kKeys / sizeof kKeys[0] - SpanAttributes::kCapacity);
}

}  // namespace
}  // namespace telemetry
}  // namespace pyfn
