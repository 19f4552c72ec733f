// Reproduces concurrent-iteration-mutation-threads: pthreadRace; races under ThreadSanitizer.

#include "tsan_support.h"
#include <map>
#include <pthread.h>
void *pthreadBody(void *arg) {
  auto *table = static_cast<std::map<int, int> *>(arg);
  long sum = 0;
  for (auto it = table->begin(); it != table->end(); ++it)
    sum += it->second;
  consume(sum);
  return nullptr;
}
int main() {
  std::map<int, int> shared;
  fill(shared);
  pthread_t t;
  pthread_create(&t, nullptr, pthreadBody, &shared);
  settle();
  shared[-1] = 2;
  pthread_join(t, nullptr);
}
