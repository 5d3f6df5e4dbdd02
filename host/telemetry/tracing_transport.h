// TracingTransport: a CLIENT span for each storage request the host makes on
// behalf of an invocation (blob, queue and table bindings, Event Grid output).
//
// It wraps the storage layer's one network seam (storage::HttpTransport,
// under the retries, so each attempt is a span). A request is traced only
// while a span context is current on the calling thread (ScopedContext,
// BindContext: the invoker sets the invocation's); the host's background
// calls (trigger polling, timer locks, blob receipts, keys) have none, and
// requests to the host's own containers (paths with "/azure-webjobs-", as
// Azure filters them) are never traced. Nothing is added to the request.
//
// Span: name = the method; http.request.method, url.full (without the query,
// which may hold a SAS), server.address, server.port,
// http.response.status_code; status ERROR and error.type for a network
// error or a status >= 400.
#ifndef PYFN_HOST_TELEMETRY_TRACING_TRANSPORT_H_
#define PYFN_HOST_TELEMETRY_TRACING_TRANSPORT_H_

#include "host/storage/http.h"
#include "host/telemetry/tracer.h"

namespace pyfn {
namespace telemetry {

class TracingTransport : public storage::HttpTransport {
 public:
  // `inner` and `tracer` must outlive this object.
  TracingTransport(storage::HttpTransport* inner, Tracer* tracer)
      : inner_(inner), tracer_(tracer) {}
  storage::Status Send(const storage::HttpRequest& req, storage::HttpResponse* resp) override;

 private:
  storage::HttpTransport* const inner_;
  Tracer* const tracer_;
};

}  // namespace telemetry
}  // namespace pyfn

#endif  // PYFN_HOST_TELEMETRY_TRACING_TRANSPORT_H_
