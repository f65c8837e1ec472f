// Whole training runs on a tiny model (seconds): a run killed with SIGKILL resumes to
// bit-identical weights, the same seed gives the same weights for any thread count, the exported
// file runs in the engine with the trainer's logits and greedy tokens (the parity promise), the
// legacy export equals the native one, validation bpb equals `atome eval`, and bad input fails
// with one clear line.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "atome/atome.h"
#include "cli_run.h"
#include "host/model_data.h"
#include "max_abs_diff.h"
#include "model_helpers.h"
#include "train/checkpoint.h"
#include "train/model.h"
#include "train/trainer.h"

extern char** environ;

namespace atome::test {
namespace {

// A learnable corpus: short stories from a small grammar, separated as TinyStories is.
std::string synthetic_stories(int count, uint32_t seed) {
  const char* names[] = {"Tom", "Mia", "Ben", "Lily", "Sam"};
  const char* things[] = {"ball", "cat", "kite", "cake", "boat"};
  const char* colors[] = {"red", "blue", "big", "small", "green"};
  std::mt19937 rng(seed);
  std::string text;
  for (int s = 0; s < count; ++s) {
    const std::string name = names[rng() % 5], thing = things[rng() % 5], color = colors[rng() % 5];
    text += "Once upon a time, " + name + " had a " + color + " " + thing + ". " + name +
            " liked the " + thing + " a lot.\nOne day the " + thing + " was gone. " + name +
            " was sad.\n<|endoftext|>\n";
  }
  return text;
}

class TrainRunTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    corpus_ = path("stories.txt");
    const std::string text = synthetic_stories(120, 7);
    write_bytes(corpus_, std::vector<uint8_t>(text.begin(), text.end()));
    valid_ = path("valid.txt");
    const std::string v = synthetic_stories(10, 8);
    write_bytes(valid_, std::vector<uint8_t>(v.begin(), v.end()));
  }

  // Tiny model flags (the original's block: all pathways, K 5, top-k 4, so --legacy works).
  std::string tiny_run(const std::string& out, int steps) const {
    return "train --train " + shell_quote(corpus_) + " --out " + shell_quote(out) +
           " --d 16 --layers 2 --d-head 8 --batch 4 --seq 32 --lr 3e-3 --warmup 5 --steps " +
           std::to_string(steps) + " --checkpoint-every 7 --quiet --no-plot";
  }

  // The flash-fair GPT baseline on the same corpus; it validates on 33-byte chunks.
  std::string tiny_gpt_run(const std::string& out, int steps) const {
    return "train --preset vanilla-6k --train " + shell_quote(corpus_) + " --out " +
           shell_quote(out) + " --batch 4 --seq 32 --lr 3e-3 --warmup 5 --eval-chunk 33 --steps " +
           std::to_string(steps) + " --checkpoint-every 7 --quiet --no-plot";
  }
  void expect_resume_bit_identical(
      const std::function<std::string(const std::string&, int)>& run_args);
  // The worst |logit trainer - engine| over the 48 steps (and, via greedy, the tokens).
  struct Parity {
    double worst = 0.0;        // with the trainer's forward in the file's numerics
    double worst_plain = 0.0;  // with the trainer's plain f32 forward (no fake quantisation)
    double median = 0.0;       // the median over the 48 steps of each step's max |diff|
    double median_plain = 0.0;
    size_t same_tokens = 0;  // greedy tokens equal to the engine's, of 48
  };
  Parity expect_parity(const std::string& flags, uint32_t pathways, bool legacy,
                       uint32_t numerics = ATOME_NUMERICS_F32, double bound = 1e-4,
                       double median_bound = 1e-4);
  train::TrainOptions tiny_options(int steps) const {
    train::TrainOptions o;
    o.model = atome_config{};
    o.model.arch = ATOME_ARCH_LM;
    o.model.vocab_size = 256;
    o.model.d_model = 32;
    o.model.n_layers = 2;
    o.model.d_head = 16;
    o.model.conv_kernel = 5;
    o.model.top_k = 4;
    o.model.pathways = ATOME_PATH_ALL;
    o.model.n_paths = 3;
    o.model.act_bits = 32;
    o.model.norm_eps = 1e-5f;
    o.train_path = corpus_;
    o.batch = 8;
    o.seq_len = 64;
    o.steps = steps;
    o.adam.lr = 3e-3f;
    o.warmup = 20;
    o.checkpoint_every = 1000;
    return o;
  }

