// RUN: %check_mapguard -std=c++17-or-later %s mapguard-mutation-during-iteration %t
// RUN: %check_mapguard -check-suffixes=,UNCERTAIN -std=c++17 %s mapguard-mutation-during-iteration %t -- \
// RUN:   -config="{CheckOptions: {mapguard-mutation-during-iteration.ReportUncertainErase: true}}"

// std::map, std::multimap, std::unordered_map: erasing, clearing, inserting
// inside the loop that iterates the map. Flat and concurrent maps, templates,
// macros and options are in mutation-during-iteration-families.cpp.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

using Index = std::map<std::string, int>;

// ---------------------------------------------------------------------------
// Positives: node-ordered maps.

void eraseCurrentKeyInRangeFor(Index &index) {
  for (auto &entry : index)
    if (entry.second == 0)
      index.erase(entry.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'index' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'index' is iterated here; iterate with an explicit iterator and advance with 'it = index.erase(it)', or use std::erase_if (C++20)
}

void eraseStructuredBindingKey(std::map<int, int> &m) {
  for (auto &[key, value] : m)
    if (value < 0)
      m.erase(key);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; iterate with an explicit iterator and advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void eraseIteratorWithoutReassigning(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it->second == 0)
      m.erase(it);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void eraseKeyThroughIterator(std::map<int, int> &m) {
  for (auto pos = m.begin(); pos != m.end(); ++pos)
    if (pos->second == 0)
      m.erase(pos->first);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; advance with 'pos = m.erase(pos)', or use std::erase_if (C++20)
}

void eraseInWhileLoop(std::map<int, int> &m) {
  auto it = m.begin();
  while (it != m.end()) {
    if ((*it).second == 0)
      m.erase((*it).first);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; advance with 'it = m.erase(it)', or use std::erase_if (C++20)
    ++it;
  }
}

void eraseInDoWhileLoop(std::map<int, int> &m) {
  if (m.empty())
    return;
  auto it = m.begin();
  do {
    m.erase(it);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'm' is iterated here; advance with 'it = m.erase(it)', or use std::erase_if (C++20)
    ++it;
  } while (it != m.end());
}

void eraseWithConstIterators(const std::map<int, int> &seen, std::map<int, int> &m) {
  for (auto it = m.cbegin(); it != m.cend(); ++it)
    if (seen.count(it->first))
      m.erase(it);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void eraseRangeFromCurrent(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it->second > 100)
      m.erase(it, m.end());
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void eraseKeyHeldInAReference(Index &index) {
  for (const auto &entry : index) {
    const std::string &name = entry.first;
    if (name.empty())
      index.erase(name);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'index' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-5]]:3: note: 'index' is iterated here; iterate with an explicit iterator and advance with 'it = index.erase(it)', or use std::erase_if (C++20)
  }
}

void extractCurrent(std::map<int, std::string> &m, std::map<int, std::string> &out) {
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it->second.empty())
      out.insert(m.extract(it));
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: 'extract' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void eraseFromMultimap(std::multimap<int, int> &mm) {
  for (auto &kv : mm)
    if (kv.second == 0)
      mm.erase(kv.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'mm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'mm' is iterated here; iterate with an explicit iterator and advance with 'it = mm.erase(it)', or use std::erase_if (C++20)
}

void eraseThenContinue(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (it->second == 0) {
      m.erase(it);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
      // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; advance with 'it = m.erase(it)', or use std::erase_if (C++20)
      continue;
    }
  }
}

void breakLeavesOnlyTheInnerLoop(std::map<int, int> &m, const std::vector<int> &banned) {
  for (auto &kv : m) {
    for (int b : banned) {
      if (kv.first == b) {
        m.erase(kv.first);
        // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
        // CHECK-MESSAGES: :[[@LINE-5]]:3: note: 'm' is iterated here; iterate with an explicit iterator and advance with 'it = m.erase(it)', or use std::erase_if (C++20)
        break;
      }
    }
  }
}

void clearInsideLoop(std::map<int, int> &m) {
  for (auto &kv : m)
    if (kv.second < 0)
      m.clear();
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'clear' on 'm' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; leave the loop right after it, or do it after the loop
}

void assignInsideLoop(std::map<int, int> &m, const std::map<int, int> &fresh) {
  for (auto &kv : m)
    if (kv.second < 0)
      m = fresh;
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'operator=' on 'm' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; leave the loop right after it, or do it after the loop
}

void swapInsideLoop(std::map<int, int> &m, std::map<int, int> &other) {
  for (auto &kv : m)
    if (kv.second < 0)
      m.swap(other);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'swap' on 'm' moves its elements into another map while the loop over it is running [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; leave the loop right after it, or do it after the loop
}

void stdSwapInsideLoop(std::map<int, int> &m, std::map<int, int> &other) {
  for (auto &kv : other)
    if (kv.second < 0)
      std::swap(m, other);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'swap' on 'other' moves its elements into another map while the loop over it is running [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'other' is iterated here; leave the loop right after it, or do it after the loop
}

// ---------------------------------------------------------------------------
// Positives: node-unordered maps, where inserting may rehash.

void insertWhileIteratingUnordered(std::unordered_map<int, int> &counts) {
  for (auto &kv : counts)
    counts.insert({kv.first * 2, 0});
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'insert' on 'counts' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'counts' is iterated here; collect the new elements and insert them after the loop
}

void emplaceInIteratorLoop(std::unordered_map<int, int> &counts) {
  for (auto it = counts.begin(); it != counts.end(); ++it)
    counts.emplace(it->first + 1, it->second);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'emplace' on 'counts' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'counts' is iterated here; collect the new elements and insert them after the loop
}

void subscriptWithANewKey(std::unordered_map<std::string, int> &words) {
  for (const auto &[word, n] : words)
    words[word + "s"] += n;
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'operator[]' on 'words' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'words' is iterated here; collect the new elements and insert them after the loop
}

void tryEmplaceAndInsertOrAssignNewKeys(std::unordered_map<int, int> &m) {
  for (auto &kv : m) {
    m.try_emplace(-kv.first, 0);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'try_emplace' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'm' is iterated here; collect the new elements and insert them after the loop
    m.insert_or_assign(kv.first + 1000, 1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'insert_or_assign' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-6]]:3: note: 'm' is iterated here; collect the new elements and insert them after the loop
  }
}

void rehashAndReserveInLoop(std::unordered_map<int, int> &m) {
  for (auto &kv : m) {
    if (kv.second == 1)
      m.rehash(64);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'rehash' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; leave the loop right after it, or do it after the loop
    if (kv.second == 2)
      m.reserve(1024);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'reserve' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-8]]:3: note: 'm' is iterated here; leave the loop right after it, or do it after the loop
  }
}

