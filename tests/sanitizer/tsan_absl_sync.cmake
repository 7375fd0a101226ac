# Included by cmake/DncHelpers.cmake when DNC_SANITIZE is "thread": every
# binary links tsan_absl_sync.cc and wraps the Abseil synchronization
# functions it annotates for ThreadSanitizer (see that file for why). Keep
# this list and the *_S names in tsan_absl_sync.cc the same.
add_library(dnc_tsan_absl_sync STATIC ${CMAKE_CURRENT_LIST_DIR}/tsan_absl_sync.cc)
target_link_libraries(dnc_tsan_absl_sync PUBLIC absl::synchronization absl::time)
foreach(symbol
    _ZN4absl7debian35Mutex4LockEv
    _ZN4absl7debian35Mutex6UnlockEv
    _ZN4absl7debian35Mutex10ReaderLockEv
    _ZN4absl7debian35Mutex12ReaderUnlockEv
    _ZN4absl7debian35Mutex7TryLockEv
    _ZN4absl7debian35Mutex13ReaderTryLockEv
    _ZN4absl7debian35Mutex5AwaitERKNS0_9ConditionE
    _ZN4absl7debian35Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE
    _ZN4absl7debian35Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE
    _ZN4absl7debian35Mutex8LockWhenERKNS0_9ConditionE
    _ZN4absl7debian35MutexD1Ev
    _ZN4absl7debian37CondVar4WaitEPNS0_5MutexE
    _ZN4absl7debian37CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE
    _ZN4absl7debian37CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE
    _ZN4absl7debian312Notification6NotifyEv
    _ZNK4absl7debian312Notification19WaitForNotificationEv
    _ZNK4absl7debian312Notification30WaitForNotificationWithTimeoutENS0_8DurationE
    _ZNK4absl7debian312Notification31WaitForNotificationWithDeadlineENS0_4TimeE)
  add_link_options(LINKER:--wrap=${symbol})
endforeach()
# Every target defined after this links the wrappers, and -u pulls them in
# even where our code takes no lock: ld applies --wrap to the references of
# the shared libraries on the command line too (libabsl_flags_* lock).
add_link_options(LINKER:--undefined=__wrap__ZN4absl7debian35Mutex4LockEv)
link_libraries(dnc_tsan_absl_sync)
