// RUN: %check_mapguard -std=c++17-or-later %s mapguard-subscript-insertion %t

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

struct Node { int value; };
struct Stats { int hits; int misses; };
void takeInt(int);
void takeString(const std::string &);
void takeMutable(int &);
std::string makeKey();

// ---- positives --------------------------------------------------------------

class Registry {
public:
  int get(const std::string &k) { return counts_[k]; }
  // CHECK-MESSAGES: :[[@LINE-1]]:42: warning: 'operator[]' on 'counts_' inserts a default element when the key is missing, but the result is only read; it is the only write to 'counts_' in 'get' [mapguard-subscript-insertion]
  // CHECK-FIXES: int get(const std::string &k) { return counts_.count(k) ? counts_.at(k) : 0; }
  void touch(const std::string &k) {
    counts_["seen"] = 1;
    int n = counts_[k];
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'operator[]' on 'counts_' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
    // CHECK-FIXES: int n = counts_.count(k) ? counts_.at(k) : 0;
    takeInt(n);
  }
  int total(const std::string &k) {
    int sum = 0;
    for (const auto &kv : counts_)
      sum += counts_[k] + kv.second;
      // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'operator[]' on 'counts_' inserts a default element when the key is missing, but the result is only read; inside the loop over 'counts_' the inserted element may be visited by the loop [mapguard-subscript-insertion]
      // CHECK-MESSAGES: :[[@LINE-3]]:5: note: 'counts_' is iterated here
      // CHECK-FIXES: sum += (counts_.count(k) ? counts_.at(k) : 0) + kv.second;
    return sum;
  }

private:
  std::map<std::string, int> counts_;
};

void copyIntoLocal(std::map<int, int> &m, int k) {
  int x = m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'copyIntoLocal' [mapguard-subscript-insertion]
  // CHECK-FIXES: int x = m.count(k) ? m.at(k) : 0;
  takeInt(x);
}

void compareInCondition(std::map<int, int> &m, int k) {
  if (m[k] > 0)
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'compareInCondition' [mapguard-subscript-insertion]
  // CHECK-FIXES: if ((m.count(k) ? m.at(k) : 0) > 0)
    takeInt(1);
}

void passByValue(std::map<int, int> &m, int k) {
  takeInt(m[k]);
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'passByValue' [mapguard-subscript-insertion]
  // CHECK-FIXES: takeInt(m.count(k) ? m.at(k) : 0);
}

void boolFlag(std::map<int, bool> &flags, int k) {
  if (flags[k])
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'operator[]' on 'flags' inserts a default element when the key is missing, but the result is only read; it is the only write to 'flags' in 'boolFlag' [mapguard-subscript-insertion]
  // CHECK-FIXES: if (flags.count(k) ? flags.at(k) : false)
    takeInt(1);
}

