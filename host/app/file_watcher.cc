#include "host/app/file_watcher.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>

#include "host/common/strings.h"

namespace pyfn {
namespace {

constexpr uint32_t kFolderEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                   IN_DELETE | IN_ATTRIB | IN_DELETE_SELF | IN_ONLYDIR;

std::string Extension(const std::string& name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? std::string() : name.substr(dot);
}

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool IsUnwatchedFolder(const std::string& name) {
  return name.empty() || name[0] == '.' || name == "__pycache__";
}

bool IsAppChange(const FileWatchOptions& options, const std::string& relative_path,
                 bool is_directory) {
  size_t slash = relative_path.find('/');
  std::string top = relative_path.substr(0, slash);
  // Nothing inside an unwatched folder counts, whatever its name.
  for (size_t start = 0;;) {
    size_t end = relative_path.find('/', start);
    std::string part = relative_path.substr(start, end == std::string::npos ? end : end - start);
    bool last = end == std::string::npos;
    if ((!last || is_directory) && IsUnwatchedFolder(part)) return false;
    if (last) break;
    start = end + 1;
  }
  for (const auto& d : options.watch_directories)
    if (slash != std::string::npos && top == d) return true;
  if (is_directory) return slash == std::string::npos;  // a top-level folder
  std::string name = AsciiLower(BaseName(relative_path));
  for (const auto& f : options.watch_files)
    if (name == AsciiLower(f)) return true;
  std::string ext = AsciiLower(Extension(name));
  for (const auto& e : options.extensions)
    if (!ext.empty() && ext == AsciiLower(e)) return true;
  return false;
}

FileWatcher::FileWatcher(FileWatchOptions options, Callback on_change)
    : options_(std::move(options)), on_change_(std::move(on_change)) {}

FileWatcher::~FileWatcher() { Stop(); }

Status FileWatcher::Start() {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) return Status::FromErrno("inotify_init1", errno);
  if (::pipe2(stop_fds_, O_CLOEXEC | O_NONBLOCK) != 0) {
    int e = errno;
    ::close(fd_);
    fd_ = -1;
    return Status::FromErrno("pipe", e);
  }
  thread_ = std::thread([this] { Run(); });
  return Status::OK();
}

void FileWatcher::Stop() {
  if (thread_.joinable()) {
    char c = 0;
    ssize_t n;
    do n = ::write(stop_fds_[1], &c, 1);
    while (n < 0 && errno == EINTR);
    thread_.join();
  }
  for (int* fd : {&fd_, &stop_fds_[0], &stop_fds_[1]})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
}

int FileWatcher::watched_folders() const { return watched_.load(); }

void FileWatcher::AddTree(const std::string& dir) {
  int wd = ::inotify_add_watch(fd_, dir.c_str(), kFolderEvents);
  if (wd < 0) {
    if (errno == ENOSPC)
      spdlog::warn("File watching: the inotify watch limit is reached at {} (raise "
                   "fs.inotify.max_user_watches); changes below it are not seen",
                   dir);
    return;  // gone already, or unreadable: nothing to watch there
  }
  if (folders_.emplace(wd, dir).second) watched_.fetch_add(1);
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> subdirs;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || IsUnwatchedFolder(name)) continue;
    if (e->d_type == DT_DIR) subdirs.push_back(dir + "/" + name);  // symlinks are not followed
  }
  ::closedir(d);
  for (const auto& s : subdirs) AddTree(s);
}

void FileWatcher::ReadEvents(std::vector<FileChange>* pending) {
  alignas(struct inotify_event) char buf[16384];
  while (true) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n <= 0) return;  // EAGAIN: drained
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<struct inotify_event*>(p);
      p += sizeof(struct inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        pending->push_back({"Changed", options_.root});  // lost events: assume a change
        continue;
      }
      auto it = folders_.find(ev->wd);
      if (it == folders_.end()) continue;
      if (ev->mask & IN_IGNORED) {
        folders_.erase(it);
        watched_.fetch_sub(1);
        continue;
      }
      if (ev->len == 0) continue;  // the folder itself (IN_DELETE_SELF): its parent reports it
      std::string path = it->second + "/" + ev->name;
      bool dir = ev->mask & IN_ISDIR;
      if (dir && (ev->mask & (IN_CREATE | IN_MOVED_TO)) && !IsUnwatchedFolder(ev->name))
        AddTree(path);
      std::string rel = path.substr(options_.root.size() + 1);
      if (!IsAppChange(options_, rel, dir)) continue;
      std::string kind = (ev->mask & IN_CREATE)                    ? "Created"
                         : (ev->mask & IN_DELETE)                  ? "Deleted"
                         : (ev->mask & (IN_MOVED_FROM | IN_MOVED_TO)) ? "Renamed"
                                                                      : "Changed";
      // A new file is created, then written: report it once.
      if (dir || !(ev->mask & IN_CREATE)) pending->push_back({kind, path});
    }
  }
}

void FileWatcher::Run() {
  AddTree(options_.root);
  spdlog::debug("File watching: {} folder(s) under {}", watched_.load(), options_.root);
  std::vector<FileChange> pending;
  auto quiet_since = std::chrono::steady_clock::now();
  while (true) {
    int timeout = -1;
    if (!pending.empty()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          quiet_since + options_.debounce - std::chrono::steady_clock::now());
      timeout = static_cast<int>(std::max<long long>(0, left.count()));
    }
    struct pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fds_[0], POLLIN, 0}};
    int r = ::poll(fds, 2, timeout);
    if (r < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    if (r > 0 && (fds[0].revents & POLLIN)) {
      size_t before = pending.size();
      ReadEvents(&pending);
      if (pending.size() != before) quiet_since = std::chrono::steady_clock::now();
      continue;
    }
    if (!pending.empty() &&
        std::chrono::steady_clock::now() >= quiet_since + options_.debounce) {
      std::vector<FileChange> batch;
      batch.swap(pending);
      on_change_(std::move(batch));
    }
  }
}

}  // namespace pyfn
