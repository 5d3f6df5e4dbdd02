// Child processes (after ninja's Subprocess): posix_spawn with every return
// checked, the child in its own process group, stdin from /dev/null, stdout and
// stderr on pipes that a pump thread turns into lines.
//
// Reaping is NOT done here: the owner calls ReapChildren() (waitpid(-1)) from
// one place, because pyfn-host may be PID 1 in a container and must reap
// orphans it never spawned too. Thread safety: a Subprocess is used by one
// owner; the line callback runs on the pump thread.
#ifndef PYFN_HOST_SUBPROCESS_H_
#define PYFN_HOST_SUBPROCESS_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "host/common/status.h"

namespace pyfn {

class Subprocess {
 public:
  // stream: 1 = stdout, 2 = stderr. Called once per line (without '\n'), and
  // for a last unterminated line at EOF.
  using LineCallback = std::function<void(int stream, const std::string& line)>;

  struct Options {
    std::vector<std::string> argv;  // argv[0] is the program
    std::vector<std::string> env;   // "K=V"; the child's whole environment
    bool search_path = false;       // argv[0] without '/' is looked up in PATH
    // The child's working directory; empty: the parent's. A relative argv[0]
    // is then resolved against this directory, so callers pass absolute paths.
    std::string working_directory;
  };

  // Starts the child. On failure nothing is left running and the Status names
  // the program and the errno.
  static Status Spawn(const Options& opts, LineCallback on_line, std::unique_ptr<Subprocess>* out);

  // Stops the pump thread (after reading what is already buffered) and closes
  // the pipes. Does not kill or wait for the child.
  ~Subprocess();

  pid_t pid() const { return pid_; }
  // kill(-pgid, sig): the whole process group. ESRCH is not an error.
  Status SignalGroup(int sig) const;

 private:
  Subprocess() = default;
  void Pump();

  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  int stop_fds_[2] = {-1, -1};
  LineCallback on_line_;
  std::thread pump_;
};

// Reaps every exited child (waitpid(-1, WNOHANG), retried on EINTR) and calls
// on_exit(pid, wait_status) for each. Returns how many were reaped.
int ReapChildren(const std::function<void(pid_t, int)>& on_exit);

// "exited with code 1", "was killed by signal 9 (Killed)".
std::string DescribeWaitStatus(int wait_status);

// The current process's environment as "K=V" strings.
std::vector<std::string> CurrentEnvironment();

}  // namespace pyfn

#endif  // PYFN_HOST_SUBPROCESS_H_
