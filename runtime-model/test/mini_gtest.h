// A GoogleTest-compatible subset (TEST, EXPECT_*/ASSERT_*, GTEST_SKIP,
// SCOPED_TRACE) for building a test against a standard library that Debian's
// prebuilt GoogleTest was not compiled for (libc++). Only what
// semantics_test.cpp uses; a failed expectation makes main() return 1.

#ifndef MAPGUARD_TEST_MINI_GTEST_H_
#define MAPGUARD_TEST_MINI_GTEST_H_

#include <cstdio>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace mini_gtest {

struct test_case {
  const char* suite;
  const char* name;
  void (*fn)();
};

inline std::vector<test_case>& registry() {
  static std::vector<test_case> tests;
  return tests;
}
inline bool& current_failed() {
  static bool failed = false;
  return failed;
}
inline bool& current_skipped() {
  static bool skipped = false;
  return skipped;
}
inline std::vector<std::string>& traces() {
  static std::vector<std::string> t;
  return t;
}

struct registrar {
  registrar(const char* suite, const char* name, void (*fn)()) {
    registry().push_back({suite, name, fn});
  }
};

// Collects the streamed message of a failed expectation and prints it.
struct failure {
  bool fatal;
  std::ostringstream msg;
  failure(const char* file, int line, const char* what, bool is_fatal) : fatal(is_fatal) {
    msg << file << ":" << line << ": Failure: " << what;
  }
  template <class T>
  failure& operator<<(const T& v) {
    msg << " " << v;
    return *this;
  }
  ~failure() {
    for (const std::string& t : traces()) msg << "\n  trace: " << t;
    std::fprintf(stderr, "%s\n", msg.str().c_str());
    current_failed() = true;
  }
};

struct scoped_trace {
  scoped_trace(const char* file, int line, const std::string& what) {
    traces().push_back(std::string(file) + ":" + std::to_string(line) + ": " + what);
  }
  ~scoped_trace() { traces().pop_back(); }
};

struct skip_message {
  std::ostringstream msg;
  template <class T>
  skip_message& operator<<(const T& v) {
    msg << v;
    return *this;
  }
  ~skip_message() {
    std::fprintf(stderr, "  skipped: %s\n", msg.str().c_str());
    current_skipped() = true;
  }
};

// Turns `sink & message << ...` into a void expression for `return`.
struct sink {
  template <class T>
  void operator&(const T&) const {}
};

inline int run_all() {
  int failed = 0, skipped = 0;
  for (const test_case& t : registry()) {
    current_failed() = false;
    current_skipped() = false;
    std::fprintf(stderr, "[ RUN      ] %s.%s\n", t.suite, t.name);
    t.fn();
    if (current_failed()) ++failed;
    if (current_skipped()) ++skipped;
    std::fprintf(stderr, "[ %s ] %s.%s\n",
                 current_failed() ? "  FAILED" : (current_skipped() ? " SKIPPED" : "      OK"),
                 t.suite, t.name);
  }
  std::printf("%d passed, %d failed, %d skipped\n",
              static_cast<int>(registry().size()) - failed - skipped, failed, skipped);
  return failed == 0 ? 0 : 1;
}

}  // namespace mini_gtest

#define TEST(Suite, Name)                                                     \
  static void Suite##_##Name##_body();                                        \
  static ::mini_gtest::registrar Suite##_##Name##_registrar(#Suite, #Name,    \
                                                           &Suite##_##Name##_body); \
  static void Suite##_##Name##_body()

#define MINI_GTEST_CHECK(cond, what, fatal_stmt) \
  if (cond) {                                    \
  } else                                         \
    fatal_stmt ::mini_gtest::failure(__FILE__, __LINE__, what, false)

#define EXPECT_TRUE(c) MINI_GTEST_CHECK((c), "EXPECT_TRUE(" #c ")", )
#define EXPECT_FALSE(c) MINI_GTEST_CHECK(!(c), "EXPECT_FALSE(" #c ")", )
#define EXPECT_EQ(a, b) MINI_GTEST_CHECK((a) == (b), "EXPECT_EQ(" #a ", " #b ")", )
#define EXPECT_NE(a, b) MINI_GTEST_CHECK((a) != (b), "EXPECT_NE(" #a ", " #b ")", )
#define EXPECT_GT(a, b) MINI_GTEST_CHECK((a) > (b), "EXPECT_GT(" #a ", " #b ")", )
#define EXPECT_GE(a, b) MINI_GTEST_CHECK((a) >= (b), "EXPECT_GE(" #a ", " #b ")", )
#define EXPECT_LT(a, b) MINI_GTEST_CHECK((a) < (b), "EXPECT_LT(" #a ", " #b ")", )
#define EXPECT_LE(a, b) MINI_GTEST_CHECK((a) <= (b), "EXPECT_LE(" #a ", " #b ")", )
#define ASSERT_TRUE(c) MINI_GTEST_CHECK((c), "ASSERT_TRUE(" #c ")", return ::mini_gtest::sink{} &)
#define ASSERT_EQ(a, b) MINI_GTEST_CHECK((a) == (b), "ASSERT_EQ(" #a ", " #b ")", return ::mini_gtest::sink{} &)
#define ASSERT_NE(a, b) MINI_GTEST_CHECK((a) != (b), "ASSERT_NE(" #a ", " #b ")", return ::mini_gtest::sink{} &)
#define MINI_GTEST_CAT2(a, b) a##b
#define MINI_GTEST_CAT(a, b) MINI_GTEST_CAT2(a, b)
#define SCOPED_TRACE(what) \
  ::mini_gtest::scoped_trace MINI_GTEST_CAT(mini_trace_, __LINE__)(__FILE__, __LINE__, (what))
#define GTEST_SKIP() return ::mini_gtest::sink{} & ::mini_gtest::skip_message()

int main() { return ::mini_gtest::run_all(); }

#endif  // MAPGUARD_TEST_MINI_GTEST_H_
