// mapguard::concurrent_map against its peers, two threads, side by side in one
// run. Each Google Benchmark iteration is one round: a fixed-duration trial of
// every implementation on the same workload, in an order that rotates from
// round to round; with --benchmark_repetitions=R, bench/summarize takes the
// median over rounds of each within-round ratio.
//
// Workloads (u64 keys and values):
//   lookup/N          100% find of present keys, N entries        -> ns per find
//   read_mostly       90% find, 5% insert, 5% erase, 1e5 entries  -> ops/s
//   with_iteration    90% find, 4.5% insert, 4.5% erase, 1% full iteration
//                     (an iteration counts as one op), 1e5 entries -> ops/s
//   writer_during_iteration  thread 0 iterates back to back, thread 1 writes
//                     -> p99 write latency, iterations/s
//   iterate/N         one thread, full iteration, quiescent        -> ns/element
//
// Peers: tbb::concurrent_hash_map (native; and behind an external
// reader-writer lock, so that iteration is safe), tbb::concurrent_unordered_map
// (its unsafe_erase needs an exclusive lock), libcuckoo (iteration through
// lock_table()), std::unordered_map + std::mutex, + std::shared_mutex, and 16
// shards of std::unordered_map + std::shared_mutex. A peer that cannot iterate
// safely during writes (native tbb::concurrent_hash_map) is left out of the
// with_iteration workload.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench_util.h"
#include "mapguard/concurrent_map.h"

#if MAPGUARD_HAVE_TBB
#include <oneapi/tbb/concurrent_hash_map.h>
#include <oneapi/tbb/concurrent_unordered_map.h>
#endif
#if MAPGUARD_HAVE_LIBCUCKOO
#include <libcuckoo/cuckoohash_map.hh>
#endif

