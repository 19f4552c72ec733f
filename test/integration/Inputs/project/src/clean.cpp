#include <map>
#include <string>

// Drops the users nobody refers to any more, advancing with erase's result.
void pruneUnusedCorrectly(std::map<std::string, int> &users) {
  for (auto it = users.begin(); it != users.end();) {
    if (it->second == 0)
      it = users.erase(it);
    else
      ++it;
  }
}
