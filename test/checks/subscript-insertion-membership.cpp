// RUN: %check_mapguard -std=c++17-or-later %s mapguard-subscript-insertion %t
//
// `m[k]` where an earlier membership test or insertion proved the key present
// cannot insert: silent. The proof is forgotten at anything that may remove
// the key or change it before the subscript: reported.

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

void takeInt(int);
void log(const char *);
void reset(std::map<int, int> &);
void compute();

// ---- the key is present: silent ----------------------------------------------

int guardedByCount(std::map<int, int> &m, int k) {
  if (m.count(k))
    return m[k];
  return -1;
}
int guardedByFind(std::map<std::string, int> &m, const std::string &k) {
  if (m.find(k) != m.end())
    return m[k];
  return -1;
}
int earlyReturnOnFind(std::map<std::string, int> &m, const std::string &k) {
  if (m.find(k) == m.end())
    return -1;
  return m[k];
}
int earlyThrowOnCount(std::unordered_map<int, int> &m, int k) {
  if (m.count(k) == 0) {
    log("missing");
    throw std::out_of_range("k");
  }
  return m[k];
}
int elseOfCountZero(std::map<int, int> &m, int k) {
  int v;
  if (m.count(k) == 0) {
    v = 0;
  } else {
    v = m[k];
  }
  return v;
}
int countComparedWithConstants(std::map<int, int> &m, int k) {
  int v = 0;
  if (m.count(k) > 0)
    v += m[k];
  if (m.count(k) != 0)
    v += m[k];
  if (1 <= m.count(k))
    v += m[k];
  if (!(m.count(k) < 1))
    v += m[k];
  return v;
}
int conditionalOperator(std::map<int, int> &m, int k) {
  return m.count(k) ? m[k] : 0;
}
int conditionalOperatorFalseBranch(std::map<int, int> &m, int k) {
  return m.find(k) == m.end() ? 0 : m[k];
}
bool shortCircuitAnd(std::map<int, int> &m, int k) {
  return m.count(k) && m[k] > 3;
}
bool shortCircuitOr(std::map<int, int> &m, int k) {
  return m.find(k) == m.end() || m[k] > 3;
}
int conjunctionInCondition(std::map<int, int> &m, int k, bool verbose) {
  if (verbose && m.count(k) > 0 && k > 2)
    return m[k];
  return 0;
}
int disjunctionThenLeave(std::map<int, int> &m, int k, bool off) {
  if (off || !m.count(k))
    return 0;
  return m[k];
}
int sumPresent(std::map<int, int> &m, const std::vector<int> &keys) {
  int sum = 0;
  for (int k : keys) {
    if (!m.count(k))
      continue;
    sum += m[k];
  }
  return sum;
}
int firstPresent(std::map<int, int> &m, const std::vector<int> &keys) {
  int found = 0;
  for (int k : keys) {
    if (m.find(k) == m.end())
      break;
    found = m[k];
  }
  return found;
}
int filledWhenMissing(std::map<int, int> &m, int k) {
  if (m.find(k) == m.end())
    m[k] = 42;
  return m[k];
}
int filledByTryEmplace(std::map<int, int> &m, int k) {
  if (!m.count(k)) {
    log("first use");
    m.try_emplace(k, 7);
  }
  return m[k];
}
int readAfterWrite(std::map<int, int> &m, int k) {
  m[k] = 1;
  return m[k];
}
int readAfterEmplace(std::map<int, int> &m, int k) {
  m.emplace(k, 3);
  takeInt(m[k]);
  return 0;
}
int countAtLeastTwo(std::map<int, int> &m, int k) {
  if (m.count(k) < 2)
    return 0;
  return m[k];
}
int literalKey(std::map<std::string, int> &m) {
  if (m.count("limit"))
    return m["limit"];
  return 10;
}
int insertionsOfOtherKeysKeepIt(std::map<int, int> &m, int k, int j) {
  if (!m.count(k))
    return 0;
  m[j] = 5;
  m.insert({j + 1, 6});
  compute();
  return m[k];
}
int keyOnlyRead(std::map<std::string, int> &m, std::string k) {
  if (!m.count(k))
    return 0;
  takeInt(static_cast<int>(k.size()));
  return m[k];
}
int memberKey(std::map<int, int> &m, const std::pair<int, int> &p) {
  if (m.find(p.first) != m.end())
    return m[p.first];
  return 0;
}

class Table {
public:
  int size(const std::string &name) {
    std::lock_guard<std::mutex> lock(mu_);
    if (files_.find(name) == files_.end())
      return -1;
    touch();
    return files_[name];
  }
  int sizeOrZero(const std::string &name) {
    std::lock_guard<std::mutex> lock(mu_);
    return files_.count(name) ? files_[name] : 0;
  }

private:
  void touch() { ++touches_; }
  std::mutex mu_;
  std::map<std::string, int> files_;
  int touches_ = 0;
};

