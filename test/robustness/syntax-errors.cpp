// Broken syntax around map loops: clang-tidy reports the compiler's errors
// and exits with 1 (not a crash), and the checks still see the functions the
// parser recovered.
//
// RUN: not %clang_tidy -config={} --checks='-*,mapguard-*' %s -- -std=c++17 %stdlib_flags 2>&1 \
// RUN:   | FileCheck %s --implicit-check-not='[mapguard-' \
// RUN:                  --implicit-check-not='Stack dump' --implicit-check-not='PLEASE submit'

#include <map>
#include <mutex>
#include <string>

void unclosedCondition(std::map<int, int> &m) {
  for (auto &e : m) {
    if (e.second == 0
      m.erase(e.first);
  }
  // CHECK-DAG: syntax-errors.cpp:[[@LINE-2]]:7: error: expected ')' [clang-diagnostic-error]
}

void missingExpression(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end(); ++it) {
    int x = ;
    // CHECK-DAG: syntax-errors.cpp:[[@LINE-1]]:13: error: expected expression [clang-diagnostic-error]
    it->second = x;
  }
}

void brokenRangeFor(std::map<std::string, int> &m) {
  for (auto &[key, value] m)
    m.erase(key);
  // CHECK-DAG: syntax-errors.cpp:[[@LINE-2]]:14: error: {{decomposition|structured binding}} declaration '[key, value]' requires an initializer [clang-diagnostic-error]
}

void brokenLock(std::mutex &mu, std::map<int, int> &m) {
  std::lock_guard<std::mutex> guard(mu;
  // CHECK-DAG: syntax-errors.cpp:[[@LINE-1]]:39: error: expected ')' [clang-diagnostic-error]
  for (auto it = m.begin(); it != m.end();)
    it = m.erase(it);
}

// After all this, a well-formed function is still analysed.
void stillAnalysed(std::map<int, int> &m) {
  for (auto &e : m)
    m.erase(e.first);
  // CHECK-DAG: syntax-errors.cpp:[[@LINE-1]]:5: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
}

struct Unterminated {
  std::map<int, int> table;
  void drain() {
    for (auto &e : table)
      table.erase(e.first)
  }
  // CHECK-DAG: syntax-errors.cpp:[[@LINE-2]]:27: error: expected ';' after expression [clang-diagnostic-error]
  // CHECK-DAG: syntax-errors.cpp:[[@LINE-3]]:7: warning: 'erase' on 'table' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
};

// Swallows the rest of the file: last.
void unclosedParameterList(std::map<int, int> &m {
  for (auto it = m.begin(); it != m.end(); ++it)
    m.erase(it);
}
// CHECK-DAG: syntax-errors.cpp:[[@LINE-4]]:50: error: expected ')' [clang-diagnostic-error]
// CHECK-DAG: error: expected function body after function declarator [clang-diagnostic-error]
// CHECK-DAG: Found compiler error(s).
