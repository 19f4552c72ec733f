#ifndef REGISTRY_H
#define REGISTRY_H

#include <string>
#include <unordered_map>

// Forgets every session that has expired.
inline void dropExpired(std::unordered_map<std::string, int> &sessions) {
  for (const auto &session : sessions)
    if (session.second < 0)
      sessions.erase(session.first); // FINDING(mapguard-mutation-during-iteration)
}

// The correct idiom: erase returns the next iterator.
inline void dropExpiredCorrectly(std::unordered_map<std::string, int> &sessions) {
  for (auto it = sessions.begin(); it != sessions.end();) {
    if (it->second < 0)
      it = sessions.erase(it);
    else
      ++it;
  }
}

#endif
