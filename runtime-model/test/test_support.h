// Helpers shared by the runtime-model tests: a violation handler that records
// (and optionally throws) so tests can observe reports, and sanitizer probes.

#ifndef MAPGUARD_TEST_SUPPORT_H_
#define MAPGUARD_TEST_SUPPORT_H_

#include <atomic>
#include <mutex>
#include <string>

#include "mapguard/checked_map.h"

namespace mapguard_test {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
#else
inline constexpr bool kThreadSanitizer = false;
#endif

// Thrown by record_and_throw: leaves the reporting increment or mutation
// before it touches the map.
struct reported {
  mapguard::violation_kind kind;
};

class recorder {
 public:
  struct entry {
    mapguard::violation_kind kind{};
    std::string operation;
    std::string map_type;
    unsigned line = 0;
  };

  static void record(const mapguard::violation& v) {
    std::lock_guard<std::mutex> l(mu());
    last_entry() = entry{v.kind, std::string(v.operation), std::string(v.map_type),
                         v.iteration_site.line};
    counter().fetch_add(1);
  }
  static void record_and_throw(const mapguard::violation& v) {
    record(v);
    throw reported{v.kind};
  }
  static void reset() {
    std::lock_guard<std::mutex> l(mu());
    last_entry() = entry{};
    counter().store(0);
  }
  static int count() { return counter().load(); }
  static entry last() {
    std::lock_guard<std::mutex> l(mu());
    return last_entry();
  }

 private:
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  static entry& last_entry() {
    static entry e;
    return e;
  }
  static std::atomic<int>& counter() {
    static std::atomic<int> c{0};
    return c;
  }
};

// Installs a handler for the scope of a test.
class scoped_handler {
 public:
  explicit scoped_handler(mapguard::violation_handler h)
      : previous_(mapguard::set_violation_handler(h)) {}
  ~scoped_handler() { mapguard::set_violation_handler(previous_); }
  scoped_handler(const scoped_handler&) = delete;
  scoped_handler& operator=(const scoped_handler&) = delete;

 private:
  mapguard::violation_handler previous_;
};

}  // namespace mapguard_test

#endif  // MAPGUARD_TEST_SUPPORT_H_
