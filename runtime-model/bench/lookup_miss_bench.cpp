// What mapguard-subscript-insertion warns about, measured: reading a missing
// key with m[k] inserts {k, V()} (a node allocation, and a rehash now and
// then), while find() only looks. Pairs interleaved as in checked_map_bench:
// a block of finds of missing keys against a block of m[k] reads of other
// missing keys (the inserted keys are erased again, untimed, to keep the
// map's size); medians over blocks.
// Also a block of hits, for the cost of a miss versus a hit.

#include <cstdint>
#include <map>
#include <unordered_map>

#include "bench_util.h"

namespace {

using mapguard_bench::ab_timer;
using mapguard_bench::key_of;
using mapguard_bench::median;

constexpr int kBlock = 512;

template <class Map>
void BM_SubscriptVsFindMiss(benchmark::State& state) {
  const std::size_t n = mapguard_bench::brief() ? 4096 : 65536;
  Map m;
  for (std::size_t i = 0; i < n; ++i) m.emplace(key_of(i), i);
  mapguard_bench::rng r(3);
  std::uint64_t missing[kBlock], absent[kBlock], other_absent[kBlock], present[kBlock];
  ab_timer miss;  // a: find(other_absent), b: m[missing]
  ab_timer hit;   // a: find(present), b: find(absent), other keys than `missing`
  std::size_t grown = 0;
  for (auto _ : state) {
    for (int i = 0; i < kBlock; ++i) {
      missing[i] = key_of(n + r.below(16 * n));
      absent[i] = key_of(17 * n + r.below(16 * n));
      other_absent[i] = key_of(33 * n + r.below(16 * n));
      present[i] = key_of(r.below(n));
    }
    std::uint64_t sum = 0;
    hit.run(
        [&] {
          for (std::uint64_t k : present) sum += m.find(k) != m.end();
        },
        [&] {
          for (std::uint64_t k : absent) sum += m.find(k) != m.end();
        });
    // m[k] on missing keys against find() on other missing keys, so that
    // neither warms the other's buckets and the order can alternate.
    const std::size_t before = m.size();
    miss.run(
        [&] {
          for (std::uint64_t k : other_absent) sum += m.find(k) != m.end();
        },
        [&] {
          for (std::uint64_t k : missing) sum += m[k];  // "only a read"
        });
    grown += m.size() - before;
    for (std::uint64_t k : missing) m.erase(k);  // untimed: keep the size
    benchmark::DoNotOptimize(sum);
  }
  state.counters["find_hit_ns"] = median(hit.a_ns) / kBlock;
  state.counters["find_miss_ns"] = median(hit.b_ns) / kBlock;
  state.counters["miss_vs_hit"] = median(hit.ratios);
  state.counters["paired_find_miss_ns"] = median(miss.a_ns) / kBlock;
  state.counters["subscript_miss_ns"] = median(miss.b_ns) / kBlock;
  state.counters["subscript_vs_find_miss"] = median(miss.ratios);
  state.counters["inserted_per_read"] =
      static_cast<double>(grown) / (static_cast<double>(state.iterations()) * kBlock);
}

}  // namespace

int main(int argc, char** argv) {
  mapguard_bench::parse_own_flags(&argc, argv);
  benchmark::RegisterBenchmark("lookup_miss/unordered_map",
                               BM_SubscriptVsFindMiss<std::unordered_map<std::uint64_t, std::uint64_t>>);
  benchmark::RegisterBenchmark("lookup_miss/map",
                               BM_SubscriptVsFindMiss<std::map<std::uint64_t, std::uint64_t>>);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