namespace {

using mapguard_bench::key_of;
using mapguard_bench::now_ns;
using u64 = std::uint64_t;

// --- The implementations, behind one static interface ------------------------

struct mg_impl {
  static constexpr const char* id = "mapguard";
  static constexpr bool safe_iteration = true;
  mapguard::concurrent_map<u64, u64> m;
  explicit mg_impl(std::size_t n) : m(n) {}
  bool find(u64 k, u64& v) { return m.find(k, v); }
  void insert(u64 k, u64 v) { m.insert(k, v); }
  void erase(u64 k) { m.erase(k); }
  template <class F>
  void iterate(F&& f) {
    m.for_each(f);
  }
};

#if MAPGUARD_HAVE_TBB
struct tbb_chm_impl {
  static constexpr const char* id = "tbb_chm";
  static constexpr bool safe_iteration = false;  // iteration is a serial operation
  tbb::concurrent_hash_map<u64, u64> m;
  explicit tbb_chm_impl(std::size_t n) : m(n) {}
  bool find(u64 k, u64& v) {
    tbb::concurrent_hash_map<u64, u64>::const_accessor a;
    if (!m.find(a, k)) return false;
    v = a->second;
    return true;
  }
  void insert(u64 k, u64 v) { m.insert({k, v}); }
  void erase(u64 k) { m.erase(k); }
  template <class F>
  void iterate(F&& f) {
    for (const auto& kv : m) f(kv.first, kv.second);
  }
};

// Concurrent operations under a shared lock, iteration under an exclusive one.
struct tbb_chm_rw_impl {
  static constexpr const char* id = "tbb_chm_rwlock";
  static constexpr bool safe_iteration = true;
  tbb_chm_impl inner;
  std::shared_mutex mu;
  explicit tbb_chm_rw_impl(std::size_t n) : inner(n) {}
  bool find(u64 k, u64& v) {
    std::shared_lock<std::shared_mutex> l(mu);
    return inner.find(k, v);
  }
  void insert(u64 k, u64 v) {
    std::shared_lock<std::shared_mutex> l(mu);
    inner.insert(k, v);
  }
  void erase(u64 k) {
    std::shared_lock<std::shared_mutex> l(mu);
    inner.erase(k);
  }
  template <class F>
  void iterate(F&& f) {
    std::unique_lock<std::shared_mutex> l(mu);
    inner.iterate(f);
  }
};

// find, insert and traversal are concurrency-safe; unsafe_erase is not, so it
// takes the lock exclusively and everything else takes it shared. In a
// workload without erasure (lookup) the lock is not needed and not taken.
struct tbb_cum_impl {
  static constexpr const char* id = "tbb_cum";
  static constexpr bool safe_iteration = true;
  tbb::concurrent_unordered_map<u64, u64> m;
  std::shared_mutex mu;
  bool erasure_possible = true;
  explicit tbb_cum_impl(std::size_t n) : m(n) {}
  bool find(u64 k, u64& v) {
    if (!erasure_possible) return find_unlocked(k, v);
    std::shared_lock<std::shared_mutex> l(mu);
    return find_unlocked(k, v);
  }
  bool find_unlocked(u64 k, u64& v) {
    auto it = m.find(k);
    if (it == m.end()) return false;
    v = it->second;
    return true;
  }
  void insert(u64 k, u64 v) {
    std::shared_lock<std::shared_mutex> l(mu);
    m.insert({k, v});
  }
  void erase(u64 k) {
    std::unique_lock<std::shared_mutex> l(mu);
    m.unsafe_erase(k);
  }
  template <class F>
  void iterate(F&& f) {
    std::shared_lock<std::shared_mutex> l(mu);
    for (const auto& kv : m) f(kv.first, kv.second);
  }
};
#endif

#if MAPGUARD_HAVE_LIBCUCKOO
struct cuckoo_impl {
  static constexpr const char* id = "libcuckoo";
  static constexpr bool safe_iteration = true;  // lock_table() stops everyone
  libcuckoo::cuckoohash_map<u64, u64> m;
  explicit cuckoo_impl(std::size_t n) : m(n) {}
  bool find(u64 k, u64& v) { return m.find(k, v); }
  void insert(u64 k, u64 v) { m.insert(k, v); }
  void erase(u64 k) { m.erase(k); }
  template <class F>
  void iterate(F&& f) {
    auto locked = m.lock_table();
    for (const auto& kv : locked) f(kv.first, kv.second);
  }
};
#endif

struct umap_mutex_impl {
  static constexpr const char* id = "umap_mutex";
  static constexpr bool safe_iteration = true;
  std::unordered_map<u64, u64> m;
  std::mutex mu;
  explicit umap_mutex_impl(std::size_t n) { m.reserve(n); }
  bool find(u64 k, u64& v) {
    std::lock_guard<std::mutex> l(mu);
    auto it = m.find(k);
    if (it == m.end()) return false;
    v = it->second;
    return true;
  }
  void insert(u64 k, u64 v) {
    std::lock_guard<std::mutex> l(mu);
    m.emplace(k, v);
  }
  void erase(u64 k) {
    std::lock_guard<std::mutex> l(mu);
    m.erase(k);
  }
  template <class F>
  void iterate(F&& f) {
    std::lock_guard<std::mutex> l(mu);
    for (const auto& kv : m) f(kv.first, kv.second);
  }
};

struct umap_shared_impl {
  static constexpr const char* id = "umap_shared_mutex";
  static constexpr bool safe_iteration = true;
  std::unordered_map<u64, u64> m;
  std::shared_mutex mu;
  explicit umap_shared_impl(std::size_t n) { m.reserve(n); }
  bool find(u64 k, u64& v) {
    std::shared_lock<std::shared_mutex> l(mu);
    auto it = m.find(k);
    if (it == m.end()) return false;
    v = it->second;
    return true;
  }
  void insert(u64 k, u64 v) {
    std::unique_lock<std::shared_mutex> l(mu);
    m.emplace(k, v);
  }
  void erase(u64 k) {
    std::unique_lock<std::shared_mutex> l(mu);
    m.erase(k);
  }
  template <class F>
  void iterate(F&& f) {
    std::shared_lock<std::shared_mutex> l(mu);
    for (const auto& kv : m) f(kv.first, kv.second);
  }
};

struct sharded16_impl {
  static constexpr const char* id = "sharded16_shared_mutex";
  static constexpr bool safe_iteration = true;
  struct alignas(64) shard {
    std::shared_mutex mu;
    std::unordered_map<u64, u64> m;
  };
  std::array<shard, 16> shards;
  explicit sharded16_impl(std::size_t n) {
    for (auto& s : shards) s.m.reserve(n / 16 + 1);
  }
  shard& of(u64 k) { return shards[(k * 0x9E3779B97F4A7C15ull) >> 60]; }
  bool find(u64 k, u64& v) {
    shard& s = of(k);
    std::shared_lock<std::shared_mutex> l(s.mu);
    auto it = s.m.find(k);
    if (it == s.m.end()) return false;
    v = it->second;
    return true;
  }
  void insert(u64 k, u64 v) {
    shard& s = of(k);
    std::unique_lock<std::shared_mutex> l(s.mu);
    s.m.emplace(k, v);
  }
  void erase(u64 k) {
    shard& s = of(k);
    std::unique_lock<std::shared_mutex> l(s.mu);
    s.m.erase(k);
  }
  template <class F>
  void iterate(F&& f) {
    for (auto& s : shards) {
      std::shared_lock<std::shared_mutex> l(s.mu);
      for (const auto& kv : s.m) f(kv.first, kv.second);
    }
  }
};

// --- Workloads and trials -------------------------------------------------------

// CPU time of the calling thread: unlike wall time, it does not count the
// time the thread waited for a core on a shared machine.
double thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

struct workload {
  std::size_t entries;        // preloaded keys: key_of(0 .. entries-1)
  std::size_t key_space;      // operations draw indexes from [0, key_space)
  unsigned find_permille;     // the rest is split between insert and erase...
  unsigned iterate_permille;  // ...except this share of full iterations
  int threads;
  // Thread 0 only iterates (back to back), the others only write: the
  // clean measure of how long an iteration makes writers wait.
  bool dedicated_roles = false;
};

struct trial_result {
  double ops_per_s = 0;
  double ns_per_op = 0;           // per thread: elapsed / ops
  double p99_write_all_us = 0;
  double iterate_ns_per_element = 0;
  double iterations_per_s = 0;
  double cpu_ns_per_op = 0;  // per thread: CPU time / ops (excludes preemption)
};

double p99(std::vector<float>& v) {
  if (v.empty()) return 0;
  const std::size_t i = std::min(v.size() - 1, v.size() * 99 / 100);
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

template <class Impl>
trial_result run_trial(Impl& impl, const workload& w, double duration_ms, u64 seed) {
  std::atomic<bool> go{false}, stop{false};
  std::atomic<int> ready{0};
  // Every thread must have done some work before the trial may end: on a
  // loaded machine a thread can miss a whole short trial.
  const double min_ops = mapguard_bench::brief() ? 200 : 2000;
  std::vector<std::atomic<double>> progress(static_cast<std::size_t>(w.threads));
  for (auto& p : progress) p.store(0);
  struct per_thread {
    double ops = 0, elapsed_ns = 0, cpu_ns = 0, iterate_ns = 0, iterated_elements = 0,
           iterations = 0;
    std::vector<float> write_all_us;
  };
  std::vector<per_thread> results(static_cast<std::size_t>(w.threads));
  const unsigned write_permille = 1000 - w.find_permille - w.iterate_permille;
  auto body = [&](int t) {
    per_thread& r = results[static_cast<std::size_t>(t)];
    r.write_all_us.reserve(1 << 16);
    mapguard_bench::rng rng(seed * 131 + static_cast<u64>(t));
    u64 sink = 0;
    ready.fetch_add(1);
    while (!go.load(std::memory_order_acquire)) {
    }
    const double start = now_ns();
    const double cpu_start = thread_cpu_ns();
    double ops = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (int batch = 0; batch < 64; ++batch) {
        u64 dice = rng.below(1000);
        if (w.dedicated_roles) dice = t == 0 ? 999 : w.find_permille + (dice & 1);
        const u64 k = key_of(rng.below(w.key_space));
        if (dice < w.find_permille) {
          u64 v;
          if (impl.find(k, v)) sink += v;
        } else if (dice < w.find_permille + write_permille) {
          const double t0 = now_ns();
          if (dice & 1) {
            impl.insert(k, k);
          } else {
            impl.erase(k);
          }
          const auto us = static_cast<float>((now_ns() - t0) / 1e3);
          r.write_all_us.push_back(us);
        } else {
          const double t0 = now_ns();
          u64 n = 0;
          impl.iterate([&](u64 key, u64 value) {
            ++n;
            sink += key ^ value;
          });
          r.iterate_ns += now_ns() - t0;
          r.iterated_elements += static_cast<double>(n);
          r.iterations += 1;
          break;  // re-check the clock after a long operation
        }
        ops += 1;
      }
      progress[static_cast<std::size_t>(t)].store(ops, std::memory_order_relaxed);
    }
    r.elapsed_ns = now_ns() - start;
    r.cpu_ns = thread_cpu_ns() - cpu_start;
    r.ops = ops;
    benchmark::DoNotOptimize(sink);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < w.threads; ++t) threads.emplace_back(body, t);
  while (ready.load() != w.threads) std::this_thread::yield();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(duration_ms));
  // ...but not forever: a reader-preferring lock can starve a writer (or an
  // exclusive iteration) for as long as the other thread keeps it busy. The
  // starved operation still completes after `stop` and records its latency.
  const double give_up = now_ns() + 3 * duration_ms * 1e6;
  for (std::size_t i = 0; i < progress.size(); ++i) {
    const double need = (w.dedicated_roles && i == 0) ? 3 : min_ops;  // 3 full iterations
    while (progress[i].load(std::memory_order_relaxed) < need && now_ns() < give_up) {
      std::this_thread::yield();
    }
  }
  stop.store(true);
  for (auto& th : threads) th.join();

