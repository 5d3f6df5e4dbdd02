// Encodings and primitives the storage protocol needs: base64, HMAC-SHA256,
// percent-encoding, RFC 1123 / ISO 8601 dates, random GUIDs. OpenSSL is used
// only here.
#ifndef PYFN_HOST_STORAGE_ENCODING_H_
#define PYFN_HOST_STORAGE_ENCODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace pyfn {
namespace storage {

// Standard base64 with padding.
std::string Base64Encode(std::string_view data);
// Strict standard base64: length a multiple of 4, '=' only as padding, no
// whitespace. Returns false (and leaves *out unspecified) on bad input.
bool Base64Decode(std::string_view text, std::string* out);

// Raw 32-byte HMAC-SHA256 of data under key.
std::string HmacSha256(std::string_view key, std::string_view data);

// Percent-encodes everything but RFC 3986 unreserved characters
// (A-Z a-z 0-9 - . _ ~); '/' is kept as is when keep_slash.
std::string UrlEncode(std::string_view s, bool keep_slash = false);
// Decodes %XX escapes; '+' stays '+' (Azure treats query '+' literally only
// after encoding, so callers encode spaces as %20).
std::string UrlDecode(std::string_view s);

// "Sun, 06 Nov 1994 08:49:37 GMT" for a Unix time (UTC).
std::string FormatRfc1123(int64_t unix_seconds);
// Parses the RFC 1123 form above; false on anything else.
bool ParseRfc1123(std::string_view text, int64_t* unix_seconds);
// "1994-11-06T08:49:37Z".
std::string FormatIso8601(int64_t unix_seconds);

// Civil-date helpers (proleptic Gregorian, UTC), after H. Hinnant's
// days_from_civil: days since 1970-01-01 and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

// A random (version 4) GUID in lower-case 8-4-4-4-12 form.
std::string NewGuid();

// ASCII-lowercase copy.
std::string ToLower(std::string_view s);
// Case-insensitive ASCII equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_ENCODING_H_
