// A session registry that expires sessions while iterating them: each loop
// below invalidates its own iterator. Run: scripts/run-examples
#include <chrono>
#include <map>
#include <string>
#include <unordered_map>

struct Session {
  std::chrono::steady_clock::time_point lastSeen;
  int requests = 0;
};

class SessionRegistry {
public:
  // Expired sessions are erased by key while the range-for still points at them.
  void expire(std::chrono::steady_clock::time_point now) {
    for (auto &[id, session] : sessions_)
      if (now - session.lastSeen > std::chrono::minutes(30))
        sessions_.erase(id);
  }

  // The helper erases the element the caller's loop is visiting.
  void dropIdle() {
    for (auto &entry : sessions_)
      if (entry.second.requests == 0)
        forget(entry.first);
  }

  // Adding aliases while iterating may rehash the table under the loop.
  void addAliases() {
    for (auto &entry : sessions_)
      sessions_.emplace(entry.first + "-alias", entry.second);
  }

private:
  void forget(const std::string &id) { sessions_.erase(id); }

  std::unordered_map<std::string, Session> sessions_;
};

// The classic iterator-loop mistake: erase(it) without taking its result.
void pruneEmpty(std::map<int, std::string> &names) {
  for (auto it = names.begin(); it != names.end(); ++it)
    if (it->second.empty())
      names.erase(it);
}
