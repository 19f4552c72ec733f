// Shared helpers of the runtime-model benchmarks: the --mapguard_brief flag
// (CI smoke runs), key generation, and interleaved A/B timing.

#ifndef MAPGUARD_BENCH_UTIL_H_
#define MAPGUARD_BENCH_UTIL_H_

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace mapguard_bench {

// True when the binary runs as a smoke test: small sizes, short trials.
inline bool& brief() {
  static bool b = false;
  return b;
}

// Removes our own flags from argv before Google Benchmark sees them.
inline void parse_own_flags(int* argc, char** argv) {
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    if (std::strcmp(argv[i], "--mapguard_brief") == 0) {
      brief() = true;
    } else {
      argv[out++] = argv[i];
    }
  }
  *argc = out;
}

// A bijection on 64-bit integers (odd multiplier): distinct, well spread keys
// without a key array that would cost cache misses of its own.
inline std::uint64_t key_of(std::uint64_t index) { return index * 0xD6E8FEB86659FD93ull + 1; }

// xorshift64*: a per-thread generator cheap enough not to dominate a lookup.
struct rng {
  std::uint64_t s;
  explicit rng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x1234567) {}
  std::uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
  // Uniform in [0, n) without a division.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
};

inline double now_ns() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count());
}

// Runs a and b alternately (AB, then BA on the next call) and records each
// pair's times. The figures are medians over pairs: on a shared machine a
// pair that was preempted is an outlier, and the median ignores it, while the
// pairing makes slow drifts (frequency, cache pollution) hit both sides alike.
struct ab_timer {
  std::vector<double> a_ns, b_ns, ratios;
  bool a_first = true;
  template <class A, class B>
  void run(A&& a, B&& b) {
    double ta, tb;
    if (a_first) {
      const double t0 = now_ns();
      a();
      const double t1 = now_ns();
      b();
      const double t2 = now_ns();
      ta = t1 - t0;
      tb = t2 - t1;
    } else {
      const double t0 = now_ns();
      b();
      const double t1 = now_ns();
      a();
      const double t2 = now_ns();
      tb = t1 - t0;
      ta = t2 - t1;
    }
    a_ns.push_back(ta);
    b_ns.push_back(tb);
    ratios.push_back(tb / ta);
    a_first = !a_first;
  }
};

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace mapguard_bench

#endif  // MAPGUARD_BENCH_UTIL_H_
