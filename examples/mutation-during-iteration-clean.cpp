// The same registry written with the correct idioms: no finding.
#include <chrono>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

struct Session {
  std::chrono::steady_clock::time_point lastSeen;
  int requests = 0;
};

class SessionRegistry {
public:
  // erase returns the iterator to the next element.
  void expire(std::chrono::steady_clock::time_point now) {
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      if (now - it->second.lastSeen > std::chrono::minutes(30))
        it = sessions_.erase(it);
      else
        ++it;
    }
  }

  // C++20: the library does the loop.
  void dropIdle() {
    std::erase_if(sessions_, [](const auto &entry) { return entry.second.requests == 0; });
  }

  // New elements are collected first and inserted after the loop.
  void addAliases() {
    std::vector<std::pair<std::string, Session>> aliases;
    for (const auto &entry : sessions_)
      aliases.emplace_back(entry.first + "-alias", entry.second);
    sessions_.insert(aliases.begin(), aliases.end());
  }

  // Counting through operator[] with the current key inserts nothing.
  void touchAll() {
    for (auto &entry : sessions_)
      sessions_[entry.first].requests += 1;
  }

private:
  std::unordered_map<std::string, Session> sessions_;
};

// Node-based maps: the post-increment moves the iterator on before erasing.
void pruneEmpty(std::map<int, std::string> &names) {
  for (auto it = names.begin(); it != names.end();) {
    if (it->second.empty())
      names.erase(it++);
    else
      ++it;
  }
}