void pointerValue(std::map<int, Node *> &nodes, int k) {
  Node *n = nodes[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: 'operator[]' on 'nodes' inserts a default element when the key is missing, but the result is only read; it is the only write to 'nodes' in 'pointerValue' [mapguard-subscript-insertion]
  // CHECK-FIXES: Node *n = nodes.count(k) ? nodes.at(k) : nullptr;
  takeInt(n ? n->value : 0);
}

void compoundTotal(std::map<int, double> &prices, int k) {
  double total = 0;
  total += prices[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: 'operator[]' on 'prices' inserts a default element when the key is missing, but the result is only read; it is the only write to 'prices' in 'compoundTotal' [mapguard-subscript-insertion]
  // CHECK-FIXES: total += (prices.count(k) ? prices.at(k) : 0.0);
  takeInt(static_cast<int>(total));
}

int unorderedPlusOne(std::unordered_map<int, int> &u, int k) {
  return u[k] + 1;
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'u' inserts a default element when the key is missing, but the result is only read; it is the only write to 'u' in 'unorderedPlusOne' [mapguard-subscript-insertion]
  // CHECK-FIXES: return (u.count(k) ? u.at(k) : 0) + 1;
}

void stringByConstRef(std::map<int, std::string> &names, int k) {
  const auto &v = names[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'operator[]' on 'names' inserts a default element when the key is missing, but the result is only read; it is the only write to 'names' in 'stringByConstRef' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:19: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
  takeString(v);
}

std::size_t stringSize(std::map<int, std::string> &names, int k) {
  return names[k].size();
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'names' inserts a default element when the key is missing, but the result is only read; it is the only write to 'names' in 'stringSize' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

bool stringCompare(std::map<int, std::string> &names, int k) {
  return names[k] == "x";
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'names' inserts a default element when the key is missing, but the result is only read; it is the only write to 'names' in 'stringCompare' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

void passByConstRef(std::map<int, std::string> &names, int k) {
  takeString(names[k]);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'operator[]' on 'names' inserts a default element when the key is missing, but the result is only read; it is the only write to 'names' in 'passByConstRef' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:14: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

int sumBucket(std::map<int, std::vector<int>> &index, int k) {
  int sum = 0;
  for (int v : index[k])
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: 'operator[]' on 'index' inserts a default element when the key is missing, but the result is only read; it is the only write to 'index' in 'sumBucket' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:16: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
    sum += v;
  return sum;
}

int firstOfBucket(std::map<int, std::vector<int>> &index, int k) {
  return index[k][0];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'index' inserts a default element when the key is missing, but the result is only read; it is the only write to 'index' in 'firstOfBucket' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

bool bucketEmpty(std::map<int, std::vector<int>> &index, int k) {
  return index[k].empty();
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'index' inserts a default element when the key is missing, but the result is only read; it is the only write to 'index' in 'bucketEmpty' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

int readInLambda(std::map<int, int> &m, int k) {
  auto read = [&] { return m[k]; };
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'readInLambda' [mapguard-subscript-insertion]
  // CHECK-FIXES: auto read = [&] { return m.count(k) ? m.at(k) : 0; };
  return read();
}

int literalKey(std::map<std::string, int> &m) {
  return m["alpha"];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'literalKey' [mapguard-subscript-insertion]
  // CHECK-FIXES: return m.count("alpha") ? m.at("alpha") : 0;
}

int computedKey(std::map<std::string, int> &m) {
  return m[makeKey()];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'computedKey' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

int throughPointer(std::map<int, int> *p, int k) {
  return (*p)[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'p' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

struct Config { std::map<int, int> table; };
int memberOfLocal(Config &cfg, int k) {
  return cfg.table[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'cfg.table' inserts a default element when the key is missing, but the result is only read; it is the only write to 'cfg.table' in 'memberOfLocal' [mapguard-subscript-insertion]
  // CHECK-FIXES: return cfg.table.count(k) ? cfg.table.at(k) : 0;
}

long namedCast(std::map<int, int> &m, int k) {
  return static_cast<long>(m[k]);
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'namedCast' [mapguard-subscript-insertion]
  // CHECK-FIXES: return static_cast<long>(m.count(k) ? m.at(k) : 0);
}

short noLiteral(std::map<int, short> &m, int k) {
  return m[k];
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'noLiteral' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

template <class K> int templated(std::map<K, int> &m, K k) { return m[k]; }
// CHECK-MESSAGES: :[[@LINE-1]]:69: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'templated' [mapguard-subscript-insertion]
// CHECK-FIXES: template <class K> int templated(std::map<K, int> &m, K k) { return m.count(k) ? m.at(k) : 0; }
int useTemplated(std::map<int, int> &m) { return templated(m, 3); }

int conditional(std::map<int, int> &m, int k, bool c) {
  return c ? m[k] : -1;
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'conditional' [mapguard-subscript-insertion]
  // CHECK-FIXES: return c ? (m.count(k) ? m.at(k) : 0) : -1;
}

int maxOfTwo(std::map<int, int> &m, int a, int b) {
  return std::max(m[a], m[b]);
  // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'maxOfTwo' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:19: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
  // CHECK-MESSAGES: :[[@LINE-3]]:25: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'maxOfTwo' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-4]]:25: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

std::size_t sharedPtrValue(std::map<int, std::shared_ptr<std::string>> &m, int k) {
  return m[k]->size();
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'sharedPtrValue' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

int fieldRead(std::map<int, Stats> &m, int k) {
  return m[k].hits;
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: 'operator[]' on 'm' inserts a default element when the key is missing, but the result is only read; it is the only write to 'm' in 'fieldRead' [mapguard-subscript-insertion]
  // CHECK-MESSAGES: :[[@LINE-2]]:10: note: use 'find()' with an explicit default instead, or 'at()' if a missing key is a bug
}

// ---- negatives --------------------------------------------------------------

void assign(std::map<int, int> &m, int k) { m[k] = 1; }
void compoundAssign(std::map<int, int> &m, int k) { m[k] += 2; }
void preIncrement(std::map<int, int> &m, int k) { ++m[k]; }
void postIncrement(std::map<int, int> &m, int k) { m[k]++; }
void pushBack(std::map<int, std::vector<int>> &m, int k) { m[k].push_back(1); }
void clearBucket(std::map<int, std::vector<int>> &m, int k) { m[k].clear(); }
void slot(std::map<int, int> &m, int k) {
  auto &s = m[k];
  s = 3;
}
void ensureExists(std::map<int, int> &m, int k) { m[k]; }
void ensureExistsVoid(std::map<int, int> &m, int k) { (void)m[k]; }
int vectorRead(std::vector<int> &v, int i) { return v[i]; }
int arrayRead(int (&a)[4], int i) { return a[i]; }
struct ConstIndexed {
  int operator[](int) const { return 0; }
};
int userConstSubscript(ConstIndexed &c) { return c[1]; }
int atomicCounter(std::map<int, std::atomic<int>> &counters, int k) {
  return counters[k].load();
}
void lockPerKey(std::map<int, std::mutex> &locks, int k) {
  std::lock_guard<std::mutex> guard(locks[k]);
}
int currentKey(std::map<int, int> &m) {
  int sum = 0;
  for (const auto &kv : m)
    sum += m[kv.first];
  return sum;
}
int leftToMutationDuringIteration(std::unordered_map<int, int> &u, int k) {
  int sum = 0;
  for (const auto &kv : u)
    sum += u[k] + kv.second;
  return sum;
}
std::size_t unevaluated(std::map<int, int> &m, int k) { return sizeof(m[k]); }
std::vector<int> movedOut(std::map<int, std::vector<int>> &m, int k) {
  return std::move(m[k]);
}
void nonConstRef(std::map<int, int> &m, int k) { takeMutable(m[k]); }
int *addressTaken(std::map<int, int> &m, int k) { return &m[k]; }
void mutateElements(std::map<int, std::vector<int>> &m, int k) {
  for (auto &x : m[k])
    ++x;
}
void swapped(std::map<int, int> &m, int a, int b) { std::swap(m[a], m[b]); }
int lookups(const std::map<int, int> &m, int k) {
  auto it = m.find(k);
  return it != m.end() ? it->second : m.at(k);
}
template <class K> int neverInstantiated(std::map<K, int> &m, K k) { return m[k]; }
