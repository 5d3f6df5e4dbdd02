// Text that goes into the protocol's `string` fields.
//
// Protobuf `string` fields must hold valid UTF-8: a message with an invalid
// one cannot be parsed by the worker (ours or Azure's), so one bad byte from a
// client would end the worker's stream and every invocation on it. Every value
// the host copies from the network or from storage into a `string` field goes
// through one of these functions, each of which returns valid UTF-8 whatever it
// is given. What the host does per field (docs/internals.md, "Bytes that are
// not UTF-8"):
//   - request target and header values: rejected with 400 by the HTTP front
//     door when not valid UTF-8 (Kestrel answers 400 for non-ASCII bytes there);
//   - percent-decoded query names/values and route segments: escapes whose
//     bytes do not form UTF-8 stay escaped ("%FF" stays the three characters
//     "%FF"), as .NET's Uri.UnescapeDataString and Kestrel's path decoder do;
//   - storage text (queue message text, blob names, metadata, trigger
//     metadata): invalid sequences become U+FFFD, as .NET's Encoding.UTF8 does;
//     bodies go as `bytes` where the protocol allows it.
#ifndef PYFN_HOST_TEXT_ENCODING_H_
#define PYFN_HOST_TEXT_ENCODING_H_

#include <string>
#include <string_view>

namespace pyfn {

// Whether `s` is well-formed UTF-8 as protobuf checks it (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// `s` with every maximal ill-formed subsequence replaced by U+FFFD (the
// Unicode/WHATWG "maximal subpart" rule). Returns `s` unchanged when valid.
std::string ToValidUtf8(std::string_view s);
// The same in place: *s is left as is when it is valid UTF-8 (no copy).
void MakeValidUtf8(std::string* s);

// Percent-decodes `s` ('+' becomes a space when plus_is_space). Escaped bytes
// that do not form valid UTF-8 keep their escape text; raw bytes that are not
// valid UTF-8 become U+FFFD. The result is always valid UTF-8.
std::string PercentDecodeUtf8(std::string_view s, bool plus_is_space);

}  // namespace pyfn

#endif  // PYFN_HOST_TEXT_ENCODING_H_