void eraseCurrentFromUnordered(std::unordered_map<int, int> &m) {
  for (auto &kv : m)
    if (kv.second == 0)
      m.erase(kv.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'm' is iterated here; iterate with an explicit iterator and advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

// ---------------------------------------------------------------------------
// Positives: the same map through aliases, pointers and smart pointers.

void throughAReferenceAlias(std::map<int, int> &m) {
  auto &alias = m;
  for (auto &kv : m)
    alias.erase(kv.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'erase' on 'm' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'm' is iterated here; iterate with an explicit iterator and advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void throughAPointerAlias(std::unordered_map<int, int> &m) {
  auto *p = &m;
  for (auto &kv : m)
    p->emplace(kv.first + 1, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'emplace' on 'm' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'm' is iterated here; collect the new elements and insert them after the loop
}

void throughASmartPointer(std::shared_ptr<std::map<int, int>> table) {
  for (auto &kv : *table)
    if (kv.second == 0)
      table->erase(kv.first);
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'erase' on 'table' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'table' is iterated here; iterate with an explicit iterator and advance with 'it = table.erase(it)', or use std::erase_if (C++20)
}

struct Registry {
  std::unordered_map<std::string, int> table_;
  std::map<int, int> ordered_;

  void sweepThroughMemberAlias() {
    auto &t = table_;
    for (auto &entry : table_)
      if (entry.second == 0)
        t.erase(entry.first);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'erase' on 'table_' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-4]]:5: note: 'table_' is iterated here; iterate with an explicit iterator and advance with 'it = table_.erase(it)', or use std::erase_if (C++20)
  }

  // Positives: mutations made by member functions called in the loop.
  void forget(const std::string &name) { table_.erase(name); }
  void forgetAfterLogging(int level, const std::string &name) { forget(name); }
  void reset() { table_.clear(); }
  void remember(const std::string &name) { table_.emplace(name + "'", 1); }

  void sweepThroughHelper() {
    for (auto &entry : table_)
      if (entry.second == 0)
        forget(entry.first);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'erase' on 'table_' in 'forget' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-10]]:42: note: 'table_' is mutated here, in 'forget'
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: 'table_' is iterated here; iterate with an explicit iterator and advance with 'it = table_.erase(it)', or use std::erase_if (C++20)
  }

  void sweepThroughTwoHelpers() {
    for (auto it = table_.begin(); it != table_.end(); ++it)
      if (it->second == 0)
        this->forgetAfterLogging(2, it->first);
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'erase' on 'table_' in 'forgetAfterLogging' removes the current element and invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-19]]:42: note: 'table_' is mutated here, in 'forget'
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: 'table_' is iterated here; advance with 'it = table_.erase(it)', or use std::erase_if (C++20)
  }

  void resetFromLoop() {
    for (auto &entry : table_)
      if (entry.second < 0)
        reset();
    // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: 'clear' on 'table_' in 'reset' invalidates the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-26]]:18: note: 'table_' is mutated here, in 'reset'
    // CHECK-MESSAGES: :[[@LINE-5]]:5: note: 'table_' is iterated here; leave the loop right after it, or do it after the loop
  }

  void insertThroughHelper() {
    for (auto &entry : table_)
      remember(entry.first);
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'emplace' on 'table_' in 'remember' may rehash it and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
    // CHECK-MESSAGES: :[[@LINE-33]]:44: note: 'table_' is mutated here, in 'remember'
    // CHECK-MESSAGES: :[[@LINE-4]]:5: note: 'table_' is iterated here; collect the new elements and insert them after the loop
  }

  // ---- Negatives in a class.

  // The helper erases another member map.
  void dropOrdered(int k) { ordered_.erase(k); }
  void sweepOtherMap() {
    for (auto &entry : table_)
      dropOrdered(entry.second);
  }

  // The helper only reads.
  int lookup(const std::string &name) const {
    auto it = table_.find(name);
    return it == table_.end() ? 0 : it->second;
  }
  int sumThroughReadOnlyHelper() {
    int sum = 0;
    for (auto &entry : table_)
      sum += lookup(entry.first);
    return sum;
  }

  // The helper erases by iterator and returns the next one.
  std::map<int, int>::iterator dropAt(std::map<int, int>::iterator at) {
    return ordered_.erase(at);
  }
  void sweepWithReturningHelper() {
    for (auto it = ordered_.begin(); it != ordered_.end();)
      if (it->second == 0)
        it = dropAt(it);
      else
        ++it;
  }

  // Virtual helpers may be overridden elsewhere: no summary is trusted.
  virtual void onExpired(const std::string &name) { table_.erase(name); }
  void sweepThroughVirtual() {
    for (auto &entry : table_)
      if (entry.second == 0)
        onExpired(entry.first);
  }
  virtual ~Registry() = default;
};

