// Thread-safety rules the compiler checks.
//
// Contract:
//   - Data shared between threads names the mutex that guards it:
//       pyfn::Mutex mu_;
//       int count_ PYFN_GUARDED_BY(mu_);
//   - A private helper that expects the caller to hold the lock says so:
//       void Evict() PYFN_REQUIRES(mu_);
//     and a function that takes the lock itself may say the caller must not hold it:
//       void Add() PYFN_EXCLUDES(mu_);
//   - The lock is taken with pyfn::MutexLock (scoped, released at end of scope).
//   - A condition variable waiting on a pyfn::Mutex is a pyfn::CondVar (a
//     std::condition_variable, no extra lock), and it waits on the MutexLock. Its predicate reads guarded data, so it says the
//     lock is held while it runs (the wait calls it only with the lock held):
//       pyfn::MutexLock l(mu_);
//       cv_.wait(l, [&]() PYFN_REQUIRES(mu_) { return ready_; });
//   - A function the analysis cannot follow is marked PYFN_NO_THREAD_SAFETY_ANALYSIS
//     with a one-line reason beside it.
//
// Under clang, `-Wthread-safety` checks these rules (scripts/clang-thread-safety.sh runs it
// over host/ and worker/, which uses them too); under gcc the macros expand to nothing and
// pyfn::Mutex is a std::mutex.
#ifndef PYFN_HOST_COMMON_THREAD_ANNOTATIONS_H_
#define PYFN_HOST_COMMON_THREAD_ANNOTATIONS_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define PYFN_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define PYFN_THREAD_ANNOTATION(x)
#endif

// A type that is a lock (pyfn::Mutex).
#define PYFN_CAPABILITY(x) PYFN_THREAD_ANNOTATION(capability(x))
// An RAII type that holds a lock for its lifetime (pyfn::MutexLock).
#define PYFN_SCOPED_CAPABILITY PYFN_THREAD_ANNOTATION(scoped_lockable)
// This member is read and written only with `x` held.
#define PYFN_GUARDED_BY(x) PYFN_THREAD_ANNOTATION(guarded_by(x))
// What this pointer member points at is read and written only with `x` held.
#define PYFN_PT_GUARDED_BY(x) PYFN_THREAD_ANNOTATION(pt_guarded_by(x))
// The caller holds these locks.
#define PYFN_REQUIRES(...) PYFN_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// The caller does not hold these locks (the function takes them).
#define PYFN_EXCLUDES(...) PYFN_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// The function takes these locks and returns holding them (none named: `this`).
#define PYFN_ACQUIRE(...) PYFN_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
// The function takes the lock when it returns the first argument (true or false).
#define PYFN_TRY_ACQUIRE(...) PYFN_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
// The function releases these locks (none named: `this`).
#define PYFN_RELEASE(...) PYFN_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// The analysis skips this function; say why beside it.
#define PYFN_NO_THREAD_SAFETY_ANALYSIS PYFN_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace pyfn {

// A std::mutex the analysis knows about. BasicLockable and Lockable, so
// std::lock_guard accepts it.
class PYFN_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() PYFN_ACQUIRE() { mu_.lock(); }
  void unlock() PYFN_RELEASE() { mu_.unlock(); }
  bool try_lock() PYFN_TRY_ACQUIRE(true) { return mu_.try_lock(); }

 private:
  friend class MutexLock;
  std::mutex mu_;
};

// Holds `mu` from construction to the end of the scope, like std::unique_lock: unlock()
// and lock() let go of it and take it back in between (the destructor releases it only if
// held). A CondVar waits on it; the analysis treats the lock as held across such a wait,
// which is what the code after the wait sees.
class PYFN_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) PYFN_ACQUIRE(mu) : lock_(mu.mu_) {}
  ~MutexLock() PYFN_RELEASE() {}  // lock_ unlocks if it holds the mutex
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void lock() PYFN_ACQUIRE() { lock_.lock(); }
  void unlock() PYFN_RELEASE() { lock_.unlock(); }

 private:
  friend class CondVar;
  std::unique_lock<std::mutex> lock_;
};

// std::condition_variable waiting on a MutexLock, with std::condition_variable's members.
class CondVar {
 public:
  void notify_one() noexcept { cv_.notify_one(); }
  void notify_all() noexcept { cv_.notify_all(); }

  template <class Predicate>
  void wait(MutexLock& l, Predicate pred) {
    cv_.wait(l.lock_, std::move(pred));
  }
  template <class Rep, class Period>
  std::cv_status wait_for(MutexLock& l, const std::chrono::duration<Rep, Period>& d) {
    return cv_.wait_for(l.lock_, d);
  }
  template <class Rep, class Period, class Predicate>
  bool wait_for(MutexLock& l, const std::chrono::duration<Rep, Period>& d, Predicate pred) {
    return cv_.wait_for(l.lock_, d, std::move(pred));
  }
  template <class Clock, class Duration, class Predicate>
  bool wait_until(MutexLock& l, const std::chrono::time_point<Clock, Duration>& t,
                  Predicate pred) {
    return cv_.wait_until(l.lock_, t, std::move(pred));
  }

 private:
  std::condition_variable cv_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_COMMON_THREAD_ANNOTATIONS_H_