int iteratorDeclaredJustBefore(std::map<int, int> &m, int k) {
  auto it = m.find(k);
  if (it == m.end())
    return 0;
  return m[k];
}
int iteratorInIfInit(std::map<int, int> &m, int k) {
  if (auto it = m.find(k); it != m.end())
    return m[k];
  return 0;
}
int countKeptInAVariable(std::map<int, int> &m, int k) {
  const auto n = m.count(k);
  if (n == 0)
    return 0;
  return m[k];
}

#if __cplusplus > 201703L
int guardedByContains(std::map<int, int> &m, int k) {
  if (!m.contains(k))
    return 0;
  return m[k];
}
#endif

// ---- the proof does not hold: reported -----------------------------------------

int erasedInBetween(std::map<int, int> &m, int k, int j) {
  if (!m.count(k))
    return 0;
  m.erase(j);
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}
int clearedInBetween(std::unordered_map<int, int> &m, int k, bool fresh) {
  if (m.find(k) == m.end())
    return 0;
  if (fresh)
    m.clear();
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}
int passedOnInBetween(std::map<int, int> &m, int k) {
  if (!m.count(k))
    return 0;
  reset(m);
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}
int keyChanged(std::map<int, int> &m, int k) {
  if (!m.count(k))
    return 0;
  ++k;
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'keyChanged' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}
int otherKey(std::map<int, int> &m, int k, int j) {
  if (m.count(k))
    return m[j];
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'otherKey' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(j) ? m.at(j) : 0;
  return 0;
}
int otherMap(std::map<int, int> &a, std::map<int, int> &b, int k) {
  if (a.count(k))
    return b[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'b' inserts a default element when the key is missing, but the result is only read; it is the only write to 'b' in 'otherMap' [mapguard-subscript-insertion]
  // CHECK-FIXES: return b.count(k) ? b.at(k) : 0;
  return 0;
}
int wrongBranch(std::map<int, int> &m, int k) {
  if (m.find(k) == m.end())
    return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'wrongBranch' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
  return 0;
}
int disjunction(std::map<int, int> &m, int k, bool any) {
  if (m.count(k) || any)
    return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'disjunction' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
  return 0;
}
int absentBranchFallsThrough(std::map<int, int> &m, int k) {
  if (!m.count(k))
    log("missing");
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'absentBranchFallsThrough' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}
int countBelowOne(std::map<int, int> &m, int k) {
  if (m.count(k) < 1)
    return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'countBelowOne' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
  return 0;
}
int conditionalFill(std::map<int, int> &m, int k, bool fill) {
  if (fill)
    m[k] = 1;
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}
int erasedLaterInTheLoop(std::map<int, int> &m, int k, int n) {
  if (!m.count(k))
    return 0;
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    sum += m[k];
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
    // CHECK-FIXES: sum += (m.count(k) ? m.at(k) : 0);
    if (sum > 100)
      m.erase(k);
  }
  return sum;
}
int insideLambda(std::map<int, int> &m, int k) {
  if (!m.count(k))
    return 0;
  auto later = [&] { return m[k]; };
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
  // CHECK-FIXES: auto later = [&] { return m.count(k) ? m.at(k) : 0; };
  m.clear();
  return later();
}
int jumpedInto(std::map<int, int> &m, int k, bool skip) {
  if (skip)
    goto use;
  if (!m.count(k))
    return 0;
use:
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'jumpedInto' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}

int iteratorWithStatementsBetween(std::map<int, int> &m, int k, int j) {
  auto it = m.find(k);
  m.erase(j);
  if (it == m.end())
    return 0;
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count(k) ? m.at(k) : 0;
}

std::map<int, int> g_limits;
void reloadLimits();
int globalMapAcrossACall(int k) {
  if (!g_limits.count(k))
    return 0;
  reloadLimits();
  return g_limits[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'g_limits' inserts a default element when the key is missing, but the result is only read; it is the only write to 'g_limits' in 'globalMapAcrossACall' [mapguard-subscript-insertion]
  // CHECK-FIXES: return g_limits.count(k) ? g_limits.at(k) : 0;
}

class Files {
public:
  int rename(const std::string &from, const std::string &to) {
    std::lock_guard<std::mutex> lock(mu_);
    if (files_.find(from) == files_.end())
      return -1;
    remove(to);
    return files_[from];
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'files_' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
    // CHECK-FIXES: return files_.count(from) ? files_.at(from) : 0;
  }
  int viaUnknownMember(const std::string &name) {
    if (!files_.count(name))
      return -1;
    refresh();
    return files_[name];
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'files_' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
    // CHECK-FIXES: return files_.count(name) ? files_.at(name) : 0;
  }

private:
  void remove(const std::string &name) { files_.erase(name); }
  void refresh();
  std::mutex mu_;
  std::map<std::string, int> files_;
};
