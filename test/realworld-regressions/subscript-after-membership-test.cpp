// Reduced from leveldb 1.23 (helpers/memenv/memenv.cc, db/fault_injection_test.cc):
// `m[k]` read after a membership test on the same map and key proved the
// key present, with no mutation of the map in between. The subscript cannot
// insert. mapguard-subscript-insertion reported all six of these on the smoke
// set (false positives, docs/evaluation.md) until lib/KeyPresence learned
// which keys a dominating count()/find()/contains() test proves present.
//
// RUN: %check_mapguard -std=c++17 %s mapguard-subscript-insertion %t

#include <map>
#include <mutex>
#include <string>

struct FileState {
  long size = 0;
};

class MemEnv {
public:
  // memenv.cc:240: early return when the key is missing.
  long sizeOf(const std::string &name) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (files_.find(name) == files_.end())
      return -1;
    return files_[name].size;
  }

  // fault_injection_test.cc:260: the else branch of `count() == 0`.
  FileState stateOf(const std::string &name) {
    std::lock_guard<std::mutex> lock(mutex_);
    FileState state;
    if (files_.count(name) == 0) {
      state.size = 0;
    } else {
      state = files_[name];
    }
    return state;
  }

  // fault_injection_test.cc:317: inside `find() != end()`.
  void rename(const std::string &from, const std::string &to) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (files_.find(from) != files_.end()) {
      files_[to] = files_[from];
      files_.erase(from);
    }
  }

private:
  std::mutex mutex_;
  std::map<std::string, FileState> files_;
};
