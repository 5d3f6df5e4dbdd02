#include "args.h"

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace pyfn {

namespace {

Status ParseInt(const std::string& flag, const std::string& text, int* out) {
  if (text.empty()) return Status::Error("argument " + flag + ": expected an integer, got ''");
  errno = 0;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < INT_MIN || v > INT_MAX) {
    return Status::Error("argument " + flag + ": expected an integer, got '" + text + "'");
  }
  *out = static_cast<int>(v);
  return Status::OK();
}

}  // namespace

std::string WorkerArgs::Target() const {
  if (host.find(':') != std::string::npos && host.front() != '[') {
    return "[" + host + "]:" + std::to_string(port);  // bare IPv6 literal
  }
  return host + ":" + std::to_string(port);
}

Status ParseUri(const std::string& uri, std::string* host, int* port) {
  std::string rest = uri;
  size_t scheme = rest.find("://");
  if (scheme != std::string::npos) rest = rest.substr(scheme + 3);
  size_t slash = rest.find('/');
  if (slash != std::string::npos) rest = rest.substr(0, slash);
  size_t colon = rest.rfind(':');
  size_t bracket = rest.rfind(']');
  if (colon == std::string::npos || (bracket != std::string::npos && colon < bracket)) {
    return Status::Error("--functions-uri '" + uri + "' has no port");
  }
  std::string h = rest.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  if (h.empty()) return Status::Error("--functions-uri '" + uri + "' has no host");
  int p = 0;
  Status s = ParseInt("--functions-uri", rest.substr(colon + 1), &p);
  if (!s.ok() || p <= 0 || p > 65535) {
    return Status::Error("--functions-uri '" + uri + "' has a bad port");
  }
  *host = h;
  *port = p;
  return Status::OK();
}

Status ParseWorkerArgs(const std::vector<std::string>& args, WorkerArgs* out) {
  *out = WorkerArgs();
  std::string classic_host, uri_host, classic_id, new_id, classic_req, new_req;
  int classic_port = 0, uri_port = 0, classic_max = -1, new_max = -1;
  bool have_classic_max = false, have_new_max = false;

  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool inline_value = false;
    if (flag.rfind("--", 0) == 0) {
      size_t eq = flag.find('=');
      if (eq != std::string::npos) {
        value = flag.substr(eq + 1);
        flag = flag.substr(0, eq);
        inline_value = true;
      }
    }
    if (flag == "--version") { out->version = true; continue; }
    if (flag == "--help" || flag == "-h") { out->help = true; continue; }

    static const char* const kValued[] = {
        "--host", "--port", "--workerId", "--requestId", "--grpcMaxMessageLength",
        "--functions-uri", "--functions-worker-id", "--functions-request-id",
        "--functions-grpc-max-message-length"};
    bool known = false;
    for (const char* k : kValued) known = known || flag == k;
    if (!known) {
      return Status::Error("unknown argument '" + args[i] + "' (see --help)");
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) return Status::Error("argument " + flag + " needs a value");
      value = args[++i];
    }

    Status s;
    if (flag == "--host") {
      classic_host = value;
    } else if (flag == "--port") {
      s = ParseInt(flag, value, &classic_port);
      if (s.ok() && (classic_port <= 0 || classic_port > 65535))
        s = Status::Error("argument --port: '" + value + "' is not a TCP port");
    } else if (flag == "--workerId") {
      classic_id = value;
    } else if (flag == "--requestId") {
      classic_req = value;
    } else if (flag == "--grpcMaxMessageLength") {
      s = ParseInt(flag, value, &classic_max);
      have_classic_max = true;
    } else if (flag == "--functions-uri") {
      s = ParseUri(value, &uri_host, &uri_port);
    } else if (flag == "--functions-worker-id") {
      new_id = value;
    } else if (flag == "--functions-request-id") {
      new_req = value;
    } else if (flag == "--functions-grpc-max-message-length") {
      s = ParseInt(flag, value, &new_max);
      have_new_max = true;
    }
    if (!s.ok()) return s;
  }

  out->host = !uri_host.empty() ? uri_host : classic_host;
  out->port = uri_port != 0 ? uri_port : classic_port;
  out->worker_id = !new_id.empty() ? new_id : classic_id;
  out->request_id = !new_req.empty() ? new_req : classic_req;
  if (have_new_max) out->max_message_length = new_max;
  else if (have_classic_max) out->max_message_length = classic_max;

  if (out->version || out->help) return Status::OK();
  if (out->host.empty() && out->port != 0) out->host = "127.0.0.1";
  if (out->port == 0) return Status::Error("missing --port (or --functions-uri)");
  if (out->worker_id.empty()) {
    return Status::Error("missing --workerId (or --functions-worker-id)");
  }
  return Status::OK();
}

const char* WorkerUsage() {
  return "usage: pyfn-worker --host H --port P --workerId W [--requestId R]\n"
         "                   [--grpcMaxMessageLength N]\n"
         "       pyfn-worker --functions-uri http://H:P/ --functions-worker-id W\n"
         "                   [--functions-request-id R] [--functions-grpc-max-message-length N]\n"
         "       pyfn-worker --version\n"
         "Both spellings may be given together (the --functions-* ones win).\n"
         "Environment: PYFN_PYTHON_DIR (the worker's Python directory),\n"
         "PYTHON_THREADPOOL_THREAD_COUNT, PYTHON_ENABLE_WORKER_EXTENSIONS,\n"
         "PYTHON_ISOLATE_WORKER_DEPENDENCIES, PYTHON_SCRIPT_FILE_NAME.\n";
}

}  // namespace pyfn
