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
#include <vector>

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
  // Per round: the three lock-hold times, measured back to back in rotating
  // order; the reported figures are medians over rounds (a preempted round
  // is an outlier on a shared machine).
  std::vector<double> iterate_ns, snapshot_ns, copy_ns, snapshot_total_ns, snapshot_ratio,
      copy_ratio;
  int round = 0;
  for (auto _ : state) {
    double it = 0, sn = 0, cp = 0;
    for (int step = 0; step < 3; ++step) {
      switch ((round + step) % 3) {
        case 0: {
          std::uint64_t sum = 0;
          {
            std::lock_guard<timed_mutex_wrapper> l(mu);
            for (const auto& kv : m) sum += kv.second;
          }
          benchmark::DoNotOptimize(sum);
          it = mu.take_held_ns();
          break;
        }
        case 1: {
          const double t0 = now_ns();
          auto snap = mapguard::snapshot(m, mu);
          snapshot_total_ns.push_back(now_ns() - t0);
          benchmark::DoNotOptimize(snap.data());
          sn = mu.take_held_ns();
          break;  // the vector is freed here, outside the lock and the timing
        }
        case 2: {
          Map* copy;
          {
            std::lock_guard<timed_mutex_wrapper> l(mu);
            copy = new Map(m);
          }
          cp = mu.take_held_ns();
          delete copy;
          break;
        }
      }
    }
    iterate_ns.push_back(it);
    snapshot_ns.push_back(sn);
    copy_ns.push_back(cp);
    snapshot_ratio.push_back(sn / it);
    copy_ratio.push_back(cp / it);
    ++round;
  }
  using mapguard_bench::median;
  state.counters["iterate_us"] = median(iterate_ns) / 1e3;
  state.counters["snapshot_hold_us"] = median(snapshot_ns) / 1e3;
  state.counters["snapshot_total_us"] = median(snapshot_total_ns) / 1e3;
  state.counters["copy_hold_us"] = median(copy_ns) / 1e3;
  state.counters["snapshot_ratio"] = median(snapshot_ratio);
  state.counters["copy_ratio"] = median(copy_ratio);
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
