#include "train/run_steps.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "host/file_io.h"

namespace atome::train {

std::string path_in(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

void write_text_file(const std::string& path, const std::string& text) {
  write_file_atomic(path, std::vector<uint8_t>(text.begin(), text.end()));
}

StepResult train_step(LanguageModel& model, AdamW& adam, const TrainOptions& o,
                      const LrSchedule& schedule, const uint8_t* in, const uint8_t* target,
                      size_t B, size_t T, int step) {
  StepResult r;
  model.zero_grad();
  r.loss = model.forward(in, target, B, T);
  if (!std::isfinite(r.loss))
    throw std::runtime_error("loss is not finite at step " + std::to_string(step) +
                             " (lower --lr or set --clip)");
  model.backward();
  r.grad_norm = clip_grad_norm(model.grads(), o.clip);
  r.lr = schedule.at(step, o.adam.lr);
  adam.step(model.params(), model.grads(), model.tensors(), o.adam, r.lr, step);
  return r;
}

void save_checkpoint(const std::string& out_dir, const TrainOptions& o, const RunCounters& counters,
                     const LanguageModel& model, const AdamW& adam) {
  Checkpoint c;
  c.json = checkpoint_json(o, counters);
  c.params = model.params();
  c.adam_m = adam.m();
  c.adam_v = adam.v();
  write_checkpoint(path_in(out_dir, "checkpoint.bin"), c);
}

RunCounters restore_checkpoint(const Checkpoint& from, LanguageModel& model, AdamW& adam) {
  if (from.params.size() != model.param_count())
    throw std::runtime_error("checkpoint does not match the model in run.json");
  model.params() = from.params;
  adam.m() = from.adam_m;
  adam.v() = from.adam_v;
  return counters_from_json(from.json);
}

}  // namespace atome::train
