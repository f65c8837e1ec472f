// `atome train --task classify` end to end on a tiny synthetic data set written by the test
// (3 classes, 6 sites, 2 channels x 4 timesteps = 8 features, 360 rows; about a second a run):
// grouped splits never share a group, two runs give identical files, a run stopped after an
// epoch resumes to the same bits, `atome classify --csv` on the exported best.atome gives the
// trainer's test predictions (tokens, logits, probabilities, abstentions), the metadata carries
// the input spec, and bad data fails with one line naming the problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "cli_run.h"
#include "host/class_spec.h"
#include "host/feature_csv.h"
#include "host/feature_tokenize.h"
#include "host/model_file.h"
#include "train/calibration.h"
#include "train/checkpoint.h"
#include "train/class_data.h"

namespace atome::test {
namespace {

using json = nlohmann::json;

const char* kSpec = R"({"head": "tiny", "classes": ["calm", "warm", "hot"],
  "channels": [{"name": "temp", "unit": "C", "min": -40, "max": 85},
               {"name": "hum", "unit": "%", "min": 0, "max": 100}],
  "window": 4, "sample_rate_hz": 0.5, "pipeline": {"name": "raw", "params": {"gain": 1.5, "band_hz": [0.5, 3], "how": "mean"}},
  "group_by": "site", "generator": {"name": "classify_run_test", "seed": 3}})";

// Class k: temperature about 10 + 9k, humidity about 60 - 12k, a warming trend for k > 0, an
// offset per site (the nuisance a grouped split must generalise over) and noise.
std::string examples_csv(uint32_t rows, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::string csv = "label,site,subject,device";
  for (int t = 0; t < 4; ++t) csv += ",temp@" + std::to_string(t) + ",hum@" + std::to_string(t);
  csv += "\n";
  char buf[32];
  for (uint32_t i = 0; i < rows; ++i) {
    const uint32_t site = i % 6, y = (i / 6) % 3;
    csv += std::to_string(y) + "," + std::to_string(site) + "," + std::to_string(i % 10) + "," +
           std::to_string(i % 4);
    for (int t = 0; t < 4; ++t) {
      const double temp = 10 + 9.0 * y + 0.6 * site + 0.4 * t * y + 1.8 * noise(rng);
      const double hum = std::clamp(60 - 12.0 * y + 4.0 * noise(rng), 0.0, 100.0);
      std::snprintf(buf, sizeof buf, ",%.3f", temp);
      csv += buf;
      std::snprintf(buf, sizeof buf, ",%.3f", hum);
      csv += buf;
    }
    csv += "\n";
  }
  return csv;
}

void write_text(const std::string& path, const std::string& text) {
  write_bytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string f; std::getline(in, f, sep);) out.push_back(f);
  return out;
}

class ClassifyRunTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    data_ = make_data("data", kSpec, examples_csv(360, 3));
  }
  std::string make_data(const std::string& name, const std::string& spec, const std::string& csv) {
    const std::string dir = path(name);
    std::filesystem::create_directory(dir);
    write_text(dir + "/spec.json", spec);
    write_text(dir + "/examples.csv", csv);
    return dir;
  }
  // One thread unless the test says otherwise: the model is tiny, and on a loaded 2-core machine
  // OpenMP's barriers cost more than they save (the bits do not depend on the thread count).
  std::string train_args(const std::string& out, const std::string& extra = "",
                         int epochs = 6) const {
    const bool own_risk = extra.find("--target-risk") != std::string::npos;
    return "train --task classify --data " + shell_quote(data_) + " --out " + shell_quote(out) +
           " --epochs " + std::to_string(epochs) + " --batch 32 --seed 5" +
           (own_risk ? "" : " --target-risk 0.05") + " --quiet " + extra +
           (extra.find("--threads") == std::string::npos ? " --threads 1" : "");
  }
  void expect_classify_agrees(const std::string& run_dir);
  void expect_split_agrees(const std::string& run_dir, const std::string& part);
  std::string data_;
};

json result_of(const std::string& run) {
  json r = json::parse(read_text(run + "/result.json"));
  r.erase("train_seconds");  // wall time: the one field two identical runs differ in
  return r;
}

