// The call-depth budget of member-function summaries (MethodEffects):
// mutations made by helpers called in the loop are followed up to the depth
// limit and not beyond; recursion terminates; a wide call graph (every helper
// calls every other one) stays cheap.
//
// RUN: timeout 120 %clang_tidy -config={} --checks='-*,mapguard-*' %s -- -std=c++17 %stdlib_flags 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='[mapguard-' \
// RUN:                  --implicit-check-not='error:'
#include <map>
#include <string>

// Mutations made inside member functions called in the loop are followed a
// few calls deep (MethodEffects' depth limit, 3 calls below the one in the
// loop); deeper chains are not followed and stay silent.
class Chain {
  std::map<std::string, int> table;

  void level4(const std::string &k) { table.erase(k); }
  void level3(const std::string &k) { level4(k); }
  void level2(const std::string &k) { level3(k); }
  void level1(const std::string &k) { level2(k); }
  void level0(const std::string &k) { level1(k); }

public:
  // Reported: the erase is three calls below level1.
  void withinTheLimit() {
    for (auto &e : table)
      level1(e.first);
      // CHECK-DAG: call-depth-budget.cpp:[[@LINE-1]]:7: warning: 'erase' on 'table' in 'level1' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  }
  // Not reported: the erase is four calls below level0, past the limit.
  void beyondTheLimit() {
    for (auto &e : table)
      level0(e.first);
  }
};

// Recursion (direct and mutual) terminates.
class Recursive {
  std::map<int, int> table;
  void ping(int k) {
    if (k > 0)
      pong(k - 1);
    table.erase(k);
  }
  void pong(int k) { ping(k); }
  void self(int k) {
    if (k)
      self(k - 1);
  }

public:
  void run() {
    for (auto &e : table) {
      self(e.first);
      ping(e.first);
      // CHECK-DAG: call-depth-budget.cpp:[[@LINE-1]]:7: warning: 'erase' on 'table' in 'ping' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    }
  }
};

// Wide call graphs: every helper calls every other one. The summaries stay
// bounded by the depth limit and the recursion guard.
#define HELPER(N)                                                              \
  void h##N(int k) {                                                           \
    if (k < 0) {                                                               \
      h0(k); h1(k); h2(k); h3(k); h4(k); h5(k); h6(k); h7(k);                  \
      h8(k); h9(k); h10(k); h11(k); h12(k); h13(k); h14(k); h15(k);            \
    }                                                                          \
    table.count(k);                                                            \
  }
class Wide {
  std::map<int, int> table;
  HELPER(0) HELPER(1) HELPER(2) HELPER(3) HELPER(4) HELPER(5) HELPER(6)
  HELPER(7) HELPER(8) HELPER(9) HELPER(10) HELPER(11) HELPER(12) HELPER(13)
  HELPER(14) HELPER(15)

public:
  void run() {
    for (auto &e : table) {
      h0(e.first); h1(e.first); h2(e.first); h3(e.first);
      h4(e.first); h5(e.first); h6(e.first); h7(e.first);
      h8(e.first); h9(e.first); h10(e.first); h11(e.first);
      h12(e.first); h13(e.first); h14(e.first); h15(e.first);
    }
  }
};