  trial_result out;
  std::vector<float> all;
  double ops = 0, max_elapsed = 0, ns_per_op = 0, cpu_ns_per_op = 0, it_ns = 0, it_el = 0,
         iterations = 0;
  for (per_thread& r : results) {
    ops += r.ops;
    max_elapsed = std::max(max_elapsed, r.elapsed_ns);
    ns_per_op += r.ops > 0 ? r.elapsed_ns / r.ops : 0;
    cpu_ns_per_op += r.ops > 0 ? r.cpu_ns / r.ops : 0;
    it_ns += r.iterate_ns;
    it_el += r.iterated_elements;
    iterations += r.iterations;
    all.insert(all.end(), r.write_all_us.begin(), r.write_all_us.end());
  }
  out.ops_per_s = ops / (max_elapsed / 1e9);
  out.ns_per_op = ns_per_op / static_cast<double>(results.size());
  out.cpu_ns_per_op = cpu_ns_per_op / static_cast<double>(results.size());
  out.p99_write_all_us = p99(all);
  out.iterate_ns_per_element = it_el > 0 ? it_ns / it_el : 0;
  out.iterations_per_s = iterations / (max_elapsed / 1e9);
  return out;
}

// One implementation prepared for one workload: its map, filled once and kept
// across rounds (mixed workloads keep their size: inserts and erases balance).
struct contender {
  std::string id;
  bool safe_iteration;
  std::function<trial_result(const workload&, double, u64)> trial;
  std::function<double(int)> iterate_once;  // ns per element, single thread
};

