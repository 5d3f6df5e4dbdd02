// The OTLP/HTTP side both exporters share (span_exporter.h, metric_exporter.h):
// their own connection to the collector, and one POST of a request.
#ifndef PYFN_HOST_TELEMETRY_OTLP_HTTP_H_
#define PYFN_HOST_TELEMETRY_OTLP_HTTP_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "host/storage/http.h"

namespace pyfn {
namespace telemetry {

// A transport for one exporter: each request (connect included) bounded by
// `timeout`, at most `idle_connections` kept open between exports.
std::unique_ptr<storage::HttpTransport> NewOtlpTransport(std::chrono::milliseconds timeout,
                                                         size_t idle_connections);

// The Content-Type of OTLP/HTTP bodies.
inline constexpr char kOtlpJson[] = "application/json";
inline constexpr char kOtlpProtobuf[] = "application/x-protobuf";

// POSTs `body` (of `content_type`: kOtlpJson, kOtlpProtobuf) to `url` with the
// configured `headers`. True when the collector accepted it (2xx); else false
// with `error` saying why (the transport's error, or the status and the start
// of the collector's answer).
bool PostOtlp(storage::HttpTransport* transport, const std::string& url,
              const storage::HttpHeaders& headers, const char* content_type, std::string body,
              std::string* error);

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_OTLP_HTTP_H_
