// `atome eval`: its bits per byte against an independent computation through the C API (story
// mode, chunk mode, a sliding window), thread-count independence, the --json fields, bad inputs,
// and the published toy model on the TinyStories validation file.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "atome/atome.h"
#include "cli_run.h"
#include "fixtures.h"
#include "host/model_data.h"
#include "model_helpers.h"
#include "random_model.h"
#include "three_stories.h"

namespace atome::test {
namespace {

const std::vector<std::string>& kStories = three_stories();

// Summed -ln p(target) of `seq`[1..] given its prefixes, fresh session, plain double maths.
double reference_nats(const atome_model& model, uint32_t window, const std::string& seq) {
  OwnedSession session(model, window, kNoStateLimit);
  EXPECT_NE(session.get(), nullptr);
  double nats = 0.0;
  for (size_t i = 0; i + 1 < seq.size(); ++i) {
    const float* logits = nullptr;
    EXPECT_EQ(atome_step(session.get(), static_cast<uint8_t>(seq[i]), &logits), ATOME_OK);
    double sum = 0.0;
    for (int t = 0; t < 256; ++t) sum += std::exp(static_cast<double>(logits[t]));
    nats += std::log(sum) - static_cast<double>(logits[static_cast<uint8_t>(seq[i + 1])]);
  }
  return nats;
}

class EvalCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    const HostModel host = random_model(small_config(24, 2, 8, 3, 2), 11);
    image_ = write_native(host);
    write_bytes(path("m.atn"), image_);
    const std::string text = three_stories_file_text();
    write_bytes(path("stories.txt"), std::vector<uint8_t>(text.begin(), text.end()));
  }

  std::string eval(const std::string& flags) const {
    return "eval --model " + shell_quote(path("m.atn")) + " --data " +
           shell_quote(path("stories.txt")) + " " + flags;
  }

  nlohmann::json eval_json(const std::string& flags) const {
    const CliResult r = run(eval(flags + " --json"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  std::vector<uint8_t> image_;
};

TEST_F(EvalCliTest, StoryModeMatchesTheCApi) {
  const LoadedModel m = load_native_image(image_);
  size_t longest = 0, predicted = 0;
  for (const std::string& s : kStories) {
    longest = std::max(longest, s.size());
    predicted += s.size() + 1;  // every byte and the closing 0x04
  }
  const uint32_t window = static_cast<uint32_t>(longest + 1);
  double nats = 0.0;
  for (const std::string& s : kStories)
    nats += reference_nats(m.model, window, "\x04" + s + "\x04");
  const double bpb = nats / std::log(2.0) / static_cast<double>(predicted);

  const nlohmann::json j = eval_json("");
  EXPECT_EQ(j.size(), 8u) << j.dump();
  EXPECT_EQ(j.at("mode"), "story");
  EXPECT_EQ(j.at("stories"), kStories.size());
  EXPECT_EQ(j.at("predicted"), predicted);
  EXPECT_EQ(j.at("window"), window);
  EXPECT_EQ(j.at("model"), path("m.atn"));
  EXPECT_NEAR(j.at("nats").get<double>(), nats, 1e-6 * nats);
  EXPECT_NEAR(j.at("bpb").get<double>(), bpb, 1e-6 * bpb);
  EXPECT_NEAR(j.at("ppl").get<double>(), std::exp2(bpb), 1e-6 * std::exp2(bpb));
  EXPECT_GT(bpb, 1.0);  // an untrained model: near 8 bits per byte, never perfect

  // A window shorter than the stories: attention slides, and the numbers follow.
  double slid = 0.0;
  for (const std::string& s : kStories) slid += reference_nats(m.model, 5, "\x04" + s + "\x04");
  const nlohmann::json w = eval_json("--window 5");
  EXPECT_EQ(w.at("window"), 5);
  EXPECT_NEAR(w.at("nats").get<double>(), slid, 1e-6 * slid);
}

TEST_F(EvalCliTest, ChunkModeMatchesTheCApi) {
  const LoadedModel m = load_native_image(image_);
  std::string stream;
  for (const std::string& s : kStories) stream += s + "\x04";
  const size_t chunk = 16, chunks = stream.size() / chunk;
  ASSERT_GE(chunks, 3u);
  double nats = 0.0;
  for (size_t c = 0; c < chunks; ++c)
    nats += reference_nats(m.model, chunk - 1, stream.substr(c * chunk, chunk));

  const nlohmann::json j = eval_json("--chunk 16");
  EXPECT_EQ(j.at("mode"), "chunk");
  EXPECT_EQ(j.at("chunks"), chunks);
  EXPECT_FALSE(j.contains("stories"));
  EXPECT_EQ(j.at("predicted"), chunks * (chunk - 1));
  EXPECT_EQ(j.at("window"), chunk - 1);
  EXPECT_NEAR(j.at("nats").get<double>(), nats, 1e-6 * nats);
}

TEST_F(EvalCliTest, SameResultForAnyThreadCount) {
  const CliResult one = run(eval("--threads 1 --json"));
  const CliResult three = run(eval("--threads 3 --json"));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, three.out);  // to the last digit
}

TEST_F(EvalCliTest, TextOutputIsOneLine) {
  const CliResult r = run(eval(""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("bpb ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("  ppl "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  stories 3  "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
}

TEST_F(EvalCliTest, BadInputsGiveOneLineErrors) {
  const std::string model = "eval --model " + shell_quote(path("m.atn"));
  expect_one_line_error(run(model + " --data " + shell_quote(path("missing.txt"))), 1,
                        "missing.txt");
  write_bytes(path("eot.txt"), {'a', 'b', 0x04, 'c'});
  expect_one_line_error(run(model + " --data " + shell_quote(path("eot.txt"))), 1, "offset 2");
  expect_one_line_error(run(eval("--chunk 1")), 2, "--chunk");
  expect_one_line_error(run(eval("--chunk 100000")), 1, "--chunk");
  expect_one_line_error(run(eval("--window 0")), 2, "--window");
  expect_one_line_error(run("eval --model " + shell_quote(path("no.atn")) + " --data " +
                            shell_quote(path("stories.txt"))),
                        1, "no.atn");
}

// The published 60K model (legacy file, converted in memory) on the validation stories.
TEST_F(EvalCliTest, ToyModelOnTinyStoriesValidation) {
  const std::string model = reference_path("original-models/toy_60k.atome01");
  const std::string valid = shared_dir() + "/data/tinystories/valid.txt";
  ATOME_REQUIRE_FIXTURE(model);
  ATOME_REQUIRE_FIXTURE(valid);
  const CliResult r =
      run("eval --model " + shell_quote(model) + " --data " + shell_quote(valid) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  const double bpb = j.at("bpb").get<double>();
  EXPECT_TRUE(std::isfinite(bpb));
  EXPECT_GT(bpb, 1.0);
  EXPECT_LT(bpb, 8.0);
  EXPECT_EQ(j.at("stories"), 160);

  // The same model as a native file gives the same numbers.
  ASSERT_EQ(run("convert " + shell_quote(model) + " " + shell_quote(path("toy.atn"))).exit_code, 0);
  const CliResult native = run("eval --model " + shell_quote(path("toy.atn")) + " --data " +
                               shell_quote(valid) + " --json");
  ASSERT_EQ(native.exit_code, 0) << native.err;
  EXPECT_EQ(nlohmann::json::parse(native.out).at("nats"), j.at("nats"));
}

}  // namespace
}  // namespace atome::test