template <class Impl>
contender make_contender(std::size_t entries, bool erasure) {
  auto impl = std::make_shared<Impl>(entries);
  for (std::size_t i = 0; i < entries; ++i) impl->insert(key_of(i), i);
#if MAPGUARD_HAVE_TBB
  if constexpr (std::is_same_v<Impl, tbb_cum_impl>) impl->erasure_possible = erasure;
#endif
  (void)erasure;
  contender c;
  c.id = Impl::id;
  c.safe_iteration = Impl::safe_iteration;
  c.trial = [impl](const workload& w, double ms, u64 seed) {
    return run_trial(*impl, w, ms, seed);
  };
  // The median of `reps` single iterations: a preempted one is an outlier.
  c.iterate_once = [impl](int reps) {
    std::vector<double> per_element;
    u64 sink = 0;
    for (int r = 0; r < reps; ++r) {
      double elements = 0;
      const double t0 = now_ns();
      impl->iterate([&](u64 k, u64 v) {
        sink += k ^ v;
        elements += 1;
      });
      per_element.push_back((now_ns() - t0) / std::max(elements, 1.0));
    }
    benchmark::DoNotOptimize(sink);
    return mapguard_bench::median(per_element);
  };
  return c;
}

std::vector<contender> make_all(std::size_t entries, bool erasure) {
  std::vector<contender> all;
  all.push_back(make_contender<mg_impl>(entries, erasure));
#if MAPGUARD_HAVE_TBB
  all.push_back(make_contender<tbb_chm_impl>(entries, erasure));
  all.push_back(make_contender<tbb_chm_rw_impl>(entries, erasure));
  all.push_back(make_contender<tbb_cum_impl>(entries, erasure));
#endif
#if MAPGUARD_HAVE_LIBCUCKOO
  all.push_back(make_contender<cuckoo_impl>(entries, erasure));
#endif
  all.push_back(make_contender<umap_mutex_impl>(entries, erasure));
  all.push_back(make_contender<umap_shared_impl>(entries, erasure));
  all.push_back(make_contender<sharded16_impl>(entries, erasure));
  return all;
}

double trial_ms() { return mapguard_bench::brief() ? 10 : 150; }

