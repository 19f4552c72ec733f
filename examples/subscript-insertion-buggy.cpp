// A configuration cache read by many request threads under a reader lock.
// Every lookup uses operator[], which inserts a default value for a missing
// key: a write under a shared lock, a growing map, and a silent 0 for typos.
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

class FeatureFlags {
public:
  bool enabled(const std::string &name) {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return flags_[name]; // inserts 'false' for an unknown flag
  }

  int rolloutPercent(const std::string &name) {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    if (percent_[name] > 100) // inserts 0 for an unknown flag
      return 100;
    return percent_.at(name);
  }

  void set(const std::string &name, bool on, int percent) {
    std::unique_lock<std::shared_mutex> lock(mutex_);
    flags_[name] = on;
    percent_[name] = percent;
  }

private:
  std::shared_mutex mutex_;
  std::unordered_map<std::string, bool> flags_;
  std::map<std::string, int> percent_;
};

struct Route {
  std::string backend;
  int weight = 0;
};

int totalWeight(std::map<std::string, std::vector<Route>> &routes,
                const std::string &host) {
  int total = 0;
  for (const Route &r : routes[host]) // inserts an empty route list
    total += r.weight;
  return total;
}

std::string describe(std::map<int, std::string> &names, int id) {
  const std::string &name = names[id]; // inserts an empty name
  return name.empty() ? "<unknown>" : name;
}
