// Spans as the host records them, and W3C trace context parsing.
//
// A SpanContext is what travels (traceparent/tracestate); a SpanData is one
// finished span as the exporter sends it (OTLP's Span message, in the host's
// own plain form). Ids are lower-case hex, as OTLP/JSON writes them, kept in
// place (HexId): making, copying and ending a span allocates no id.
#ifndef PYFN_HOST_TELEMETRY_SPAN_H_
#define PYFN_HOST_TELEMETRY_SPAN_H_

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <new>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace pyfn {
namespace telemetry {

// Up to N characters (an id's N hex digits) in place; empty when unset.
template <size_t N>
class HexId {
 public:
  HexId() = default;
  HexId& operator=(std::string_view s) {
    size_ = static_cast<uint8_t>(s.size() < N ? s.size() : N);
    std::memcpy(data_, s.data(), size_);
    return *this;
  }
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  const char* data() const { return data_; }
  char* mutable_data() { return data_; }  // N characters; then set_full()
  void set_full() { size_ = N; }
  std::string_view view() const { return std::string_view(data_, size_); }
  operator std::string_view() const { return view(); }
  std::string str() const { return std::string(data_, size_); }
  operator std::string() const { return str(); }

  friend bool operator==(const HexId& a, const HexId& b) { return a.view() == b.view(); }
  friend bool operator!=(const HexId& a, const HexId& b) { return !(a == b); }
  friend bool operator==(const HexId& a, std::string_view b) { return a.view() == b; }
  friend bool operator!=(const HexId& a, std::string_view b) { return a.view() != b; }
  friend bool operator==(std::string_view a, const HexId& b) { return a == b.view(); }
  friend bool operator!=(std::string_view a, const HexId& b) { return a != b.view(); }
  friend std::ostream& operator<<(std::ostream& o, const HexId& id) { return o << id.view(); }

 private:
  char data_[N] = {};
  uint8_t size_ = 0;
};
using TraceId = HexId<32>;
using SpanId = HexId<16>;

struct SpanContext {
  TraceId trace_id;         // 32 hex digits; empty: no context
  SpanId span_id;           // 16 hex digits
  bool sampled = false;     // trace-flags bit 0
  std::string trace_state;  // tracestate as received, "" when none
  bool remote = false;      // parsed from a traceparent (not made here)

  bool valid() const { return !trace_id.empty(); }
  // "00-<trace id>-<span id>-01|00".
  std::string Traceparent() const;
  // The same into *out (its buffer reused).
  void WriteTraceparent(std::string* out) const;
};

// Parses a traceparent (W3C Trace Context level 1: version 00, or a later
// version's first four fields). False, leaving *out alone, for anything
// invalid (all-zero ids, upper-case hex, version ff, wrong lengths).
bool ParseTraceparent(const std::string& traceparent, const std::string& tracestate,
                      SpanContext* out);

TraceId NewTraceId();  // 32 random hex digits, not all zero
SpanId NewSpanId();    // 16 random hex digits, not all zero

// OTLP's Span.SpanKind numbers.
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };
// OTLP's Status.StatusCode numbers.
enum class StatusCode { kUnset = 0, kOk = 1, kError = 2 };

using AttributeValue = std::variant<std::string, int64_t, bool, double>;
using Attributes = std::vector<std::pair<std::string, AttributeValue>>;
// A span's attributes, in place: recording a span allocates no array for them.
// Their keys are the semantic conventions' names, string literals (static
// storage), so recording one copies no key; they are ASCII without '"', '\\'
// or control characters (the encoders write them as they are). Up to
// kCapacity attributes (the host's spans carry at most 8; 10 keeps an
// ActiveSpan within glibc's per-thread cache of small blocks, 1 KB); more are
// dropped and counted, as the SDK's attribute count limit does (OTLP's
// droppedAttributesCount).
class SpanAttributes {
 public:
  using value_type = std::pair<std::string_view, AttributeValue>;
  static constexpr size_t kCapacity = 10;

  SpanAttributes() = default;
  SpanAttributes(std::initializer_list<value_type> items) {
    for (const value_type& kv : items) Set(kv.first, kv.second);
  }
  SpanAttributes(const SpanAttributes& o) { CopyFrom(o); }
  SpanAttributes(SpanAttributes&& o) noexcept { MoveFrom(&o); }
  SpanAttributes& operator=(const SpanAttributes& o) {
    if (this != &o) {
      clear();
      CopyFrom(o);
    }
    return *this;
  }
  SpanAttributes& operator=(SpanAttributes&& o) noexcept {
    if (this != &o) {
      clear();
      MoveFrom(&o);
    }
    return *this;
  }
  ~SpanAttributes() { clear(); }

  // Sets `key` to `value`: replaces the value of a key already set, else adds
  // it (or, when full, counts it dropped).
  void Set(std::string_view key, AttributeValue value) {
    for (value_type& kv : *this)
      if (kv.first == key) {
        kv.second = std::move(value);
        return;
      }
    if (size_ == kCapacity) {
      ++dropped_;
      return;
    }
    Append(key, std::move(value));
  }

  const value_type* begin() const { return items(); }
  const value_type* end() const { return items() + size_; }
  value_type* begin() { return items(); }
  value_type* end() { return items() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint32_t dropped() const { return dropped_; }
  void clear() {
    for (value_type& kv : *this) kv.~value_type();
    size_ = 0;
    dropped_ = 0;
  }

 private:
  void Append(std::string_view key, AttributeValue&& value) {
    new (&items()[size_]) value_type(key, std::move(value));
    ++size_;
  }
  void CopyFrom(const SpanAttributes& o) {
    for (const value_type& kv : o) Append(kv.first, AttributeValue(kv.second));
    dropped_ = o.dropped_;
  }
  void MoveFrom(SpanAttributes* o) {
    for (value_type& kv : *o) Append(kv.first, std::move(kv.second));
    dropped_ = o->dropped_;
    o->clear();
  }
  value_type* items() { return std::launder(reinterpret_cast<value_type*>(storage_)); }
  const value_type* items() const {
    return std::launder(reinterpret_cast<const value_type*>(storage_));
  }

  alignas(value_type) unsigned char storage_[kCapacity * sizeof(value_type)];
  uint8_t size_ = 0;
  uint32_t dropped_ = 0;
};

struct SpanData {
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  TraceId trace_id;
  SpanId span_id;
  SpanId parent_span_id;  // empty for a root span
  std::string trace_state;
  uint64_t start_unix_nano = 0;
  uint64_t end_unix_nano = 0;
  SpanAttributes attributes;
  StatusCode status = StatusCode::kUnset;
  std::string status_message;
};

// Nanoseconds since the Unix epoch, from the system clock.
uint64_t NowUnixNano();

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_SPAN_H_
