// The same reporter with lifetimes that hold: copies or moves into the
// background work, joined threads, shared ownership for stored callbacks.
#include <functional>
#include <future>
#include <map>
#include <memory>
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
    std::thread([totals = std::move(totals)] { publish(totals); }).detach();
  }

  void scheduleFlush() {
    auto pending = std::make_shared<Totals>();
    (*pending)["retries"] = 3;
    onFlush_ = [pending] { publish(*pending); };
  }

  void rememberLast(const Totals &snapshot) { last_ = snapshot; }

  void fanOut() {
    Totals shared;
    std::vector<std::thread> workers;
    for (int i = 0; i < 4; ++i)
      workers.emplace_back([&] { publish(shared); });
    for (auto &w : workers)
      w.join();
  }

  long asyncTotal() {
    Totals local;
    local["a"] = 1;
    auto result = std::async(std::launch::async, [&] { return local.size(); });
    return static_cast<long>(result.get());
  }

  Reporter() : cache_(std::make_unique<Totals>()) {}

private:
  std::function<void()> onFlush_;
  Totals last_;
  std::unique_ptr<Totals> cache_;
};