// Contenders are built on first use and kept for the process (the maps are
// large; rebuilding them every round would dominate the run).
std::vector<contender>& contenders_for(std::size_t entries, bool erasure) {
  static std::map<std::pair<std::size_t, bool>, std::vector<contender>> cache;
  auto& slot = cache[{entries, erasure}];
  if (slot.empty()) slot = make_all(entries, erasure);
  return slot;
}

enum class metric { ns_per_op, ops_per_s };

void run_rounds(benchmark::State& state, const workload& w, bool need_safe_iteration,
                std::size_t entries, bool erasure) {
  auto& cs = contenders_for(entries, erasure);
  static u64 round = 0;
  for (auto _ : state) {
    const double t0 = now_ns();
    ++round;
    for (std::size_t i = 0; i < cs.size(); ++i) {
      contender& c = cs[(i + round) % cs.size()];  // rotate who goes first
      if (need_safe_iteration && !c.safe_iteration) continue;
      const trial_result r = c.trial(w, trial_ms(), round);
      if (w.find_permille == 1000) {
        state.counters[c.id + "/ns_per_find"] = r.ns_per_op;
        state.counters[c.id + "/cpu_ns_per_find"] = r.cpu_ns_per_op;
      } else {
        state.counters[c.id + "/mops"] = r.ops_per_s / 1e6;
      }
      if (w.iterate_permille > 0) {
        state.counters[c.id + "/p99_write_us"] = r.p99_write_all_us;
        state.counters[c.id + "/iterate_ns_per_element"] = r.iterate_ns_per_element;
        state.counters[c.id + "/iterations_per_s"] = r.iterations_per_s;
      }
    }
    state.SetIterationTime((now_ns() - t0) / 1e9);
  }
}

std::size_t scaled(std::size_t n) { return mapguard_bench::brief() ? n / 100 : n; }

void BM_Lookup(benchmark::State& state) {
  const auto n = scaled(static_cast<std::size_t>(state.range(0)));
  run_rounds(state, workload{n, n, 1000, 0, 2}, false, n, false);
}

void BM_ReadMostly(benchmark::State& state) {
  const std::size_t n = scaled(100000);
  run_rounds(state, workload{n, 2 * n, 900, 0, 2}, false, n, true);
}

void BM_WithIteration(benchmark::State& state) {
  const std::size_t n = scaled(100000);
  run_rounds(state, workload{n, 2 * n, 900, 10, 2}, true, n, true);
}

// Writer latency while another thread iterates: thread 0 iterates back to
// back, thread 1 inserts and erases. Reported: the p99 latency of all the
// writes (the other thread is iterating nearly all the time) and how many
// iterations thread 0 completed: a lock that lets the writer through by
// starving the iteration shows up there instead.
void BM_WriterDuringIteration(benchmark::State& state) {
  const std::size_t n = scaled(100000);
  workload w{n, 2 * n, 0, 1, 2};
  w.dedicated_roles = true;
  run_rounds(state, w, true, n, true);
}

void BM_Iterate(benchmark::State& state) {
  const std::size_t n = scaled(100000);
  auto& cs = contenders_for(n, true);
  static u64 round = 0;
  for (auto _ : state) {
    const double t0 = now_ns();
    ++round;
    for (std::size_t i = 0; i < cs.size(); ++i) {
      contender& c = cs[(i + round) % cs.size()];
      state.counters[c.id + "/ns_per_element"] = c.iterate_once(mapguard_bench::brief() ? 2 : 20);
    }
    state.SetIterationTime((now_ns() - t0) / 1e9);
  }
}

}  // namespace

int main(int argc, char** argv) {
  mapguard_bench::parse_own_flags(&argc, argv);
  benchmark::RegisterBenchmark("concurrent_map/lookup", BM_Lookup)
      ->Arg(100000)
      ->Arg(1000000)
      ->Iterations(1)
      ->UseManualTime();
  benchmark::RegisterBenchmark("concurrent_map/read_mostly", BM_ReadMostly)
      ->Iterations(1)
      ->UseManualTime();
  benchmark::RegisterBenchmark("concurrent_map/with_iteration", BM_WithIteration)
      ->Iterations(1)
      ->UseManualTime();
  benchmark::RegisterBenchmark("concurrent_map/writer_during_iteration", BM_WriterDuringIteration)
      ->Iterations(1)
      ->UseManualTime();
  benchmark::RegisterBenchmark("concurrent_map/iterate", BM_Iterate)
      ->Iterations(1)
      ->UseManualTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
