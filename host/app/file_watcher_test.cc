#include "host/app/file_watcher.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "host/common/thread_annotations.h"

namespace pyfn {
namespace {

namespace fs = std::filesystem;

TEST(IsAppChange, AzuresRules) {
  FileWatchOptions o;
  o.watch_directories = {"shared"};
  o.watch_files = {"host.json", "function.json", "local.settings.json", "extra.cfg"};
  EXPECT_TRUE(IsAppChange(o, "function_app.py", false));
  EXPECT_TRUE(IsAppChange(o, "HttpTrigger/__init__.py", false));
  EXPECT_TRUE(IsAppChange(o, "HttpTrigger/Function.JSON", false));  // any case
  EXPECT_TRUE(IsAppChange(o, "host.json", false));
  EXPECT_TRUE(IsAppChange(o, "local.settings.json", false));
  EXPECT_TRUE(IsAppChange(o, "deep/down/extra.cfg", false));
  EXPECT_TRUE(IsAppChange(o, "shared/data.txt", false));  // watchDirectories: anything
  EXPECT_TRUE(IsAppChange(o, "NewFunction", true));       // a top-level folder
  EXPECT_FALSE(IsAppChange(o, "HttpTrigger/inner", true));
  EXPECT_FALSE(IsAppChange(o, "notes.txt", false));
  EXPECT_FALSE(IsAppChange(o, "HttpTrigger/data.csv", false));
  EXPECT_FALSE(IsAppChange(o, "__pycache__", true));
  EXPECT_FALSE(IsAppChange(o, "__pycache__/function_app.cpython-311.pyc", false));
  EXPECT_FALSE(IsAppChange(o, "HttpTrigger/__pycache__/x.py", false));
  EXPECT_FALSE(IsAppChange(o, ".venv/lib/site.py", false));
  EXPECT_FALSE(IsAppChange(o, ".git", true));
}

class Collector {
 public:
  void Add(std::vector<FileChange> c) {
    MutexLock l(mu_);
    batches_.push_back(std::move(c));
    cv_.notify_all();
  }
  // Waits up to `ms` for batch number `n` (1-based).
  bool WaitFor(size_t n, int ms) {
    MutexLock l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(ms),
                        [&]() PYFN_REQUIRES(mu_) { return batches_.size() >= n; });
  }
  std::vector<std::vector<FileChange>> batches() {
    MutexLock l(mu_);
    return batches_;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  std::vector<std::vector<FileChange>> batches_ PYFN_GUARDED_BY(mu_);
};

class FileWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pyfn-watch-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ + "/HttpTrigger");
    fs::create_directories(root_ + "/.venv/lib");
    Write("HttpTrigger/__init__.py", "x = 1\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ + "/" + rel) << text;
  }
  // Starts a watcher and waits until its walk saw `folders` folders.
  std::unique_ptr<FileWatcher> StartWatcher(Collector* c, int folders) {
    FileWatchOptions o;
    o.root = root_;
    o.debounce = std::chrono::milliseconds(100);
    auto w = std::make_unique<FileWatcher>(o, [c](std::vector<FileChange> b) { c->Add(b); });
    EXPECT_TRUE(w->Start().ok());
    for (int i = 0; i < 200 && w->watched_folders() < folders; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(w->watched_folders(), folders);
    return w;
  }
  std::string root_;
};

TEST_F(FileWatcherTest, ASaveIsOneDebouncedChange) {
  Collector c;
  auto w = StartWatcher(&c, 2);  // the root and HttpTrigger; not .venv
  Write("HttpTrigger/__init__.py", "x = 2\n");
  Write("HttpTrigger/__init__.py", "x = 3\n");
  Write("notes.txt", "ignored\n");
  Write(".venv/lib/site.py", "ignored\n");
  ASSERT_TRUE(c.WaitFor(1, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto b = c.batches();
  ASSERT_EQ(b.size(), 1u);  // two writes within the debounce: one batch
  ASSERT_FALSE(b[0].empty());
  for (const auto& ch : b[0]) EXPECT_EQ(ch.path, root_ + "/HttpTrigger/__init__.py");
  EXPECT_EQ(b[0][0].kind, "Changed");
}

TEST_F(FileWatcherTest, NewFoldersAreWatchedAndRenamesCount) {
  Collector c;
  auto w = StartWatcher(&c, 2);
  fs::create_directories(root_ + "/Other");
  ASSERT_TRUE(c.WaitFor(1, 5000));  // a top-level folder appeared
  EXPECT_EQ(c.batches()[0][0].kind, "Created");
  // The new folder is watched: an editor's save by rename inside it counts.
  for (int i = 0; i < 200 && w->watched_folders() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  Write("Other/tmp.swp", "x");
  fs::rename(root_ + "/Other/tmp.swp", root_ + "/Other/function.json");
  ASSERT_TRUE(c.WaitFor(2, 5000));
  auto b = c.batches();
  bool seen = false;
  for (const auto& ch : b[1]) seen = seen || ch.path == root_ + "/Other/function.json";
  EXPECT_TRUE(seen);
}

TEST_F(FileWatcherTest, BytecodeDoesNotCount) {
  Collector c;
  auto w = StartWatcher(&c, 2);
  fs::create_directories(root_ + "/__pycache__");
  Write("__pycache__/function_app.cpython-311.pyc", "bytes");
  EXPECT_FALSE(c.WaitFor(1, 500));
  w->Stop();
  Write("HttpTrigger/__init__.py", "x = 9\n");  // after Stop: no callback
  EXPECT_FALSE(c.WaitFor(1, 300));
}

}  // namespace
}  // namespace pyfn