// `atome classify --csv` on the validation and test rows' features, as a device would send them,
// gives the trainer's predictions exactly: tokens (the file's tokeniser), logits, class and
// abstention. Each split's file holds exactly that split's rows (result.json's groups).
void ClassifyRunTest::expect_classify_agrees(const std::string& a) {
  for (const char* part : {"valid", "test"}) {
    SCOPED_TRACE(part);
    expect_split_agrees(a, part);
  }
}

void ClassifyRunTest::expect_split_agrees(const std::string& a, const std::string& part) {
  const ModelFile f = load_model_file(a + "/best.atome");
  const ClassSpec spec = class_spec_of(f.model);
  const std::vector<std::string> rows = split(read_text(data_ + "/examples.csv"), '\n');
  const std::vector<std::string> preds =
      split(read_text(a + "/" + part + "_predictions.csv"), '\n');
  ASSERT_GT(preds.size(), 10u);
  const json r = json::parse(read_text(a + "/result.json"));
  const std::string by = r["group_by"].get<std::string>();
  const std::vector<std::string> header = split(rows[0], ',');
  const size_t group_column = std::find(header.begin(), header.end(), by) - header.begin();
  ASSERT_LT(group_column, header.size());
  std::set<int64_t> part_groups;
  for (const json& g : r["groups"][part]) part_groups.insert(g.get<int64_t>());
  size_t rows_in_part = 0;
  for (size_t i = 1; i < rows.size(); ++i)
    rows_in_part += part_groups.count(std::stoll(split(rows[i], ',')[group_column]));
  EXPECT_EQ(preds.size() - 1, rows_in_part);
  std::string features;
  for (size_t i = 1; i < preds.size(); ++i) {
    const std::vector<std::string> row = split(rows[std::stoul(split(preds[i], ',')[0]) + 1], ',');
    EXPECT_EQ(part_groups.count(std::stoll(row[group_column])), 1u) << "row " << i;
    for (size_t k = 4; k < row.size(); ++k) features += (k > 4 ? "," : "") + row[k];
    features += "\n";
  }
  write_text(path(part + ".csv"), features);
  const CliResult c = run("classify --model " + shell_quote(a + "/best.atome") + " --csv " +
                          shell_quote(path(part + ".csv")) + " --json");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::vector<std::string> lines = split(c.out, '\n');
  ASSERT_EQ(lines.size(), preds.size() - 1);
  const std::vector<std::vector<double>> parsed = read_feature_csv(features, spec, "test.csv");
  for (size_t i = 1; i < preds.size(); ++i) {
    const std::vector<std::string> p =
        split(preds[i], ',');  // row,label,class,p,abstain,logits,tokens
    const json j = json::parse(lines[i - 1]);
    EXPECT_EQ(j["class"].get<uint32_t>(), std::stoul(p[2])) << "test row " << i;
    EXPECT_EQ(j["abstain"].get<bool>(), p[4] == "1") << "test row " << i;
    EXPECT_NEAR(j["p"].get<double>(), std::stod(p[3]), 1e-6);  // JSON prints p at f32 precision
    const std::vector<std::string> logits = split(p[5], ' ');
    ASSERT_EQ(j["logits"].size(), logits.size());
    for (size_t k = 0; k < logits.size(); ++k)
      EXPECT_EQ(j["logits"][k].get<float>(), std::stof(logits[k])) << "test row " << i;
    // The tokens of the file's tokeniser are the trainer's.
    std::string tokens;
    for (uint32_t t : tokenize_features(spec, parsed[i - 1]))
      tokens += (tokens.empty() ? "" : " ") + std::to_string(t);
    EXPECT_EQ(tokens, p[6]) << "test row " << i;
  }
}

