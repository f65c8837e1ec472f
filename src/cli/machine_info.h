// What machine a benchmark ran on, and how much memory the process used, for bench reports.
#pragma once

#include <cstdint>
#include <string>

namespace atome::cli {

struct MachineInfo {
  std::string cpu;        // /proc/cpuinfo "model name" (or "unknown")
  unsigned logical_cpus;  // CPUs this process may use, as `nproc` prints
};

MachineInfo machine_info();

// The most resident memory this process has used so far (getrusage ru_maxrss), in bytes; 0 where
// the system does not say.
uint64_t peak_rss_bytes();

// The 1-minute load average (runnable threads, all CPUs), or -1 where the system does not say.
// Above 0 before a benchmark starts means other work shares the machine.
double load_average_1m();

}  // namespace atome::cli
