// ThreadSanitizer builds only (DNC_SANITIZE=thread): tells TSan what
// absl::Mutex, absl::CondVar and absl::Notification do.
//
// Debian's libabsl_synchronization.so is not built with TSan, so the
// annotations Abseil's own mutex.cc carries under TSan are not in it, and
// every lock and unlock is invisible: each absl::Mutex-guarded field would
// be reported as a race. The tsan build links every binary with
// -Wl,--wrap=<symbol> for the functions below (tsan_absl_sync.cmake), so our
// code's calls reach these wrappers, which make the same __tsan_mutex_* calls
// as Abseil's TSan build around the real function (__real_<symbol>). Calls
// from inside Debian's libraries are not wrapped; those libraries are not
// instrumented either, so their own accesses are never reported.
//
// The names are the Itanium-mangled symbols of Abseil 20220623 with its
// inline namespace "debian3"; a different Abseil fails to link (the
// __real_ symbols are missing) rather than silently losing the annotations.
#include <sanitizer/tsan_interface.h>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#define DNC_MU "_ZN4absl7debian35Mutex"
#define DNC_CV "_ZN4absl7debian37CondVar"
#define DNC_NOTE_MUT "_ZN4absl7debian312Notification"
#define DNC_NOTE "_ZNK4absl7debian312Notification"

// Declares __real_<sym> (the library's function) and defines
// __wrap_<sym>(params) with the body that follows, giving both C linkage
// under the mangled name through asm labels.
#define DNC_WRAP(ret, sym, params, ...)                        \
  extern "C" ret dnc_real_##sym params asm("__real_" sym##_S); \
  extern "C" ret dnc_wrap_##sym params asm("__wrap_" sym##_S); \
  extern "C" ret dnc_wrap_##sym params __VA_ARGS__

namespace {

using absl::Condition;
using absl::CondVar;
using absl::Duration;
using absl::Mutex;
using absl::Notification;
using absl::Time;

constexpr unsigned kRead = __tsan_mutex_read_lock;
constexpr unsigned kTry = __tsan_mutex_try_lock;
constexpr unsigned kTryFailed = __tsan_mutex_try_lock_failed;

void PreLock(Mutex* mu, unsigned flags) { __tsan_mutex_pre_lock(mu, flags); }
void PostLock(Mutex* mu, unsigned flags) {
  __tsan_mutex_post_lock(mu, flags, 0);
}
void PreUnlock(Mutex* mu, unsigned flags) {
  __tsan_mutex_pre_unlock(mu, flags);
}
void PostUnlock(Mutex* mu, unsigned flags) {
  __tsan_mutex_post_unlock(mu, flags);
}

// Abseil evaluates a waiter's Condition with the mutex held, on the waiting
// thread or on the one unlocking, at moments the wrappers cannot see (TSan
// then takes the mutex as free). Each Condition passed to the library is
// replaced by one that acquires the mutex's sync object before the user's
// function runs and releases it after.
struct AnnotatedCondition {
  const Condition* cond;
  Mutex* mu;
  static bool Eval(void* arg) {
    auto* self = static_cast<AnnotatedCondition*>(arg);
    __tsan_acquire(self->mu);
    const bool result = self->cond->Eval();
    __tsan_release(self->mu);
    return result;
  }
};

}  // namespace

// The wrapped symbols: NAME_S is the mangled name DNC_WRAP(..., NAME, ...)
// pastes into its asm labels. tsan_absl_sync.cmake lists the same symbols.
#define Lock_S DNC_MU "4LockEv"
#define Unlock_S DNC_MU "6UnlockEv"
#define ReaderLock_S DNC_MU "10ReaderLockEv"
#define ReaderUnlock_S DNC_MU "12ReaderUnlockEv"
#define TryLock_S DNC_MU "7TryLockEv"
#define ReaderTryLock_S DNC_MU "13ReaderTryLockEv"
#define Await_S DNC_MU "5AwaitERKNS0_9ConditionE"
#define AwaitWithTimeout_S \
  DNC_MU "16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE"
#define AwaitWithDeadline_S \
  DNC_MU "17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE"
#define LockWhen_S DNC_MU "8LockWhenERKNS0_9ConditionE"
#define MutexDtor_S DNC_MU "D1Ev"
#define CvWait_S DNC_CV "4WaitEPNS0_5MutexE"
#define CvWaitWithTimeout_S \
  DNC_CV "15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE"
#define CvWaitWithDeadline_S DNC_CV "16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE"
#define Notify_S DNC_NOTE_MUT "6NotifyEv"
#define WaitForNotification_S DNC_NOTE "19WaitForNotificationEv"
#define WaitForNotificationWithTimeout_S \
  DNC_NOTE "30WaitForNotificationWithTimeoutENS0_8DurationE"
#define WaitForNotificationWithDeadline_S \
  DNC_NOTE "31WaitForNotificationWithDeadlineENS0_4TimeE"