TEST_F(ClassifyRunTest, GroupedSplitsNeverShareAGroup) {
  const train::ClassDataset d = train::read_class_dataset(data_);
  ASSERT_EQ(d.features.size(), 360u);
  for (const char* by : {"site", "subject", "device"}) {
    for (uint64_t seed : {1u, 2u, 3u}) {
      const train::ClassSplit s = train::grouped_split(d, by, seed);
      const std::vector<int64_t>& ids = d.groups.at(by);
      std::set<int64_t> seen[3];
      const std::vector<size_t>* parts[3] = {&s.train, &s.valid, &s.test};
      size_t total = 0;
      for (int p = 0; p < 3; ++p) {
        EXPECT_FALSE(parts[p]->empty()) << by;
        total += parts[p]->size();
        for (size_t r : *parts[p]) seen[p].insert(ids[r]);
      }
      EXPECT_EQ(total, d.features.size());
      for (int a = 0; a < 3; ++a)
        for (int b = a + 1; b < 3; ++b)
          for (int64_t g : seen[a]) EXPECT_EQ(seen[b].count(g), 0u) << by << " group " << g;
      // Deterministic from the seed.
      EXPECT_EQ(train::grouped_split(d, by, seed).test, s.test);
    }
  }
  EXPECT_THROW(train::grouped_split(d, "nothing", 1), Error);
}

TEST_F(ClassifyRunTest, TwoRunsAreIdenticalAndClassifyGivesTheTrainersPredictions) {
  const std::string a = path("a"), b = path("b");
  std::string loud = train_args(a, "--threads 1");
  loud.erase(loud.find(" --quiet"), 8);  // the printed report, for the log
  const CliResult ra = run(loud);
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  std::printf("[sample run]\n%s", ra.out.c_str());
  ASSERT_EQ(run(train_args(b, "--threads 2")).exit_code, 0);
  EXPECT_EQ(read_bytes(a + "/best.atome"), read_bytes(b + "/best.atome"));
  EXPECT_EQ(result_of(a), result_of(b));
  EXPECT_EQ(read_text(a + "/test_predictions.csv"), read_text(b + "/test_predictions.csv"));
  EXPECT_EQ(read_text(a + "/valid_predictions.csv"), read_text(b + "/valid_predictions.csv"));

  // The result: the test split is made of the test groups, and they are no other split's.
  const json r = result_of(a);
  std::set<int64_t> test_groups, other;
  for (const json& g : r["groups"]["test"]) test_groups.insert(g.get<int64_t>());
  for (const char* s : {"train", "valid"})
    for (const json& g : r["groups"][s]) other.insert(g.get<int64_t>());
  for (int64_t g : test_groups) EXPECT_EQ(other.count(g), 0u);
  EXPECT_EQ(r["group_by"], "site");
  EXPECT_GT(r["test"]["accuracy"].get<double>(), 0.6);  // learnable, and learnt
  for (const char* key :
       {"accuracy", "macro_f1", "ece_before", "ece_after", "aurc", "coverage_at_risk_1pct",
        "coverage_at_risk_5pct", "coverage", "selective_risk"}) {
    const double v = r["test"][key].get<double>();
    EXPECT_TRUE(v >= 0.0 && v <= 1.0) << key << " " << v;
  }
  EXPECT_EQ(read_text(a + "/confusion.svg").rfind("<svg", 0), 0u);
  EXPECT_EQ(read_text(a + "/risk_coverage.svg").rfind("<svg", 0), 0u);

  // The file carries the whole input spec and the calibration the trainer chose.
  const ModelFile f = load_model_file(a + "/best.atome");
  const ClassSpec spec = class_spec_of(f.model);
  EXPECT_EQ(spec.classes, (std::vector<std::string>{"calm", "warm", "hot"}));
  ASSERT_EQ(spec.channels.size(), 2u);
  EXPECT_EQ(spec.channels[1].name, "hum");
  EXPECT_EQ(spec.channels[1].unit, "%");
  EXPECT_EQ(spec.channels[0].phys_min, -40.0f);
  EXPECT_EQ(spec.window, 4u);
  EXPECT_EQ(spec.sample_rate_hz, 0.5f);
  EXPECT_EQ(spec.pipeline, "raw");
  // Numbers kept, a list as name[i], a string (a description) left out.
  ASSERT_EQ(spec.params.size(), 3u);
  EXPECT_EQ(spec.params[0].name, "band_hz[0]");
  EXPECT_EQ(spec.params[1].name, "band_hz[1]");
  EXPECT_EQ(spec.params[1].value, 3.0f);
  EXPECT_EQ(spec.params[2].name, "gain");
  EXPECT_EQ(spec.quant_mode, static_cast<uint32_t>(ATOME_QUANT_BANDED));  // the default
  EXPECT_EQ(spec.abstain_rule, static_cast<uint32_t>(ATOME_ABSTAIN_MAX_PROB));
  EXPECT_EQ(spec.temperature, r["temperature"].get<float>());
  EXPECT_EQ(spec.abstain_threshold, r["threshold"].get<float>());
  for (uint32_t i = 0; i < spec.n_features(); ++i) {  // physically possible ranges only
    const ChannelSpec& ch = spec.channels[i % 2];
    EXPECT_GE(spec.vmin[i], ch.phys_min);
    EXPECT_LE(spec.vmax[i], ch.phys_max);
  }

  expect_classify_agrees(a);
}

