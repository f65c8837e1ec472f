// metrics.jsonl (see metrics_log.h).
#include "train/metrics_log.h"

#include <stdexcept>
#include <vector>

#include "host/file_io.h"
#include "host/model_data.h"

namespace atome::train {
namespace {

using json = nlohmann::json;

// On resume: keep the lines of steps up to the checkpoint (later ones will be logged again).
void truncate_metrics(const std::string& path, int step) {
  std::string kept;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      const json j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.is_object() && j.contains("step") && j["step"].is_number() &&
          j["step"].get<double>() > step)
        continue;
      kept += line + '\n';
    }
  }
  write_file_atomic(path, std::vector<uint8_t>(kept.begin(), kept.end()));
}

std::ofstream open_log(const std::string& path, int resume_step) {
  if (resume_step >= 0) truncate_metrics(path, resume_step);
  std::ofstream out(path, resume_step >= 0 ? std::ios::app : std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  return out;
}

}  // namespace

MetricsLog::MetricsLog(const std::string& path, int resume_step)
    : out_(open_log(path, resume_step)) {}

void MetricsLog::write(const json& line) {
  out_ << line.dump() << '\n';
  out_.flush();
}

}  // namespace atome::train
