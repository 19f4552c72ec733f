// The cost of mapguard::checked_map against the same unwrapped map, measured
// as interleaved pairs within one run: each benchmark iteration times a block
// of operations on the plain map and the same block on the checked map
// (alternating which goes first) and reports both and their ratio.
//
// Targets (docs/runtime-model.md): find <= 1.05x, insert+erase <= 1.10x,
// iteration <= 1.05x.

#include <cstdint>
#include <map>
#include <unordered_map>

#include "bench_util.h"
#include "mapguard/checked_map.h"

namespace {

using mapguard_bench::ab_timer;
using mapguard_bench::key_of;

constexpr int kBlock = 512;

std::size_t map_size() { return mapguard_bench::brief() ? 4096 : 65536; }

template <class Map>
void fill(Map& m, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) m.emplace(key_of(i), i);
}

// ops_per_pair: operations in one timed block.
void report(benchmark::State& state, const ab_timer& t, double ops_per_pair) {
  using mapguard_bench::median;
  state.counters["plain_ns"] = median(t.a_ns) / ops_per_pair;
  state.counters["checked_ns"] = median(t.b_ns) / ops_per_pair;
  state.counters["ratio"] = median(t.ratios);
}

template <class Map>
void BM_FindPair(benchmark::State& state) {
  const std::size_t n = map_size();
  Map plain;
  mapguard::checked_map<Map> checked;
  fill(plain, n);
  fill(checked, n);
  mapguard_bench::rng r(1);
  std::uint64_t keys[kBlock];
  ab_timer t;
  for (auto _ : state) {
    for (auto& k : keys) k = key_of(r.below(n));
    std::uint64_t sum = 0;
    t.run(
        [&] {
          for (std::uint64_t k : keys) {
            auto it = plain.find(k);
            if (it != plain.end()) sum += it->second;
          }
        },
        [&] {
          for (std::uint64_t k : keys) {
            auto it = checked.find(k);
            if (it != checked.end()) sum += it->second;
          }
        });
    benchmark::DoNotOptimize(sum);
  }
  report(state, t, kBlock);
}

template <class Map>
void BM_InsertErasePair(benchmark::State& state) {
  const std::size_t n = map_size();
  Map plain;
  mapguard::checked_map<Map> checked;
  fill(plain, n);
  fill(checked, n);
  if constexpr (std::is_same_v<Map, std::unordered_map<std::uint64_t, std::uint64_t>>) {
    plain.reserve(n + kBlock);  // keep rehashes out of the steady state
    checked.reserve(n + kBlock);
  }
  mapguard_bench::rng r(2);
  std::uint64_t keys[kBlock];
  ab_timer t;
  for (auto _ : state) {
    for (auto& k : keys) k = key_of(n + r.below(n));  // absent keys
    t.run(
        [&] {
          for (std::uint64_t k : keys) {
            plain.emplace(k, k);
            plain.erase(k);
          }
        },
        [&] {
          for (std::uint64_t k : keys) {
            checked.emplace(k, k);
            checked.erase(k);
          }
        });
  }
  report(state, t, kBlock);
}

template <class Map>
void BM_IteratePair(benchmark::State& state) {
  // Small enough that one pair fits in a scheduler time slice.
  const std::size_t n = map_size() / 4;
  Map plain;
  mapguard::checked_map<Map> checked;
  fill(plain, n);
  fill(checked, n);
  ab_timer t;
  for (auto _ : state) {
    std::uint64_t sum = 0;
    t.run(
        [&] {
          for (const auto& kv : plain) sum += kv.second;
        },
        [&] {
          for (const auto& kv : checked) sum += kv.second;
        });
    benchmark::DoNotOptimize(sum);
  }
  report(state, t, static_cast<double>(n));
}

using U = std::unordered_map<std::uint64_t, std::uint64_t>;
using O = std::map<std::uint64_t, std::uint64_t>;

}  // namespace

int main(int argc, char** argv) {
  mapguard_bench::parse_own_flags(&argc, argv);
  benchmark::RegisterBenchmark("checked_map/find/unordered_map", BM_FindPair<U>);
  benchmark::RegisterBenchmark("checked_map/find/map", BM_FindPair<O>);
  benchmark::RegisterBenchmark("checked_map/insert_erase/unordered_map", BM_InsertErasePair<U>);
  benchmark::RegisterBenchmark("checked_map/insert_erase/map", BM_InsertErasePair<O>);
  benchmark::RegisterBenchmark("checked_map/iterate/unordered_map", BM_IteratePair<U>);
  benchmark::RegisterBenchmark("checked_map/iterate/map", BM_IteratePair<O>);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
