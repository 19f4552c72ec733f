// Fixed workloads for valgrind --tool=callgrind: deterministic instruction
// counts of the same operations on a plain map and on a checked_map, without
// the noise of a shared machine. bench/summarize runs, e.g.:
//   valgrind --tool=callgrind --toggle-collect='mg_workload_*' \
//     checked_map_callgrind find-checked 100000
// and compares the instruction counts of the plain and checked variants.
// Without valgrind, `checked_map_callgrind all N` runs every workload once.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>

#include "mapguard/checked_map.h"

namespace {

using Plain = std::unordered_map<std::uint64_t, std::uint64_t>;
using Checked = mapguard::checked_map<Plain>;

constexpr std::size_t kSize = 1 << 14;

std::uint64_t key_of(std::uint64_t i) { return i * 0xD6E8FEB86659FD93ull + 1; }

template <class Map>
void fill(Map& m) {
  m.reserve(2 * kSize);
  for (std::size_t i = 0; i < kSize; ++i) m.emplace(key_of(i), i);
}

template <class Map>
std::uint64_t find_n(Map& m, std::size_t ops) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < ops; ++i) {
    auto it = m.find(key_of((i * 7919) % kSize));
    if (it != m.end()) sum += it->second;
  }
  return sum;
}

template <class Map>
std::uint64_t insert_erase_n(Map& m, std::size_t ops) {
  for (std::size_t i = 0; i < ops; ++i) {
    const std::uint64_t k = key_of(kSize + i % kSize);
    m.emplace(k, i);
    m.erase(k);
  }
  return m.size();
}

template <class Map>
std::uint64_t iterate_n(Map& m, std::size_t ops) {
  std::uint64_t sum = 0;
  for (std::size_t done = 0; done < ops; done += kSize) {
    for (const auto& kv : m) sum += kv.second;
  }
  return sum;
}

}  // namespace

// The measured regions: callgrind collects only inside these (toggle-collect).
extern "C" {
__attribute__((noinline)) std::uint64_t mg_workload_find_plain(Plain& m, std::size_t n) {
  return find_n(m, n);
}
__attribute__((noinline)) std::uint64_t mg_workload_find_checked(Checked& m, std::size_t n) {
  return find_n(m, n);
}
__attribute__((noinline)) std::uint64_t mg_workload_insert_erase_plain(Plain& m, std::size_t n) {
  return insert_erase_n(m, n);
}
__attribute__((noinline)) std::uint64_t mg_workload_insert_erase_checked(Checked& m,
                                                                        std::size_t n) {
  return insert_erase_n(m, n);
}
__attribute__((noinline)) std::uint64_t mg_workload_iterate_plain(Plain& m, std::size_t n) {
  return iterate_n(m, n);
}
__attribute__((noinline)) std::uint64_t mg_workload_iterate_checked(Checked& m, std::size_t n) {
  return iterate_n(m, n);
}
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s {find|insert_erase|iterate}-{plain|checked}|all OPS\n",
                 argv[0]);
    return 2;
  }
  const std::string what = argv[1];
  const std::size_t ops = std::strtoull(argv[2], nullptr, 10);
  Plain plain;
  Checked checked;
  fill(plain);
  fill(checked);
  const bool all = what == "all";
  std::uint64_t r = 0;
  if (all || what == "find-plain") r += mg_workload_find_plain(plain, ops);
  if (all || what == "find-checked") r += mg_workload_find_checked(checked, ops);
  if (all || what == "insert_erase-plain") r += mg_workload_insert_erase_plain(plain, ops);
  if (all || what == "insert_erase-checked") r += mg_workload_insert_erase_checked(checked, ops);
  if (all || what == "iterate-plain") r += mg_workload_iterate_plain(plain, ops);
  if (all || what == "iterate-checked") r += mg_workload_iterate_checked(checked, ops);
  std::printf("%s %zu -> %llu\n", what.c_str(), ops, static_cast<unsigned long long>(r));
  return 0;
}
