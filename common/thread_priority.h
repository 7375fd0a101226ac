// Background work on the server's threads: lowering the calling thread's
// scheduling weight so that a dialer's Check, woken beside it, runs first.
//
// Thread-safety: thread-safe (acts on the calling thread only).
#ifndef DNC_COMMON_THREAD_PRIORITY_H_
#define DNC_COMMON_THREAD_PRIORITY_H_

namespace dnc {

// The niceness of a server's background threads (bulk scrub slots, registry
// reloads). At nice 10 a thread weighs about a tenth of a nice-0 thread in
// the kernel's fair scheduler: a Check thread that wakes preempts it at once
// instead of waiting for its time slice, and it still gets every cycle no
// Check wants.
inline constexpr int kBackgroundThreadNice = 10;

// Sets the calling thread's niceness (Linux: setpriority on its thread id
// changes that thread only). Raising it needs no privilege; on failure the
// thread keeps its priority, which is still correct, only less fair.
void LowerThisThreadPriority(int nice = kBackgroundThreadNice);

}  // namespace dnc

#endif  // DNC_COMMON_THREAD_PRIORITY_H_
