// FileWatcher: tells the host when the app's files change, the way Azure's
// host watches the script root under `func start`.
//
// A change counts (IsAppChange) when it is
//  - a file with one of the worker's extensions (".py", worker.config.json
//    "extensions") anywhere under the root,
//  - a file named like one of `watch_files` (host.json, function.json,
//    local.settings.json and host.json "watchFiles"; any folder, any case),
//  - anything under a top-level folder named in `watch_directories`
//    (host.json "watchDirectories"),
//  - a top-level folder created, deleted or renamed (a function folder).
// Folders whose name starts with '.' (.venv, .git, .python_packages) and
// __pycache__ are not watched at all: the worker writes bytecode there, and
// package trees are large. Azure watches them too; pyfn does not.
//
// Changes are collected until `debounce` passes without a new one (a bulk
// copy is one change), then handed to `on_change` on the watcher's own
// thread. Linux inotify; folders created later are watched as they appear.
#ifndef PYFN_HOST_FILE_WATCHER_H_
#define PYFN_HOST_FILE_WATCHER_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "host/common/status.h"

namespace pyfn {

struct FileWatchOptions {
  std::string root;  // absolute
  std::vector<std::string> extensions{".py"};
  std::vector<std::string> watch_files{"host.json", "function.json", "local.settings.json"};
  std::vector<std::string> watch_directories;
  std::chrono::milliseconds debounce{500};  // Azure's
};

struct FileChange {
  std::string kind;  // "Created", "Changed", "Deleted", "Renamed" (Azure's words)
  std::string path;  // absolute
};

// Whether a change of `relative_path` (to the root, '/'-separated; a folder
// when is_directory) counts, by the rules above.
bool IsAppChange(const FileWatchOptions& options, const std::string& relative_path,
                 bool is_directory);
// Whether a folder (its name) is left unwatched.
bool IsUnwatchedFolder(const std::string& name);

class FileWatcher {
 public:
  using Callback = std::function<void(std::vector<FileChange>)>;

  FileWatcher(FileWatchOptions options, Callback on_change);
  ~FileWatcher();  // Stop()
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Opens inotify and starts the thread, which then adds the watches (the
  // walk over the tree does not delay the caller). Fails when inotify cannot
  // be opened.
  Status Start();
  // Stops the thread; no callback runs after it returns. Idempotent.
  void Stop();
  // Folders watched (for tests; the walk runs on the thread).
  int watched_folders() const;

 private:
  void Run();
  void AddTree(const std::string& dir);
  void ReadEvents(std::vector<FileChange>* pending);

  const FileWatchOptions options_;
  const Callback on_change_;
  int fd_ = -1;
  int stop_fds_[2] = {-1, -1};
  std::thread thread_;
  std::map<int, std::string> folders_;  // watch descriptor -> absolute folder; the thread's own
  std::atomic<int> watched_{0};
};

}  // namespace pyfn

#endif  // PYFN_HOST_FILE_WATCHER_H_
