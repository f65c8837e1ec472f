// metrics.jsonl: one JSON object per line (a log interval, a validation, an event), flushed line
// by line so that a killed run loses at most the line being written.
#pragma once

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace atome::train {

class MetricsLog {
 public:
  // A new log, or (resume_step >= 0) the existing one with the lines of steps after
  // resume_step removed (the resumed run logs them again), appended to.
  MetricsLog(const std::string& path, int resume_step);
  void write(const nlohmann::json& line);

 private:
  std::ofstream out_;
};

}  // namespace atome::train