// ---------------------------------------------------------------------------
// Negatives: the correct idioms stay silent.

void eraseReturnsTheNextIterator(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end();) {
    if (it->second == 0)
      it = m.erase(it);
    else
      ++it;
  }
}

void eraseReturnsTheNextIteratorUnordered(std::unordered_map<int, int> &m) {
  for (auto it = m.begin(); it != m.end();)
    it = it->second ? std::next(it) : m.erase(it);
}

void erasePostIncrementOnOrderedMap(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end();) {
    if (it->second == 0)
      m.erase(it++);
    else
      ++it;
  }
}

void erasePostIncrementOnUnorderedMap(std::unordered_map<int, int> &m) {
  for (auto it = m.begin(); it != m.end();) {
    if (it->second == 0)
      m.erase(it++);
    else
      ++it;
  }
}

void erasePostIncrementedCopy(std::map<int, int> &m) {
  auto it = m.begin();
  while (it != m.end()) {
    auto victim = it++;
    if (victim->second == 0)
      m.erase(victim);
  }
}

void eraseThenBreak(std::map<int, int> &m) {
  for (auto &kv : m) {
    if (kv.second == 0) {
      m.erase(kv.first);
      break;
    }
  }
}

int eraseThenReturn(std::map<int, int> &m) {
  for (auto &kv : m) {
    if (kv.second == 0) {
      m.erase(kv.first);
      return kv.first;
    }
  }
  return -1;
}

