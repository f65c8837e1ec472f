// Front-end firmware entry (docs/APPS.md §8): the feature extractors of apps/ on fixed inputs,
// one line each over semihosting (frontends_run.cpp: the same code the host twin runs), then
// exit 0 when every call returned its expected status.
#include "../boot/semihost.h"
#include "frontends_run.h"

// The instruction-count marker (QEMU plugin mark=, scripts/frontends_report.py): its i-th
// execution prints how many instructions ran before it.
extern "C" __attribute__((noinline, used)) void atome_bench_mark() {
  __asm volatile("" ::: "memory");
}

int main() {
  sh_exit(static_cast<uint32_t>(atome_frontends_run(sh_write_line, atome_bench_mark)));
}
