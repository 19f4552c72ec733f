#include "registry.h"
#include <map>
#include <string>

// Drops the users nobody refers to any more.
void pruneUnused(std::map<std::string, int> &users) {
  for (auto &entry : users)
    if (entry.second == 0)
      users.erase(entry.first); // FINDING(mapguard-mutation-during-iteration)
}

int countUsers(const std::map<std::string, int> &users) {
  int total = 0;
  for (const auto &entry : users)
    total += entry.second;
  return total;
}
