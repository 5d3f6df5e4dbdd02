// Host's bookkeeping for streaming HTTP (host_streaming.cc): the streamed
// requests whose invocations were started and whose worker is not known yet.
// Included by host.cc only (Host::streams_ needs the complete type).
#ifndef PYFN_HOST_HOST_STREAMING_H_
#define PYFN_HOST_HOST_STREAMING_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "host/common/thread_annotations.h"
#include "host/host.h"
#include "host/http/http_stream.h"

namespace pyfn {

struct Host::PendingStreams {
  struct Entry {
    HttpRequest head;
    std::shared_ptr<HttpStream> stream;
    std::function<void(HttpResponse*)> decorate;  // CORS; may be empty
  };
  pyfn::Mutex mu;
  std::map<std::string, Entry> by_invocation PYFN_GUARDED_BY(mu);
};

}  // namespace pyfn

#endif  // PYFN_HOST_HOST_STREAMING_H_
