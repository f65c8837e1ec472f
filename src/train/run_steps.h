// What the language-model trainer (trainer.cpp) and the classifier trainer (class_trainer.cpp)
// do alike around their loops: one AdamW step, a checkpoint written and read back, the run
// directory's text files. Each trainer keeps its own data, schedule of validations and reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "train/checkpoint.h"
#include "train/language_model.h"
#include "train/optim.h"
#include "train/run_options.h"

namespace atome::train {

// dir/name ("name" alone for an empty dir).
std::string path_in(const std::string& dir, const std::string& name);
// `text` written atomically to `path` (file_io.h's write_file_atomic).
void write_text_file(const std::string& path, const std::string& text);

// One optimisation step on a batch of B sequences of T tokens: forward, backward, gradient
// clipping (options.clip), the schedule's learning rate, AdamW. Returns the batch loss; throws
// std::runtime_error naming `step` when the loss is not finite.
struct StepResult {
  double loss = 0.0, grad_norm = 0.0;
  float lr = 0.0f;
};
StepResult train_step(LanguageModel& model, AdamW& adam, const TrainOptions& options,
                      const LrSchedule& schedule, const uint8_t* in, const uint8_t* target,
                      size_t B, size_t T, int step);

// The checkpoint of the run as it stands (counters, with elapsed_s the run's whole wall time).
void save_checkpoint(const std::string& out_dir, const TrainOptions& options,
                     const RunCounters& counters, const LanguageModel& model, const AdamW& adam);
// Weights and moments from `from` into model and adam; its counters. Throws std::runtime_error
// when the checkpoint holds another model than run.json describes.
RunCounters restore_checkpoint(const Checkpoint& from, LanguageModel& model, AdamW& adam);

}  // namespace atome::train