  std::string corpus_, valid_;
};

std::vector<uint8_t> file_bytes(const std::string& p) {
  return read_bytes(p);
}

// ---- resume after SIGKILL ---------------------------------------------------------------------

// Runs a (uninterrupted) and b (SIGKILLed mid-run, then resumed) with the flags run_args gives,
// and checks they end with the same bits.
void TrainRunTest::expect_resume_bit_identical(
    const std::function<std::string(const std::string&, int)>& run_args) {
  const int steps = 60;
  const std::string a = path("a"), b = path("b");
  ASSERT_EQ(run(run_args(a, steps)).exit_code, 0);

  // Run b slowly (20 ms per step), kill it with SIGKILL once a checkpoint exists mid-run.
  const std::string args = run_args(b, steps) + " --step-delay-ms 20";
  const std::string cmd = shell_quote(ATOME_CLI) + " " + args + " 2>/dev/null";
  pid_t pid = 0;
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  // exec, so that the shell is replaced by atome and the signal reaches the trainer itself.
  const std::string exec_cmd = "exec " + cmd;
  argv[2] = exec_cmd.c_str();
  ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  const std::string ckpt = b + "/checkpoint.bin";
  // Up to 60 s: on a loaded CI machine start-up alone can take seconds.
  for (int i = 0; i < 12000 && ::access(ckpt.c_str(), F_OK) != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a few steps past it
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  const nlohmann::json at_kill = nlohmann::json::parse(train::read_checkpoint(ckpt).json);
  const int killed_at = at_kill["step"].get<int>();
  ASSERT_GT(killed_at, 0);
  ASSERT_LT(killed_at, steps);
  std::printf("[resume] killed after the checkpoint of step %d of %d\n", killed_at, steps);

  const CliResult resumed = run("train --resume --out " + shell_quote(b) + " --quiet --no-plot");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;

  const train::Checkpoint ca = train::read_checkpoint(a + "/checkpoint.bin");
  const train::Checkpoint cb = train::read_checkpoint(ckpt);
  ASSERT_EQ(ca.params.size(), cb.params.size());
  EXPECT_EQ(std::memcmp(ca.params.data(), cb.params.data(), ca.params.size() * 4), 0);
  EXPECT_EQ(std::memcmp(ca.adam_m.data(), cb.adam_m.data(), ca.adam_m.size() * 4), 0);
  EXPECT_EQ(std::memcmp(ca.adam_v.data(), cb.adam_v.data(), ca.adam_v.size() * 4), 0);
  EXPECT_EQ(file_bytes(a + "/model.atome"), file_bytes(b + "/model.atome"));  // both empty: GPT
  const auto ra = nlohmann::json::parse(read_text(a + "/result.json"));
  const auto rb = nlohmann::json::parse(read_text(b + "/result.json"));
  EXPECT_EQ(ra["valid_bpb"], rb["valid_bpb"]);
  EXPECT_EQ(ra["steps"].get<int>(), steps);

  // The metrics file: a resume event, and every logged step once.
  const std::string metrics = read_text(b + "/metrics.jsonl");
  EXPECT_NE(metrics.find("\"event\":\"resume\""), std::string::npos);
  std::vector<int> logged;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("train_loss")) logged.push_back(j["step"].get<int>());
  }
  for (size_t i = 1; i < logged.size(); ++i)
    EXPECT_LT(logged[i - 1], logged[i]) << "step logged twice";
}

TEST_F(TrainRunTest, ResumeAfterSigkillIsBitIdentical) {
  expect_resume_bit_identical([this](const std::string& out, int steps) {
    return tiny_run(out, steps) + " --valid " + shell_quote(valid_);
  });
}

// Quantisation-aware training resumes with its numerics (from the checkpoint's options).
TEST_F(TrainRunTest, Q15ResumeAfterSigkillIsBitIdentical) {
  expect_resume_bit_identical([this](const std::string& out, int steps) {
    return tiny_run(out, steps) + " --numerics q15 --valid " + shell_quote(valid_);
  });
}

TEST_F(TrainRunTest, GptResumeAfterSigkillIsBitIdentical) {
  expect_resume_bit_identical([this](const std::string& out, int steps) {
    return tiny_gpt_run(out, steps) + " --valid " + shell_quote(valid_);
  });
}

