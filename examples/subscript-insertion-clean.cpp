// The same cache with lookups that never insert: find() with an explicit
// default, at() where a missing key is a bug, and operator[] only where the
// code means to insert or update.
#include <atomic>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

class FeatureFlags {
public:
  bool enabled(const std::string &name) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = flags_.find(name);
    return it != flags_.end() && it->second;
  }

  int rolloutPercent(const std::string &name) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    auto it = percent_.find(name);
    return it == percent_.end() ? 0 : it->second;
  }

  void set(const std::string &name, bool on, int percent) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    flags_[name] = on;
    percent_[name] = percent;
  }

  void bump(const std::string &name) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    ++hits_[name]; // counting: insertion intended
    auto &slot = percent_[name];
    slot = slot < 100 ? slot + 1 : 100;
  }

private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, bool> flags_;
  std::map<std::string, int> percent_;
  std::map<std::string, int> hits_;
};

struct Route {
  std::string backend;
  int weight = 0;
};

int totalWeight(const std::map<std::string, std::vector<Route>> &routes,
                const std::string &host) {
  int total = 0;
  auto it = routes.find(host);
  if (it == routes.end())
    return 0;
  for (const Route &r : it->second)
    total += r.weight;
  return total;
}

void addRoute(std::map<std::string, std::vector<Route>> &routes,
              const std::string &host, Route r) {
  routes[host].push_back(std::move(r)); // insert-or-append: intended
}

// Per-key counters created on first use: operator[] is the idiom.
long countRequest(std::map<std::string, std::atomic<long>> &counters,
                  const std::string &path) {
  return counters[path].fetch_add(1) + 1;
}

int sumKnown(std::map<int, int> &scores) {
  int sum = 0;
  for (const auto &entry : scores)
    sum += scores[entry.first]; // the current key: never inserts
  return sum;
}
