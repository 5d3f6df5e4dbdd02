// pyfn-worker: connects to the host's FunctionRpc stream and runs the Python side
// (pyfn_worker.main) in an embedded CPython.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "args.h"
#include "pyfn_module.h"
#include "rpc_stream.h"

namespace {

std::string ExeDir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string path(buf, n);
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string PythonDir() {
  const char* env = std::getenv("PYFN_PYTHON_DIR");
  if (env != nullptr && *env != '\0') return env;
  return ExeDir() + "/../lib/pyfn/python";
}

void SetSignalsBlocked(bool blocked) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) sigaddset(&set, sig);
  pthread_sigmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &set, nullptr);
}

// Initialises the interpreter. Returns false (with a message on stderr) on failure.
bool InitPython(const std::vector<std::string>& argv) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.parse_argv = 0;  // our --host/--port are not Python options
#ifdef PYFN_PYTHON_EXECUTABLE
  // Lets getpath find Debian's stdlib even when PATH's python3 is another one.
  if (access(PYFN_PYTHON_EXECUTABLE, X_OK) == 0) {
    PyConfig_SetBytesString(&config, &config.program_name, PYFN_PYTHON_EXECUTABLE);
  }
#endif
  std::vector<char*> raw;
  raw.reserve(argv.size());
  for (const std::string& a : argv) raw.push_back(const_cast<char*>(a.c_str()));
  PyStatus status = PyConfig_SetBytesArgv(&config, static_cast<Py_ssize_t>(raw.size()), raw.data());
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    std::fprintf(stderr, "pyfn-worker: cannot initialise Python: %s\n",
                 status.err_msg ? status.err_msg : "unknown error");
    return false;
  }
  return true;
}

// Runs pyfn_worker.main.main(options). Returns the process exit code.
int RunPython(const std::string& python_dir, const pyfn::WorkerArgs& args) {
  PyObject* sys_path = PySys_GetObject("path");  // borrowed
  PyObject* dir = PyUnicode_DecodeFSDefault(python_dir.c_str());
  if (sys_path == nullptr || dir == nullptr || PyList_Insert(sys_path, 0, dir) != 0) {
    Py_XDECREF(dir);
    PyErr_Print();
    return 1;
  }
  Py_DECREF(dir);
  PyObject* module = PyImport_ImportModule("pyfn_worker.main");
  if (module == nullptr) {
    std::fprintf(stderr, "pyfn-worker: cannot import pyfn_worker from %s\n", python_dir.c_str());
    PyErr_Print();
    return 1;
  }
  PyObject* options = Py_BuildValue(
      "{s:s, s:s, s:i, s:s, s:s, s:i, s:s}", "host", args.host.c_str(), "target",
      args.Target().c_str(), "port", args.port, "worker_id", args.worker_id.c_str(),
      "request_id", args.request_id.c_str(), "max_message_length", args.max_message_length,
      "python_dir", python_dir.c_str());
  PyObject* result = PyObject_CallMethod(module, "main", "O", options);
  Py_XDECREF(options);
  Py_DECREF(module);
  int code = 0;
  if (result == nullptr) {
    if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
      code = 0;
      PyObject *type, *value, *tb;
      PyErr_Fetch(&type, &value, &tb);
      PyErr_NormalizeException(&type, &value, &tb);
      PyObject* c = value ? PyObject_GetAttrString(value, "code") : nullptr;
      if (c != nullptr && PyLong_Check(c)) code = static_cast<int>(PyLong_AsLong(c));
      else if (c != nullptr && c != Py_None) code = 1;
      Py_XDECREF(c);
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(tb);
      PyErr_Clear();
    } else {
      PyErr_Print();
      code = 1;
    }
  } else {
    if (PyLong_Check(result)) code = static_cast<int>(PyLong_AsLong(result));
    Py_DECREF(result);
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  pyfn::WorkerArgs parsed;
  pyfn::Status s = pyfn::ParseWorkerArgs(args, &parsed);
  if (!s.ok()) {
    std::fprintf(stderr, "pyfn-worker: %s\n%s", s.message().c_str(), pyfn::WorkerUsage());
    return 2;
  }
  if (parsed.help) {
    std::fputs(pyfn::WorkerUsage(), stdout);
    return 0;
  }
  if (parsed.version) {
    std::printf("pyfn-worker %s (Python %s)\n", PYFN_VERSION, PY_VERSION);
    return 0;
  }

  // gRPC's threads must never take SIGINT/SIGTERM: Python handles them on the
  // main thread. Threads inherit the mask, so block before gRPC starts any.
  SetSignalsBlocked(true);
  pyfn::RpcStream stream;
  s = stream.Open(parsed.Target(), parsed.worker_id, parsed.max_message_length,
                  std::chrono::seconds(30));
  if (!s.ok()) {
    std::fprintf(stderr, "pyfn-worker: %s\n", s.message().c_str());
    return 1;
  }
  SetSignalsBlocked(false);

  pyfn::RegisterPyfnModule(&stream);
  std::vector<std::string> py_argv = {argv[0]};
  py_argv.insert(py_argv.end(), args.begin(), args.end());
  if (!InitPython(py_argv)) return 1;
  int code = RunPython(PythonDir(), parsed);

  // Python flushed its streams in pyfn_worker.main; send what is queued and leave
  // without Py_Finalize, which would wait for pool threads still running user code.
  std::fflush(stdout);
  std::fflush(stderr);
  stream.Close(std::chrono::seconds(5));
  _exit(code);
}