TEST_F(TrainRunTest, CorruptCheckpointIsAClearError) {
  const std::string a = path("a");
  ASSERT_EQ(run(tiny_run(a, 7)).exit_code, 0);
  std::vector<uint8_t> bytes = read_bytes(a + "/checkpoint.bin");
  bytes[bytes.size() / 2] ^= 0x40;
  write_bytes(a + "/checkpoint.bin", bytes);
  expect_one_line_error(run("train --resume --out " + shell_quote(a) + " --quiet"), 1, "CRC");
  bytes.resize(bytes.size() / 3);
  write_bytes(a + "/checkpoint.bin", bytes);
  expect_one_line_error(run("train --resume --out " + shell_quote(a) + " --quiet"), 1,
                        "checkpoint");
}

TEST_F(TrainRunTest, BadFlagsAndInputsFailWithOneLine) {
  expect_one_line_error(run(tiny_run(path("x"), 10) + " --lr -1"), 2, "--lr");
  expect_one_line_error(run(tiny_run(path("x"), 10) + " --warmup 10"), 2, "--warmup");
  expect_one_line_error(run("train --train " + shell_quote(path("missing.txt")) + " --out " +
                            shell_quote(path("y")) + " --quiet"),
                        1, "missing.txt");
  expect_one_line_error(run("train --resume --out " + shell_quote(path("nothing")) + " --quiet"), 1,
                        "checkpoint");
  const std::string a = path("a");
  ASSERT_EQ(run(tiny_run(a, 7)).exit_code, 0);
  expect_one_line_error(run(tiny_run(a, 7)), 2, "--resume");  // never overwrite a run
  // --legacy needs the original's block.
  expect_one_line_error(run(tiny_run(path("z"), 7) + " --kernel 3 --legacy"), 2, "--legacy");
}

// ---- determinism ------------------------------------------------------------------------------

TEST_F(TrainRunTest, SameSeedSameWeightsForAnyThreadCount) {
  std::vector<float> weights[2];
  for (int threads : {1, 2}) {
    const std::string out = path("t" + std::to_string(threads));
    ::mkdir(out.c_str(), 0777);
    train::RunControl control;
    control.out_dir = out;
    control.threads = threads;
    control.quiet = true;
    train::train(tiny_options(25), control);
    weights[threads - 1] = train::read_checkpoint(out + "/checkpoint.bin").params;
  }
  ASSERT_EQ(weights[0].size(), weights[1].size());
  EXPECT_EQ(std::memcmp(weights[0].data(), weights[1].data(), weights[0].size() * 4), 0);
}

// ---- parity: trainer forward vs engine on the exported file
// --------------------------------------

