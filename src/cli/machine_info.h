// What machine a benchmark ran on, for bench reports.
#pragma once

#include <string>

namespace atome::cli {

struct MachineInfo {
  std::string cpu;        // /proc/cpuinfo "model name" (or "unknown")
  unsigned logical_cpus;  // CPUs this process may use, as `nproc` prints
};

MachineInfo machine_info();

}  // namespace atome::cli
