// The front-end firmware's host twin (scripts/firmware-twin.sh): the same extractor calls on
// the same compile-time inputs (firmware/app/frontends_run.cpp), built with the host compiler
// against the host's apps library; its lines are what every core must print.
#include <cstdio>

#include "app/frontends_run.h"

int main() {
  return atome_frontends_run([](const char* line) { std::printf("%s\n", line); }, [] {});
}
