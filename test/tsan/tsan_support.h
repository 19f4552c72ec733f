// Helpers for the ThreadSanitizer programs: each program reproduces one lit
// case of mapguard-concurrent-iteration-mutation. race-*.cpp must make
// ThreadSanitizer report; clean-*.cpp must run without a report. They are
// built with -stdlib=libc++, whose containers live entirely in headers and
// are therefore instrumented (libstdc++ rebalances trees in its shared
// library, out of ThreadSanitizer's sight); a program whose first line says
// `tsan-stdlib: libstdc++` is built against libstdc++ instead (its
// std::shared_mutex is a pthread rwlock, whose readers ThreadSanitizer does
// not order with each other; libc++'s serialises them on an inner mutex).
//
// The two sides of a race must not overlap in time (that would be a crash,
// not a test) and must not be ordered by anything ThreadSanitizer sees.
// Relaxed atomics give both: consume() / settle() let the iterating side
// finish first, mark() / awaitMark() let one side go first explicitly.

#ifndef MAPGUARD_TEST_TSAN_SUPPORT_H
#define MAPGUARD_TEST_TSAN_SUPPORT_H

#include <atomic>
#include <chrono>
#include <thread>

inline std::atomic<long> tsanSink{0};
inline std::atomic<bool> tsanConsumed{false};
inline std::atomic<bool> tsanMarked{false};

/// Waits (relaxed, so without ordering anything) until \p Flag is set, at
/// most ten seconds.
inline void tsanAwait(const std::atomic<bool> &Flag) {
  auto Deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!Flag.load(std::memory_order_relaxed) &&
         std::chrono::steady_clock::now() < Deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(200));
}

/// Keeps an iteration's result alive and tells settle() it is over.
inline void consume(long value) {
  tsanSink.store(value, std::memory_order_relaxed);
  tsanConsumed.store(true, std::memory_order_relaxed);
}

/// Waits until the other side's iteration has finished.
inline void settle() {
  tsanAwait(tsanConsumed);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

inline void mark() { tsanMarked.store(true, std::memory_order_relaxed); }
inline void awaitMark() { tsanAwait(tsanMarked); }

/// Sixteen elements, keys 0..15.
template <class Map> void fill(Map &m) {
  for (int i = 0; i < 16; ++i)
    m[i] = i;
}

#endif // MAPGUARD_TEST_TSAN_SUPPORT_H
