// A report generator that hands work to background threads and callbacks.
// The maps it builds are locals: every background user below can outlive
// them.
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

using Totals = std::map<std::string, long>;

void publish(const Totals &);

class Reporter {
public:
  void startNightlyReport() {
    Totals totals;
    totals["orders"] = 0;
    // The thread is detached: 'totals' dies when this function returns.
    std::thread([&totals] { publish(totals); }).detach();
  }

  void scheduleFlush() {
    Totals pending;
    pending["retries"] = 3;
    // Stored for later: runs after 'pending' is destroyed.
    onFlush_ = [&] { publish(pending); };
  }

  void rememberLast() {
    Totals snapshot;
    last_ = &snapshot; // dangling as soon as this returns
  }

  void fanOut() {
    Totals shared;
    std::vector<std::thread> workers;
    for (int i = 0; i < 4; ++i)
      workers.emplace_back([&] { publish(shared); });
    // forgot to join: the threads still read 'shared' after it is gone
    for (auto &w : workers)
      w.detach();
  }

  Reporter() : cache_(new Totals) {} // raw owner: who deletes it?

private:
  std::function<void()> onFlush_;
  const Totals *last_ = nullptr;
  Totals *cache_;
};
