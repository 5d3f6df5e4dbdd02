#include "host/workers/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace pyfn {
namespace {

void CloseFd(int* fd) {
  if (*fd >= 0) {
    ::close(*fd);
    *fd = -1;
  }
}

// Owns posix_spawn attributes / file actions and destroys them on scope exit.
struct SpawnState {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  bool attr_ok = false, actions_ok = false;
  ~SpawnState() {
    if (attr_ok) posix_spawnattr_destroy(&attr);
    if (actions_ok) posix_spawn_file_actions_destroy(&actions);
  }
};

}  // namespace

Status Subprocess::Spawn(const Options& opts, LineCallback on_line,
                         std::unique_ptr<Subprocess>* out) {
  if (opts.argv.empty()) return Status::InvalidArgument("Spawn: empty argv");
  const std::string& prog = opts.argv[0];
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return Status::FromErrno("pipe", errno);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    int e = errno;
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return Status::FromErrno("pipe", e);
  }
  auto close_all = [&] {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
  };

  SpawnState st;
  int rc;
  if ((rc = posix_spawnattr_init(&st.attr)) != 0) {
    close_all();
    return Status::FromErrno("posix_spawnattr_init", rc);
  }
  st.attr_ok = true;
  if ((rc = posix_spawn_file_actions_init(&st.actions)) != 0) {
    close_all();
    return Status::FromErrno("posix_spawn_file_actions_init", rc);
  }
  st.actions_ok = true;

  // Own process group (so the host can signal the worker and its children
  // together), no blocked signals, default dispositions for the signals the
  // host blocks or ignores.
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGCHLD, SIGHUP, SIGQUIT}) sigaddset(&defaults, s);
  short flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if ((rc = posix_spawnattr_setflags(&st.attr, flags)) != 0 ||
      (rc = posix_spawnattr_setpgroup(&st.attr, 0)) != 0 ||
      (rc = posix_spawnattr_setsigmask(&st.attr, &empty)) != 0 ||
      (rc = posix_spawnattr_setsigdefault(&st.attr, &defaults)) != 0) {
    close_all();
    return Status::FromErrno("posix_spawnattr", rc);
  }
  if ((rc = posix_spawn_file_actions_addopen(&st.actions, 0, "/dev/null", O_RDONLY, 0)) != 0 ||
      (rc = posix_spawn_file_actions_adddup2(&st.actions, out_pipe[1], 1)) != 0 ||
      (rc = posix_spawn_file_actions_adddup2(&st.actions, err_pipe[1], 2)) != 0) {
    close_all();
    return Status::FromErrno("posix_spawn_file_actions", rc);
  }
  if (!opts.working_directory.empty()) {
    // The chdir happens in the child, where its failure would read as "cannot
    // start <program>"; check here so the error names the directory.
    if (::access(opts.working_directory.c_str(), X_OK) != 0) {
      int e = errno;
      close_all();
      return Status::FromErrno("working directory " + opts.working_directory, e);
    }
    if ((rc = posix_spawn_file_actions_addchdir_np(&st.actions,
                                                   opts.working_directory.c_str())) != 0) {
      close_all();
      return Status::FromErrno("posix_spawn_file_actions_addchdir_np", rc);
    }
  }

  std::vector<char*> argv, envp;
  for (const auto& a : opts.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : opts.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid;
  bool use_path = opts.search_path && prog.find('/') == std::string::npos;
  rc = use_path ? posix_spawnp(&pid, prog.c_str(), &st.actions, &st.attr, argv.data(), envp.data())
                : posix_spawn(&pid, prog.c_str(), &st.actions, &st.attr, argv.data(), envp.data());
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return Status::FromErrno("cannot start " + prog, rc);
  }

  std::unique_ptr<Subprocess> p(new Subprocess());
  p->pid_ = pid;
  p->out_fd_ = out_pipe[0];
  p->err_fd_ = err_pipe[0];
  p->on_line_ = std::move(on_line);
  if (::pipe2(p->stop_fds_, O_CLOEXEC) != 0) {
    // The child runs; without a stop pipe the pump could not be stopped, so
    // run without forwarding rather than fail the spawn.
    p->stop_fds_[0] = p->stop_fds_[1] = -1;
  }
  p->pump_ = std::thread([raw = p.get()] { raw->Pump(); });
  *out = std::move(p);
  return Status::OK();
}

