// W3C trace context (https://www.w3.org/TR/trace-context/) and random ids.
#ifndef PYFN_HOST_TRACE_CONTEXT_H_
#define PYFN_HOST_TRACE_CONTEXT_H_

#include <string>

namespace pyfn {

// True for "00-<32 hex>-<16 hex>-<2 hex>" with non-zero trace and parent ids
// (lower-case hex, version not "ff"); future versions may append "-...".
bool IsValidTraceparent(const std::string& tp);

// A new "00-<trace id>-<span id>-01" with random ids.
std::string NewTraceparent();

// The traceparent to pass on: `incoming` when valid, else a new one.
std::string ContinueTraceparent(const std::string& incoming);

// A random (version 4) UUID in lower-case 8-4-4-4-12 form.
std::string NewUuid();

// n random lower-case hex digits.
std::string RandomHex(size_t n);
// n random lower-case hex digits into out[0..n) (a per-thread generator).
void FillRandomHex(char* out, size_t n);

}  // namespace pyfn

#endif  // PYFN_HOST_TRACE_CONTEXT_H_