// Trains a model with `flags` through the CLI, then: the exported file says which pathways exist
// and is in `numerics`; the engine's greedy generation on it (48 tokens) equals the trainer's
// argmax at every step and its logits are within `bound` of the trainer's forward on the master
// weights, that forward fake-quantising as the file's numerics (AtomeModel::set_numerics).
TrainRunTest::Parity TrainRunTest::expect_parity(const std::string& flags, uint32_t pathways,
                                                 bool legacy, uint32_t numerics, double bound,
                                                 double median_bound) {
  Parity result;
  const std::string out = path("p" + std::to_string(pathways) + "n" + std::to_string(numerics));
  const CliResult trained =
      run("train --train " + shell_quote(corpus_) + " --out " + shell_quote(out) +
          " --d 32 --layers 2 --d-head 16 --batch 8 --seq 64 --lr 3e-3 --warmup 20"
          " --checkpoint-every 1000 --quiet --no-plot " +
          flags + (legacy ? " --legacy" : ""));
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
  if (trained.exit_code != 0) return result;

  // Engine: the prompt, then 48 greedy tokens, keeping every step's logits.
  const std::vector<uint8_t> file = read_bytes(out + "/model.atome");
  const LoadedModel engine_model = load_native_image(file);
  const atome_config file_config = engine_model.model.config;
  EXPECT_EQ(file_config.pathways, pathways);
  EXPECT_EQ(file_config.numerics, numerics);
  // The trainer's model: the same architecture in float (the file's fixed-point fields cleared).
  atome_config config = file_config;
  config.numerics = ATOME_NUMERICS_F32;
  config.act_bits = 32;
  config.norm_eps_q24 = 0;
  const std::string prompt = "Once upon a time, ";
  const size_t steps = 48;
  OwnedSession session(engine_model.model, 256, kNoStateLimit);
  EXPECT_NE(session.get(), nullptr);
  if (session.get() == nullptr) return result;
  std::vector<uint8_t> seq(prompt.begin(), prompt.end());
  std::vector<std::vector<float>> engine_logits;
  const float* logits = nullptr;
  for (uint8_t t : seq) EXPECT_EQ(atome_step(session.get(), t, &logits), ATOME_OK);
  for (size_t i = 0; i < steps; ++i) {
    engine_logits.emplace_back(logits, logits + 256);
    const uint8_t next = static_cast<uint8_t>(atome_argmax(logits, 256));
    seq.push_back(next);
    EXPECT_EQ(atome_step(session.get(), next, &logits), ATOME_OK);
  }

  // Trainer: one forward over the whole sequence with the trained master weights, with the
  // file's fake quantisation and then without any.
  train::AtomeModel model(config);
  model.params() = train::read_checkpoint(out + "/checkpoint.bin").params;
  const size_t T = seq.size() - 1;
  for (const uint32_t emulated : {numerics, uint32_t{ATOME_NUMERICS_F32}}) {
    model.set_numerics(emulated);
    model.forward(seq.data(), nullptr, 1, T);
    double worst = 0.0;
    size_t same_tokens = 0;
    std::vector<double> per_step;
    for (size_t i = 0; i < steps; ++i) {
      const size_t pos = prompt.size() - 1 + i;  // logits at pos predict seq[pos + 1]
      const float* mine = model.logits() + pos * 256;
      per_step.push_back(max_abs_diff(mine, engine_logits[i].data(), 256));
      worst = nan_failing_max(worst, per_step.back());
      if (atome_argmax(mine, 256) == seq[pos + 1]) ++same_tokens;
    }
    std::sort(per_step.begin(), per_step.end());
    const double median = per_step[steps / 2];
    if (emulated != numerics) {
      result.worst_plain = worst;
      result.median_plain = median;
      std::printf(
          "[parity]   the same without fake quantisation: max %.3g, median %.3g, greedy %zu/%zu\n",
          worst, median, same_tokens, steps);
      break;
    }
    result.worst = worst;
    result.median = median;
    result.same_tokens = same_tokens;
    std::printf(
        "[parity] pathways %u, numerics %u: max |logit trainer - engine| %.3g (median over steps "
        "%.3g) over %zu steps; greedy %zu/%zu: \"%s\"\n",
        pathways, numerics, worst, median, steps, same_tokens, steps,
        std::string(seq.begin() + prompt.size(), seq.end()).c_str());
    EXPECT_LE(worst, bound);
    EXPECT_LE(median, median_bound);
    EXPECT_EQ(same_tokens, steps);
    if (numerics == ATOME_NUMERICS_F32) break;
  }

  if (!legacy) return result;
  // The legacy ATOME01 export holds the same model.
  ModelDims dims;
  dims.d_model = config.d_model;
  dims.n_layers = config.n_layers;
  dims.d_head = config.d_head;
  HostModel legacy_model = read_legacy(read_bytes(out + "/model.atome01"), dims);
  legacy_model.config.context_len = 64;
  EXPECT_EQ(write_native(legacy_model), file);
  return result;
}

TEST_F(TrainRunTest, ExportedModelRunsInTheEngineWithTheTrainersLogits) {
  expect_parity("--steps 150", ATOME_PATH_ALL, true);
}

// Ablations (--drop): the file lists the remaining pathways and the engine runs it with parity.
// One test each, so that CTest can run them side by side (they are the slowest under ASan).
TEST_F(TrainRunTest, AblatedModelWithoutConvRunsInTheEngineWithTheTrainersLogits) {
  expect_parity("--steps 150 --drop conv", ATOME_PATH_SSM | ATOME_PATH_ATTN, false);
}
TEST_F(TrainRunTest, AblatedModelWithoutSsmRunsInTheEngineWithTheTrainersLogits) {
  expect_parity("--steps 150 --drop ssm", ATOME_PATH_CONV | ATOME_PATH_ATTN, false);
}
TEST_F(TrainRunTest, AblatedModelWithoutAttnRunsInTheEngineWithTheTrainersLogits) {
  expect_parity("--steps 150 --drop attn", ATOME_PATH_CONV | ATOME_PATH_SSM, false);
}
TEST_F(TrainRunTest, AblatedModelWithSsmOnlyRunsInTheEngineWithTheTrainersLogits) {
  expect_parity("--steps 150 --drop conv,attn", ATOME_PATH_SSM, false);
}