DNC_WRAP(void, Lock, (Mutex * mu), {
  PreLock(mu, 0);
  dnc_real_Lock(mu);
  PostLock(mu, 0);
})
DNC_WRAP(void, Unlock, (Mutex * mu), {
  PreUnlock(mu, 0);
  dnc_real_Unlock(mu);
  PostUnlock(mu, 0);
})
DNC_WRAP(void, ReaderLock, (Mutex * mu), {
  PreLock(mu, kRead);
  dnc_real_ReaderLock(mu);
  PostLock(mu, kRead);
})
DNC_WRAP(void, ReaderUnlock, (Mutex * mu), {
  PreUnlock(mu, kRead);
  dnc_real_ReaderUnlock(mu);
  PostUnlock(mu, kRead);
})
DNC_WRAP(bool, TryLock, (Mutex * mu), {
  PreLock(mu, kTry);
  const bool locked = dnc_real_TryLock(mu);
  PostLock(mu, kTry | (locked ? 0 : kTryFailed));
  return locked;
})
DNC_WRAP(bool, ReaderTryLock, (Mutex * mu), {
  PreLock(mu, kRead | kTry);
  const bool locked = dnc_real_ReaderTryLock(mu);
  PostLock(mu, kRead | kTry | (locked ? 0 : kTryFailed));
  return locked;
})
DNC_WRAP(void, LockWhen, (Mutex * mu, const Condition& cond), {
  PreLock(mu, 0);
  AnnotatedCondition annotated{&cond, mu};
  dnc_real_LockWhen(mu, Condition(&AnnotatedCondition::Eval, &annotated));
  PostLock(mu, 0);
})
// Await and CondVar::Wait are entered and left holding the mutex (for
// writing, in all our code) and release it while they wait.
DNC_WRAP(void, Await, (Mutex * mu, const Condition& cond), {
  PreUnlock(mu, 0);
  PostUnlock(mu, 0);
  AnnotatedCondition annotated{&cond, mu};
  dnc_real_Await(mu, Condition(&AnnotatedCondition::Eval, &annotated));
  PreLock(mu, 0);
  PostLock(mu, 0);
})
DNC_WRAP(bool, AwaitWithTimeout,
         (Mutex * mu, const Condition& cond, Duration d), {
           PreUnlock(mu, 0);
           PostUnlock(mu, 0);
           AnnotatedCondition annotated{&cond, mu};
           const bool result = dnc_real_AwaitWithTimeout(
               mu, Condition(&AnnotatedCondition::Eval, &annotated), d);
           PreLock(mu, 0);
           PostLock(mu, 0);
           return result;
         })
DNC_WRAP(bool, AwaitWithDeadline, (Mutex * mu, const Condition& cond, Time t), {
  PreUnlock(mu, 0);
  PostUnlock(mu, 0);
  AnnotatedCondition annotated{&cond, mu};
  const bool result = dnc_real_AwaitWithDeadline(
      mu, Condition(&AnnotatedCondition::Eval, &annotated), t);
  PreLock(mu, 0);
  PostLock(mu, 0);
  return result;
})
DNC_WRAP(void, MutexDtor, (Mutex * mu), {
  __tsan_mutex_destroy(mu, 0);
  dnc_real_MutexDtor(mu);
})
DNC_WRAP(void, CvWait, (CondVar * cv, Mutex* mu), {
  PreUnlock(mu, 0);
  PostUnlock(mu, 0);
  dnc_real_CvWait(cv, mu);
  PreLock(mu, 0);
  PostLock(mu, 0);
})
DNC_WRAP(bool, CvWaitWithTimeout, (CondVar * cv, Mutex* mu, Duration d), {
  PreUnlock(mu, 0);
  PostUnlock(mu, 0);
  const bool result = dnc_real_CvWaitWithTimeout(cv, mu, d);
  PreLock(mu, 0);
  PostLock(mu, 0);
  return result;
})
DNC_WRAP(bool, CvWaitWithDeadline, (CondVar * cv, Mutex* mu, Time t), {
  PreUnlock(mu, 0);
  PostUnlock(mu, 0);
  const bool result = dnc_real_CvWaitWithDeadline(cv, mu, t);
  PreLock(mu, 0);
  PostLock(mu, 0);
  return result;
})
// A Notification publishes everything its notifier wrote before Notify() to
// every waiter that sees it notified.
DNC_WRAP(void, Notify, (Notification * n), {
  __tsan_release(n);
  dnc_real_Notify(n);
})
DNC_WRAP(void, WaitForNotification, (const Notification* n), {
  dnc_real_WaitForNotification(n);
  __tsan_acquire(const_cast<Notification*>(n));
})
DNC_WRAP(bool, WaitForNotificationWithTimeout,
         (const Notification* n, Duration d), {
           const bool notified = dnc_real_WaitForNotificationWithTimeout(n, d);
           if (notified) __tsan_acquire(const_cast<Notification*>(n));
           return notified;
         })
DNC_WRAP(bool, WaitForNotificationWithDeadline, (const Notification* n, Time t),
         {
           const bool notified = dnc_real_WaitForNotificationWithDeadline(n, t);
           if (notified) __tsan_acquire(const_cast<Notification*>(n));
           return notified;
         })
