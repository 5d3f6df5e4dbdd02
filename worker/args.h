// Command-line arguments of pyfn-worker.
//
// The host launches a language worker with two spellings of the same facts (see
// docs/internals.md): the classic `--host --port --workerId --requestId
// --grpcMaxMessageLength` and the newer `--functions-uri --functions-worker-id
// --functions-request-id --functions-grpc-max-message-length`. Either set may come
// alone or both together; when both come, the newer one wins where they disagree.
// `--flag value` and `--flag=value` are both accepted.
#ifndef PYFN_WORKER_ARGS_H_
#define PYFN_WORKER_ARGS_H_

#include <string>
#include <vector>

#include "status.h"

namespace pyfn {

struct WorkerArgs {
  std::string host;         // e.g. "127.0.0.1"
  int port = 0;             // 0 = not given
  std::string worker_id;
  std::string request_id;
  int max_message_length = -1;  // -1 = gRPC's default
  bool version = false;     // --version: print and exit
  bool help = false;        // --help: print usage and exit

  // "host:port" for grpc::CreateChannel.
  std::string Target() const;
};

// Parses argv[1..]. On failure returns an error naming the bad argument; *out is
// then unspecified. Unless --version or --help is given, host, port and worker id
// are required.
Status ParseWorkerArgs(const std::vector<std::string>& args, WorkerArgs* out);

// Splits "http://127.0.0.1:5000/" (or "127.0.0.1:5000", "[::1]:5000") into host and
// port. Returns an error if no port is present.
Status ParseUri(const std::string& uri, std::string* host, int* port);

const char* WorkerUsage();

}  // namespace pyfn

#endif  // PYFN_WORKER_ARGS_H_