// Quantisation-aware training (--numerics a8 / q15): the file is in that numerics, and the
// trainer's fake-quantised forward agrees with the engine on it (greedy tokens 48/48 and the bounds
// below). a8: the trainer's ternary linears are the engine's arithmetic (an exact integer sum
// scaled once per row), so the logits agree to float rounding (measured: 0, bit-identical). q15:
// what the emulation leaves out (integer LayerNorm arithmetic, Q15 softmax, Q16 rounding of the
// residual; token_ops.h) moves a step's logits by ~0.01-0.04 (the median bound), and now and then
// an int8 rounding or a top-k choice flips, which moves one step by up to ~0.3 (the max bound).
// Each test also runs the plain f32 forward on the same file: the bounds must catch a missing fake
// quant.
constexpr double kA8Bound = 1e-4;
constexpr double kQ15Bound = 0.5, kQ15MedianBound = 0.05;
TEST_F(TrainRunTest, A8TrainedModelRunsInTheEngineWithTheTrainersLogits) {
  const Parity p = expect_parity("--steps 150 --numerics a8", ATOME_PATH_ALL, false,
                                 ATOME_NUMERICS_A8, kA8Bound, kA8Bound);
  EXPECT_GT(p.worst_plain, 10 * kA8Bound) << "the a8 bound would not catch a missing fake quant";
}
TEST_F(TrainRunTest, Q15TrainedModelRunsInTheEngineWithTheTrainersLogits) {
  const Parity p = expect_parity("--steps 150 --numerics q15", ATOME_PATH_ALL, false,
                                 ATOME_NUMERICS_Q15, kQ15Bound, kQ15MedianBound);
  // A model trained under q15 is robust to it, so its plain forward is not far either; the
  // emulation must still be the closer one.
  EXPECT_LT(p.median, p.median_plain) << "the q15 emulation does not bring the trainer closer";
}
// Post-training conversion (--export-numerics q15 after f32 training): the file is q15 and the
// trainer's q15 emulation on the float-trained weights agrees with it as closely.
TEST_F(TrainRunTest, ExportNumericsConvertsAFloatTrainedModel) {
  const Parity p = expect_parity("--steps 300 --export-numerics q15", ATOME_PATH_ALL, false,
                                 ATOME_NUMERICS_Q15, kQ15Bound, kQ15MedianBound);
  EXPECT_LT(p.median, p.median_plain) << "the q15 emulation does not bring the trainer closer";
}

// --numerics is recorded in run.json and kept by --resume; the validation says what measured it
// and result.json has the engine's bpb on the exported file.
TEST_F(TrainRunTest, NumericsIsRecordedAndTheEngineBpbReported) {
  const std::string a = path("nq");
  const CliResult r = run(tiny_run(a, 14) + " --numerics q15 --valid " + shell_quote(valid_));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto options = nlohmann::json::parse(read_text(a + "/run.json"));
  EXPECT_EQ(options["numerics"], "q15");
  EXPECT_EQ(options["export_numerics"], "q15");
  const auto result = nlohmann::json::parse(read_text(a + "/result.json"));
  EXPECT_EQ(result["numerics"], "q15");
  EXPECT_EQ(result["valid_forward"], "trainer q15 fake quantisation");
  const double trainer_bpb = result["valid_bpb"].get<double>();
  const double engine = result["engine_valid_bpb"].get<double>();
  const CliResult e = run("eval --json --model " + shell_quote(a + "/model.atome") + " --data " +
                          shell_quote(valid_));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const double eval_bpb = nlohmann::json::parse(e.out)["bpb"].get<double>();
  std::printf("[eval] q15: trainer (fake quant) %.6f bpb, engine %.6f, atome eval %.6f\n",
              trainer_bpb, engine, eval_bpb);
  EXPECT_NEAR(engine, eval_bpb, 1e-9 * eval_bpb);
  EXPECT_NEAR(trainer_bpb, engine, 0.01 * engine);
  EXPECT_NE(read_text(a + "/metrics.jsonl").find("\"valid_forward\":\"trainer q15 fake"),
            std::string::npos);
  // The checkpoint carries the numerics for --resume (Q15ResumeAfterSigkillIsBitIdentical).
  auto ckpt = train::read_checkpoint(a + "/checkpoint.bin");
  EXPECT_EQ(nlohmann::json::parse(ckpt.json)["options"]["numerics"], "q15");
  EXPECT_EQ(train::options_from_checkpoint_json(ckpt.json, a).numerics,
            uint32_t{ATOME_NUMERICS_Q15});
  // Bad values are one-line usage errors.
  expect_one_line_error(run(tiny_run(path("nb"), 7) + " --numerics q8"), 2, "--numerics");
  expect_one_line_error(run(tiny_run(path("nb"), 7) + " --export-numerics int4"), 2,
                        "--export-numerics");
  expect_one_line_error(run(tiny_gpt_run(path("ng"), 7) + " --numerics a8"), 2, "--numerics");
  expect_one_line_error(run(tiny_run(path("nb"), 7) + " --numerics a8 --legacy"), 2, "--legacy");
}