TEST_F(ClassifyRunTest, AStoppedRunResumesToTheSameBits) {
  const std::string a = path("a"), b = path("b");
  ASSERT_EQ(run(train_args(a)).exit_code, 0);
  // 240 train rows / 32 = 8 steps an epoch: stopped after the checkpoint of epoch 3.
  const CliResult stopped = run(train_args(b, "--stop-after-step 20"));
  expect_one_line_error(stopped, 1, "stopped after step 24");
  EXPECT_EQ(json::parse(train::read_checkpoint(b + "/checkpoint.bin").json)["step"], 24);
  const CliResult resumed = run("train --resume --out " + shell_quote(b) + " --quiet --threads 1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const train::Checkpoint ca = train::read_checkpoint(a + "/checkpoint.bin");
  const train::Checkpoint cb = train::read_checkpoint(b + "/checkpoint.bin");
  ASSERT_EQ(ca.params.size(), cb.params.size());
  EXPECT_EQ(std::memcmp(ca.params.data(), cb.params.data(), ca.params.size() * 4), 0);
  EXPECT_EQ(std::memcmp(ca.adam_m.data(), cb.adam_m.data(), ca.adam_m.size() * 4), 0);
  EXPECT_EQ(read_bytes(a + "/best.atome"), read_bytes(b + "/best.atome"));
  EXPECT_EQ(result_of(a), result_of(b));
  EXPECT_NE(read_text(b + "/metrics.jsonl").find("\"event\":\"resume\""), std::string::npos);
  // The data must not change under a run.
  write_text(data_ + "/examples.csv", examples_csv(360, 4));
  expect_one_line_error(run("train --resume --out " + shell_quote(b) + " --quiet"), 1,
                        "has changed since the run started");
}

// --patience 1: the first epoch without a better validation loss ends the run; best.atome is the
// epoch before, and a resume of the stopped run trains nothing more.
TEST_F(ClassifyRunTest, EarlyStoppingKeepsTheBestEpoch) {
  const std::string a = path("a");
  ASSERT_EQ(run(train_args(a, "--patience 1 --lr 2e-2", 40)).exit_code, 0);
  const json r = result_of(a);
  ASSERT_TRUE(r["stopped_early"].get<bool>());
  EXPECT_EQ(r["epochs_run"].get<int>(), r["best_epoch"].get<int>() + 1);
  EXPECT_LT(r["epochs_run"].get<int>(), 40);
  const std::string metrics = read_text(a + "/metrics.jsonl");
  EXPECT_NE(metrics.find("\"event\":\"early_stop\""), std::string::npos);
  const std::vector<uint8_t> best = read_bytes(a + "/best.atome");
  ASSERT_EQ(run("train --resume --out " + shell_quote(a) + " --quiet --threads 1").exit_code, 0);
  EXPECT_EQ(result_of(a), r);
  EXPECT_EQ(read_bytes(a + "/best.atome"), best);
}

TEST_F(ClassifyRunTest, Q15RunExportsAQ15FileThatAgrees) {
  const std::string a = path("a");
  const CliResult r = run(train_args(a, "--numerics q15", 2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const ModelFile f = load_model_file(a + "/best.atome");
  EXPECT_EQ(f.model.config.numerics, static_cast<uint32_t>(ATOME_NUMERICS_Q15));
  EXPECT_EQ(result_of(a)["numerics"], "q15");
  expect_classify_agrees(a);
}

// --jitter moves training tokens only: the run differs from one without it, is still
// deterministic and resumable (the jitter is seeded by seed and step), records the option, and
// the file's tokeniser (classify) still gives the trainer's predictions.
TEST_F(ClassifyRunTest, JitterChangesTrainingOnlyAndResumes) {
  const std::string a = path("a"), b = path("b"), c = path("c");
  ASSERT_EQ(run(train_args(a, "--jitter 0.3")).exit_code, 0);
  ASSERT_EQ(run(train_args(c)).exit_code, 0);
  EXPECT_NE(read_bytes(a + "/best.atome"), read_bytes(c + "/best.atome"));
  EXPECT_EQ(json::parse(read_text(a + "/run.json"))["jitter"].get<float>(), 0.3f);
  EXPECT_FALSE(json::parse(read_text(c + "/run.json")).contains("jitter"));
  expect_one_line_error(run(train_args(b, "--jitter 0.3 --stop-after-step 20")), 1,
                        "stopped after step 24");
  ASSERT_EQ(run("train --resume --out " + shell_quote(b) + " --quiet --threads 1").exit_code, 0);
  EXPECT_EQ(read_bytes(a + "/best.atome"), read_bytes(b + "/best.atome"));
  EXPECT_EQ(result_of(a), result_of(b));
  expect_classify_agrees(a);
  for (const char* bad : {"--jitter 1.5", "--jitter -0.1", "--jitter x"})
    EXPECT_NE(run(train_args(path("d"), bad, 1)).exit_code, 0) << bad;
}

// --level-fit and --label-smoothing change training only: the run differs from one without
// them, is deterministic and resumable (the projection is a function of the weights alone),
// records both options, and classify still gives the trainer's predictions.
TEST_F(ClassifyRunTest, LevelFitAndLabelSmoothingResume) {
  const std::string a = path("a"), b = path("b"), c = path("c");
  const std::string opts = "--level-fit 2 --label-smoothing 0.1";
  ASSERT_EQ(run(train_args(a, opts)).exit_code, 0);
  ASSERT_EQ(run(train_args(c)).exit_code, 0);
  EXPECT_NE(read_bytes(a + "/best.atome"), read_bytes(c + "/best.atome"));
  const json opt = json::parse(read_text(a + "/run.json"));
  EXPECT_EQ(opt["level_fit"].get<int>(), 2);
  EXPECT_EQ(opt["label_smoothing"].get<float>(), 0.1f);
  EXPECT_FALSE(json::parse(read_text(c + "/run.json")).contains("level_fit"));
  expect_one_line_error(run(train_args(b, opts + " --stop-after-step 20")), 1,
                        "stopped after step 24");
  ASSERT_EQ(run("train --resume --out " + shell_quote(b) + " --quiet --threads 1").exit_code, 0);
  EXPECT_EQ(read_bytes(a + "/best.atome"), read_bytes(b + "/best.atome"));
  EXPECT_EQ(result_of(a), result_of(b));
  expect_classify_agrees(a);
  for (const char* bad : {"--level-fit 5", "--level-fit -1", "--label-smoothing 1",
                          "--label-smoothing -0.1", "--label-smoothing x"})
    EXPECT_NE(run(train_args(path("d"), bad, 1)).exit_code, 0) << bad;
}

// --range-tail: each channel's range is the nearest-rank tail / 1 - tail percentiles of its train
// values (temp here: i - 30 for rows i = 0..99 at each of 4 timesteps, 400 values, so tail 0.1
// gives ranks 39 and 360, -21 and 60; the default 0.005 ranks 1 and 398, -30 and 69); the run
// records it, resumes to the same bits and classify agrees with it.
TEST_F(ClassifyRunTest, RangeTailSetsThePercentilesAndResumes) {
  std::string csv =
      "label,site,subject,device,temp@0,hum@0,temp@1,hum@1,temp@2,hum@2,temp@3,hum@3\n";
  for (int i = 0; i < 100; ++i) {
    csv += std::to_string(i % 3) + "," + std::to_string(i % 6) + ",0,0";
    for (int t = 0; t < 4; ++t)
      csv += "," + std::to_string(i - 30) + "," + std::to_string(i % 10 == 0 ? 0 : i);
    csv += "\n";
  }
  const train::ClassDataset d = train::read_class_dataset(make_data("ranks", kSpec, csv));
  std::vector<size_t> rows(d.labels.size());
  for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  for (const auto& [tail, lo, hi] :
       {std::tuple{0.005, 0.0, 99.0}, std::tuple{0.1, 9.0, 90.0}, std::tuple{0.0, 0.0, 99.0}}) {
    ClassSpec s = d.spec;
    train::fit_ranges(s, d, rows, ATOME_QUANT_BANDED, tail);
    for (uint32_t t = 0; t < 4; ++t) {
      EXPECT_EQ(s.vmin[2 * t], lo - 30.0) << "tail " << tail;  // temp: i - 30
      EXPECT_EQ(s.vmax[2 * t], hi - 30.0) << "tail " << tail;
    }
  }
  const std::string a = path("a"), b = path("b"), c = path("c");
  ASSERT_EQ(run(train_args(a, "--range-tail 0.1")).exit_code, 0);
  ASSERT_EQ(run(train_args(c)).exit_code, 0);
  EXPECT_NE(read_bytes(a + "/best.atome"), read_bytes(c + "/best.atome"));
  EXPECT_EQ(json::parse(read_text(a + "/run.json"))["range_tail"].get<double>(), 0.1);
  EXPECT_FALSE(json::parse(read_text(c + "/run.json")).contains("range_tail"));
  expect_one_line_error(run(train_args(b, "--range-tail 0.1 --stop-after-step 20")), 1,
                        "stopped after step 24");
  ASSERT_EQ(run("train --resume --out " + shell_quote(b) + " --quiet --threads 1").exit_code, 0);
  EXPECT_EQ(read_bytes(a + "/best.atome"), read_bytes(b + "/best.atome"));
  expect_classify_agrees(a);
  for (const char* bad : {"--range-tail 0.25", "--range-tail -0.01", "--range-tail x"})
    EXPECT_NE(run(train_args(path("d"), bad, 1)).exit_code, 0) << bad;
}

// --threshold-rule leave-group-out: the threshold in the file is the one
// choose_threshold_leave_group_out gives on valid_predictions.csv with each row's group from
// examples.csv (the trainer passes the right groups), never below the pooled rule's; recorded in
// run.json and result.json; a resumed run gives the same file; bad values refused.
TEST_F(ClassifyRunTest, LeaveGroupOutThresholdComesFromTheValidationGroupsAndResumes) {
  // Split by subject (10 groups, 2 of them in valid); by site (6) valid holds one group, which
  // leaves nothing to leave out: refused before training, in one line.
  expect_one_line_error(run(train_args(path("e"), "--threshold-rule leave-group-out")), 2,
                        "needs at least 2 validation groups; the site split has 1");
  const std::string a = path("a"), b = path("b"), c = path("c");
  // 2 validation groups of 36: leaving one out leaves 36 answers, whose 90% bound is 6.2% even
  // without an error, so the target here is 15%.
  const std::string opts = "--group-by subject --target-risk 0.15";
  ASSERT_EQ(run(train_args(a, opts + " --threshold-rule leave-group-out")).exit_code, 0);
  ASSERT_EQ(run(train_args(c, opts)).exit_code, 0);
  const json ra = result_of(a), rc = result_of(c);
  EXPECT_EQ(json::parse(read_text(a + "/run.json"))["threshold_rule"], "leave-group-out");
  EXPECT_FALSE(json::parse(read_text(c + "/run.json")).contains("threshold_rule"));
  EXPECT_EQ(ra["threshold_rule"], "leave-group-out");
  EXPECT_EQ(rc["threshold_rule"], "pooled");
  EXPECT_GE(ra["threshold"].get<double>(), rc["threshold"].get<double>());
  EXPECT_EQ(ra["temperature"], rc["temperature"]);  // the same model, only the rule differs

  const std::vector<std::string> rows = split(read_text(data_ + "/examples.csv"), '\n');
  const std::vector<std::string> header = split(rows[0], ',');
  const size_t column =
      std::find(header.begin(), header.end(), ra["group_by"].get<std::string>()) - header.begin();
  ASSERT_LT(column, header.size());
  std::vector<train::ScoredExample> scored;
  std::vector<int64_t> groups;
  const std::vector<std::string> preds = split(read_text(a + "/valid_predictions.csv"), '\n');
  std::set<int64_t> distinct;
  for (size_t i = 1; i < preds.size(); ++i) {
    const std::vector<std::string> p = split(preds[i], ',');  // row,label,class,p,...
    scored.push_back({static_cast<uint32_t>(std::stoul(p[2])), std::stod(p[3]), p[1] == p[2]});
    groups.push_back(std::stoll(split(rows[std::stoul(p[0]) + 1], ',')[column]));
    distinct.insert(groups.back());
  }
  EXPECT_GE(distinct.size(), 2u);
  const train::ThresholdChoice want = train::choose_threshold_leave_group_out(
      scored, groups, ra["target_risk"].get<double>(), ra["risk_confidence"].get<double>());
  ASSERT_TRUE(want.found);  // the comparison below means something
  EXPECT_TRUE(ra["threshold_found"].get<bool>());
  // The file stores the largest f32 <= the chosen confidence.
  EXPECT_LE(ra["threshold"].get<double>(), want.threshold);
  EXPECT_GT(ra["threshold"].get<double>(), want.threshold - 1e-6);

  // --temperature-rule leave-group-out: the largest fit_temperature with one validation group
  // left out, from the same logits (valid_predictions.csv holds the engine's raw logits).
  const std::string t = path("t");
  ASSERT_EQ(run(train_args(t, opts + " --temperature-rule leave-group-out")).exit_code, 0);
  const json rt = result_of(t);
  EXPECT_EQ(rt["temperature_rule"], "leave-group-out");
  EXPECT_EQ(rc["temperature_rule"], "nll");
  EXPECT_EQ(json::parse(read_text(t + "/run.json"))["temperature_rule"], "leave-group-out");
  std::vector<float> logits;
  std::vector<uint32_t> labels;
  for (size_t i = 1; i < preds.size(); ++i) {
    const std::vector<std::string> p = split(preds[i], ',');
    labels.push_back(static_cast<uint32_t>(std::stoul(p[1])));
    for (const std::string& z : split(p[5], ' ')) logits.push_back(std::stof(z));
  }
  const double want_t = train::fit_temperature_leave_group_out(logits, labels, 3, groups);
  EXPECT_EQ(rt["temperature"].get<double>(), static_cast<double>(static_cast<float>(want_t)));
  EXPECT_NE(rt["temperature"], rc["temperature"]);  // the rule did something here
  expect_one_line_error(run(train_args(path("f"), "--temperature-rule leave-group-out")), 2,
                        "--temperature-rule leave-group-out needs at least 2 validation groups");

  expect_one_line_error(
      run(train_args(b, opts + " --threshold-rule leave-group-out --stop-after-step 20")), 1,
      "stopped after step");
  ASSERT_EQ(run("train --resume --out " + shell_quote(b) + " --quiet --threads 1").exit_code, 0);
  EXPECT_EQ(read_bytes(a + "/best.atome"), read_bytes(b + "/best.atome"));
  expect_classify_agrees(a);
  for (const char* bad :
       {"--threshold-rule groups", "--threshold-rule ''", "--temperature-rule worst"})
    EXPECT_NE(run(train_args(path("d"), bad, 1)).exit_code, 0) << bad;
}

// --quant global: the file records it and classify still gives the trainer's predictions (its
// tokens are the file's own tokeniser's, in either mode).
TEST_F(ClassifyRunTest, GlobalQuantisationIsRecordedAndAgrees) {
  const std::string a = path("a");
  const CliResult r = run(train_args(a, "--quant global", 2));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(class_spec_of(load_model_file(a + "/best.atome").model).quant_mode,
            static_cast<uint32_t>(ATOME_QUANT_GLOBAL));
  expect_classify_agrees(a);
  EXPECT_NE(run(train_args(path("b"), "--quant bands", 2)).exit_code, 0);
}

// A text head (pipeline "bytes", docs/DATA.md): the ranges stay the byte's own 0..255 whatever
// bytes train holds, so global quantisation makes each byte its own token; the same data under
// another pipeline gets the percentile range (here 'a'..'z'), the rule's contrast.
TEST_F(ClassifyRunTest, BytesPipelineKeepsIdentityTokens) {
  std::string csv = "label,subject,byte@0,byte@1,byte@2,byte@3\n";
  for (int i = 0; i < 60; ++i)
    csv += std::to_string(i % 2) + "," + std::to_string(i % 5) + ",0," +
           std::to_string(97 + i % 26) + "," + std::to_string(122 - i % 26) + ",110\n";
  const std::string spec = R"({"head": "text", "classes": ["a", "b"],
    "channels": [{"name": "byte", "unit": "byte", "min": 0, "max": 255}], "window": 4,
    "sample_rate_hz": 0, "pipeline": {"name": "PIPE", "params": {}}, "group_by": "subject"})";
  auto spec_for = [&](const std::string& pipe) {
    std::string s = spec;
    s.replace(s.find("PIPE"), 4, pipe);
    return s;
  };
  const train::ClassDataset text =
      train::read_class_dataset(make_data("text", spec_for("bytes"), csv));
  std::vector<size_t> rows(text.labels.size());
  for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
  ClassSpec s = text.spec;
  train::fit_ranges(s, text, rows, ATOME_QUANT_GLOBAL);
  for (uint32_t i = 0; i < s.n_features(); ++i) {
    EXPECT_EQ(s.vmin[i], 0.0);
    EXPECT_EQ(s.vmax[i], 255.0);
  }
  for (double b : {0.0, 1.0, 32.0, 97.0, 122.0, 200.0, 255.0}) {
    const std::vector<uint32_t> tok = tokenize_features(s, {b, b, b, b});
    EXPECT_EQ(tok[3], static_cast<uint32_t>(b)) << "byte " << b;
  }
  const train::ClassDataset raw = train::read_class_dataset(make_data("raw", spec_for("raw"), csv));
  ClassSpec r = raw.spec;
  train::fit_ranges(r, raw, rows, ATOME_QUANT_GLOBAL);
  EXPECT_LT(r.vmax[0], 255.0);  // percentiles of the train bytes: 'z', not 255
}

TEST_F(ClassifyRunTest, BadDataIsOneLine) {
  auto expect_bad = [&](const std::string& name, const std::string& spec, const std::string& csv,
                        const std::string& needle, int code = 1) {
    const std::string dir = make_data(name, spec, csv);
    expect_one_line_error(run("train --task classify --data " + shell_quote(dir) + " --out " +
                              shell_quote(path(name + "_run")) + " --epochs 1 --quiet"),
                          code, needle);
  };
  const std::string good = examples_csv(60, 1);
  std::string no_window = kSpec;
  no_window.replace(no_window.find("\"window\": 4,"), 12, "");
  expect_bad("no_window", no_window, good, "missing field \"window\"");
  std::string no_classes = kSpec;
  no_classes.replace(no_classes.find("\"classes\""), 9, "\"klasses\"");
  expect_bad("no_classes", no_classes, good, "missing field \"classes\"");
  // Label 3 of 3 classes, on the second example (line 3).
  std::string bad_label = good;
  const size_t line3 = bad_label.find('\n', bad_label.find('\n') + 1) + 1;
  bad_label[line3] = '3';
  expect_bad("bad_label", kSpec, bad_label, "row 3, column 1 (label): '3' is not a class");
  // 5 channels x 8 timesteps = 40 features.
  std::string wide = kSpec;
  wide.replace(wide.find("\"window\": 4"), 11, "\"window\": 20");
  expect_bad("too_wide", wide, good, "at most 32");
  std::string hot = good;
  hot.replace(hot.find('\n', hot.find('\n') + 1) - 6, 6, "500.00");  // humidity 500 %
  expect_bad("hot", kSpec, hot, "outside the physical range");
  expect_bad("empty", kSpec, "", "empty");
  // A group column the data lacks.
  const std::string dir = path("data");
  expect_one_line_error(run("train --task classify --data " + shell_quote(dir) + " --out " +
                            shell_quote(path("x")) + " --group-by nothing --quiet"),
                        2, "--group-by must be site, subject or device");
}

}  // namespace
}  // namespace atome::test