bool eraseInReturn(std::unordered_map<int, int> &m) {
  for (auto &kv : m)
    if (kv.second == 0)
      return m.erase(kv.first) > 0;
  return false;
}

void clearThenBreak(std::unordered_map<int, int> &m) {
  for (auto &kv : m) {
    if (kv.second < 0) {
      m.clear();
      break;
    }
  }
}

void eraseThenRestartFromBegin(std::map<int, int> &m) {
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (it->second == 0) {
      m.erase(it);
      it = m.begin();
    }
  }
}

void assignMappedValues(std::map<int, int> &m, std::unordered_map<int, int> &u) {
  for (auto &kv : m)
    kv.second = 0;
  for (auto it = u.begin(); it != u.end(); ++it)
    it->second += 1;
}

void insertIntoOrderedMapKeepsIterators(std::map<int, int> &m) {
  for (auto &kv : m)
    if (kv.first > 0 && kv.first < 100)
      m.emplace(-kv.first, kv.second);
}

void subscriptWithTheCurrentKeyNeverInserts(std::unordered_map<std::string, int> &words) {
  for (auto &kv : words)
    words[kv.first] += 1;
  for (auto &[word, n] : words)
    words.insert_or_assign(word, n * 2);
  for (auto it = words.begin(); it != words.end(); ++it)
    words.try_emplace(it->first, 0);
}

void mutateAnotherMap(const std::unordered_map<int, int> &from, std::unordered_map<int, int> &to,
                      std::map<int, int> &a, std::map<int, int> &b) {
  for (auto &kv : from)
    to.insert(kv);
  for (auto &kv : a)
    b.erase(kv.first);
  for (auto it = a.begin(); it != a.end(); ++it)
    b.clear();
}

void iterateASnapshot(std::unordered_map<int, int> &m) {
  const auto snapshot = m;
  for (auto &kv : snapshot)
    if (kv.second == 0)
      m.erase(kv.first);
}

void eraseAnotherKeyIsUncertain(std::map<int, int> &m, int stale) {
  for (auto &kv : m)
    if (kv.second == stale)
      m.erase(stale);
  // CHECK-MESSAGES-UNCERTAIN: :[[@LINE-1]]:7: warning: 'erase' on 'm' may remove the current element and invalidate the iterator of the loop over it [mapguard-mutation-during-iteration]
  // CHECK-MESSAGES-UNCERTAIN: :[[@LINE-4]]:3: note: 'm' is iterated here; iterate with an explicit iterator and advance with 'it = m.erase(it)', or use std::erase_if (C++20)
}

void lambdaDefinedButNotRunInTheLoop(std::map<int, int> &m, std::vector<void (*)()> &later) {
  for (auto &kv : m) {
    auto dropAll = [&m] { m.clear(); };
    (void)dropAll;
  }
}

void eraseAfterTheLoop(std::map<int, int> &m) {
  int victim = -1;
  for (auto &kv : m)
    if (kv.second == 0)
      victim = kv.first;
  m.erase(victim);
}

void nonMapContainers(std::vector<int> &v, std::set<int> &s) {
  for (auto it = v.begin(); it != v.end(); ++it)
    if (*it == 0)
      v.push_back(1);
  for (auto it = s.begin(); it != s.end();)
    it = *it ? s.erase(it) : std::next(it);
}

void suppressedWithNolint(std::map<int, int> &m) {
  for (auto &kv : m)
    m.erase(kv.first); // NOLINT(mapguard-mutation-during-iteration)
}

void iterateATemporary(std::map<int, int> &m) {
  for (auto &kv : std::map<int, int>(m))
    m.erase(kv.first);
}