// ---- validation bpb equals `atome eval` -------------------------------------------------------

TEST_F(TrainRunTest, ValidationBpbEqualsAtomeEval) {
  const std::string a = path("v");
  ASSERT_EQ(run(tiny_run(a, 30) + " --valid " + shell_quote(valid_)).exit_code, 0);
  double trainer_bpb = -1.0;
  std::istringstream lines(read_text(a + "/metrics.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("valid_bpb")) trainer_bpb = j["valid_bpb"].get<double>();
  }
  ASSERT_GT(trainer_bpb, 0.0);
  const CliResult e = run("eval --json --model " + shell_quote(a + "/model.atome") + " --data " +
                          shell_quote(valid_));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const double engine_bpb = nlohmann::json::parse(e.out)["bpb"].get<double>();
  std::printf("[eval] trainer %.6f bpb, engine %.6f bpb\n", trainer_bpb, engine_bpb);
  EXPECT_NEAR(trainer_bpb, engine_bpb, 1e-4 * engine_bpb);
}

TEST_F(TrainRunTest, ChunkValidationEqualsAtomeEvalChunk) {
  const std::string a = path("c");
  ASSERT_EQ(run(tiny_run(a, 30) + " --valid " + shell_quote(valid_) + " --eval-chunk 24").exit_code,
            0);
  const auto result = nlohmann::json::parse(read_text(a + "/result.json"));
  EXPECT_EQ(result["valid_mode"], "chunk 24");
  const double trainer_bpb = result["valid_bpb"].get<double>();
  const CliResult e = run("eval --json --chunk 24 --model " + shell_quote(a + "/model.atome") +
                          " --data " + shell_quote(valid_));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const double engine_bpb = nlohmann::json::parse(e.out)["bpb"].get<double>();
  std::printf("[eval] chunk 24: trainer %.6f bpb, engine %.6f bpb\n", trainer_bpb, engine_bpb);
  EXPECT_NEAR(trainer_bpb, engine_bpb, 1e-4 * engine_bpb);
}

TEST_F(TrainRunTest, GptAndDropFlagsAreChecked) {
  const std::string gpt = tiny_gpt_run(path("g"), 10);
  expect_one_line_error(run(gpt + " --max-seq 16"), 2, "positions");  // --seq 32
  expect_one_line_error(run(gpt + " --valid " + shell_quote(valid_) + " --eval-chunk 0"), 2,
                        "chunk");
  expect_one_line_error(run(gpt + " --legacy"), 2, "--legacy");
  expect_one_line_error(run(gpt + " --drop conv"), 2, "--drop");
  expect_one_line_error(run(gpt + " --heads 3"), 2, "--heads");
  expect_one_line_error(run(tiny_run(path("d"), 10) + " --drop conv,ssm,attn"), 2, "pathway");
  expect_one_line_error(run(tiny_run(path("d"), 10) + " --drop mlp"), 2, "--drop");
  expect_one_line_error(run(tiny_run(path("d"), 10) + " --heads 2"), 2, "--heads");
  // A GPT run writes its numbers but no model file.
  ASSERT_EQ(run(gpt).exit_code, 0);
  const auto result = nlohmann::json::parse(read_text(path("g") + "/result.json"));
  EXPECT_EQ(result["arch"], "gpt");
  EXPECT_EQ(result["params"].get<int>(), 5968);
  EXPECT_EQ(result["model_bytes"].get<int>(), 5968 * 4);
  EXPECT_NE(::access((path("g") + "/model.atome").c_str(), F_OK), 0);
}

}  // namespace
}  // namespace atome::test
