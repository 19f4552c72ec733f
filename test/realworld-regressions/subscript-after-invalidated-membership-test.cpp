// Reduced from leveldb 1.23 helpers/memenv/memenv.cc (InMemoryEnv::RenameFile):
// the membership test on `src` no longer holds after removeFile(target)
// erased an element, since target may equal src. Then `files_[src]`
// inserts a null pointer, which is copied and erased: renaming a file onto
// itself deletes it. Whatever analysis learns that a membership test proves
// a key present must forget it at the next mutation of the map, or it will
// hide this true positive.
//
// RUN: %check_mapguard -std=c++17 %s mapguard-subscript-insertion %t

#include <map>
#include <mutex>
#include <string>

struct File {
  int refs = 1;
  void unref() { --refs; }
};

class InMemoryEnv {
public:
  bool rename(const std::string &src, const std::string &target) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (files_.find(src) == files_.end())
      return false;
    removeFile(target);
    files_[target] = files_[src];
    // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 'operator[]' on 'files_' inserts a default element when the key is missing, but the result is only read [mapguard-subscript-insertion]
    files_.erase(src);
    return true;
  }

private:
  void removeFile(const std::string &name) {
    auto it = files_.find(name);
    if (it == files_.end())
      return;
    it->second->unref();
    files_.erase(it);
  }

  std::mutex mutex_;
  std::map<std::string, File *> files_;
};
