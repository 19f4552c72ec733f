#include "registry.h"

int activeSessions(const std::unordered_map<std::string, int> &sessions) {
  int active = 0;
  for (const auto &session : sessions)
    active += session.second >= 0;
  return active;
}
