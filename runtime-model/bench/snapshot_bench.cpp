// How long snapshot(map, mutex) holds the lock, against a plain iteration of
// the same map under the same lock, and against copy-constructing the map
// under the lock. The lock is a std::mutex wrapper that adds up the time
// between each lock() and the matching unlock(): exactly the time other
// threads would wait. Each benchmark iteration runs the three, in rotating
// order, on the same map.
//
// Target (docs/runtime-model.md): snapshot hold <= 1.2x the plain iteration at
// 1e3, 1e5 and 1e6 entries.

#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

#include "bench_util.h"
#include "mapguard/snapshot.h"

namespace {

using mapguard_bench::key_of;
using mapguard_bench::now_ns;

class timed_mutex_wrapper {
 public:
  void lock() {
    mu_.lock();
    since_ = now_ns();
  }
  void unlock() {
    held_ns_ += now_ns() - since_;
    mu_.unlock();
  }
  double take_held_ns() {
    const double h = held_ns_;
    held_ns_ = 0;
    return h;
  }

 private:
  std::mutex mu_;
  double since_ = 0;
  double held_ns_ = 0;
};

template <class Map>
void BM_SnapshotVsIterate(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Map m;
  for (std::size_t i = 0; i < n; ++i) m.emplace(key_of(i), i);
  timed_mutex_wrapper mu;
  double iterate_ns = 0, snapshot_ns = 0, copy_ns = 0, snapshot_total_ns = 0;
  int round = 0;
  for (auto _ : state) {
    for (int step = 0; step < 3; ++step) {
      switch ((round + step) % 3) {
        case 0: {
          std::uint64_t sum = 0;
          {
            std::lock_guard<timed_mutex_wrapper> l(mu);
            for (const auto& kv : m) sum += kv.second;
          }
          benchmark::DoNotOptimize(sum);
          iterate_ns += mu.take_held_ns();
          break;
        }
        case 1: {
          const double t0 = now_ns();
          auto snap = mapguard::snapshot(m, mu);
          snapshot_total_ns += now_ns() - t0;
          benchmark::DoNotOptimize(snap.data());
          snapshot_ns += mu.take_held_ns();
          break;  // the vector is freed here, outside the lock and the timing
        }
        case 2: {
          Map* copy;
          {
            std::lock_guard<timed_mutex_wrapper> l(mu);
            copy = new Map(m);
          }
          copy_ns += mu.take_held_ns();
          delete copy;
          break;
        }
      }
    }
    ++round;
  }
  const double rounds = static_cast<double>(round);
  state.counters["iterate_us"] = iterate_ns / rounds / 1e3;
  state.counters["snapshot_hold_us"] = snapshot_ns / rounds / 1e3;
  state.counters["snapshot_total_us"] = snapshot_total_ns / rounds / 1e3;
  state.counters["copy_hold_us"] = copy_ns / rounds / 1e3;
  state.counters["snapshot_ratio"] = snapshot_ns / iterate_ns;
  state.counters["copy_ratio"] = copy_ns / iterate_ns;
}

using U = std::unordered_map<std::uint64_t, std::uint64_t>;
using O = std::map<std::uint64_t, std::uint64_t>;

}  // namespace

int main(int argc, char** argv) {
  mapguard_bench::parse_own_flags(&argc, argv);
  const bool brief = mapguard_bench::brief();
  for (auto* b : {benchmark::RegisterBenchmark("snapshot/unordered_map", BM_SnapshotVsIterate<U>),
                  benchmark::RegisterBenchmark("snapshot/map", BM_SnapshotVsIterate<O>)}) {
    b->Arg(1000)->Arg(brief ? 10000 : 100000);
    if (!brief) b->Arg(1000000);
    b->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
