// See machine_info.h. Linux first (/proc/cpuinfo); elsewhere the CPU name is "unknown" rather
// than a failure, since a benchmark is still worth reporting without it.
#include "cli/machine_info.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

namespace atome::cli {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  const size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string cpu_model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon != std::string::npos && trim(line.substr(0, colon)) == "model name")
      return trim(line.substr(colon + 1));
  }
  return "unknown";
}

// What `nproc` prints: the CPUs this process may run on (affinity mask), else the online ones.
unsigned online_cpus() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (n > 0) return static_cast<unsigned>(n);
  return std::thread::hardware_concurrency();
}

}  // namespace

MachineInfo machine_info() {
  return MachineInfo{cpu_model_name(), online_cpus()};
}

// Linux reports ru_maxrss in KiB (macOS would in bytes; the CLI is built for Linux).
uint64_t peak_rss_bytes() {
  struct rusage usage;
  if (::getrusage(RUSAGE_SELF, &usage) != 0 || usage.ru_maxrss <= 0) return 0;
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

double load_average_1m() {
  double load[1];
  return ::getloadavg(load, 1) == 1 ? load[0] : -1.0;
}

}  // namespace atome::cli