Subprocess::~Subprocess() {
  if (stop_fds_[1] >= 0) {
    char c = 0;
    ssize_t n;
    do n = ::write(stop_fds_[1], &c, 1);
    while (n < 0 && errno == EINTR);
  }
  if (pump_.joinable()) pump_.join();
  CloseFd(&out_fd_);
  CloseFd(&err_fd_);
  CloseFd(&stop_fds_[0]);
  CloseFd(&stop_fds_[1]);
}

Status Subprocess::SignalGroup(int sig) const {
  if (pid_ <= 0) return Status::OK();
  if (::kill(-pid_, sig) != 0 && errno != ESRCH) {
    // The group may not exist yet if the child has not run setpgid (posix_spawn
    // does it before exec, so this is rare); fall back to the process.
    if (::kill(pid_, sig) != 0 && errno != ESRCH) return Status::FromErrno("kill", errno);
  }
  return Status::OK();
}

void Subprocess::Pump() {
  std::string buf[3];
  int fds[2] = {out_fd_, err_fd_};
  bool open[2] = {true, true};
  auto flush = [&](int stream, bool all) {
    std::string& b = buf[stream];
    size_t start = 0, nl;
    while ((nl = b.find('\n', start)) != std::string::npos) {
      std::string line = b.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (on_line_) on_line_(stream, line);
      start = nl + 1;
    }
    b.erase(0, start);
    if (all && !b.empty()) {
      if (on_line_) on_line_(stream, b);
      b.clear();
    }
  };
  while (open[0] || open[1]) {
    struct pollfd pfd[3];
    int n = 0;
    int idx[3];
    for (int i = 0; i < 2; ++i)
      if (open[i]) {
        pfd[n] = {fds[i], POLLIN, 0};
        idx[n++] = i;
      }
    bool stopping = false;
    if (stop_fds_[0] >= 0) {
      pfd[n] = {stop_fds_[0], POLLIN, 0};
      idx[n++] = 2;
    }
    int rc = ::poll(pfd, n, -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < n; ++k) {
      if (!pfd[k].revents) continue;
      if (idx[k] == 2) {
        stopping = true;
        continue;
      }
      int i = idx[k];
      char tmp[4096];
      ssize_t got = ::read(fds[i], tmp, sizeof tmp);
      if (got > 0) {
        buf[i + 1].append(tmp, static_cast<size_t>(got));
        flush(i + 1, false);
        // Guard against a child printing megabytes without a newline.
        if (buf[i + 1].size() > 64 * 1024) flush(i + 1, true);
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        open[i] = false;
        flush(i + 1, true);
      }
    }
    if (stopping) {
      // Drain what is readable right now, then stop: a grandchild may hold
      // the pipe open forever.
      for (int i = 0; i < 2; ++i) {
        if (!open[i]) continue;
        int fl = ::fcntl(fds[i], F_GETFL);
        if (fl >= 0) ::fcntl(fds[i], F_SETFL, fl | O_NONBLOCK);
        char tmp[4096];
        ssize_t got;
        while ((got = ::read(fds[i], tmp, sizeof tmp)) > 0)
          buf[i + 1].append(tmp, static_cast<size_t>(got));
        flush(i + 1, true);
      }
      break;
    }
  }
}

int ReapChildren(const std::function<void(pid_t, int)>& on_exit) {
  int count = 0;
  while (true) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      ++count;
      if (on_exit) on_exit(pid, status);
      continue;
    }
    if (pid < 0 && errno == EINTR) continue;
    break;  // 0: none exited; -1 ECHILD: no children
  }
  return count;
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return "exited with code " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status))
    return "was killed by signal " + std::to_string(WTERMSIG(wait_status)) + " (" +
           ::strsignal(WTERMSIG(wait_status)) + ")";
  return "stopped (status " + std::to_string(wait_status) + ")";
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

}  // namespace pyfn
