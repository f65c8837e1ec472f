// Writes seed corpora for the fuzz targets (run by fuzz/make_corpus.sh):
//   OUT/model_load/   native images: tiny synthetic models (every pathway mask, LM and
//                     classifier, signed), plus the published toy and superesp models converted
//   OUT/legacy_read/  legacy files: tiny synthetic ones behind the 4-byte dimension prefix that
//                     fuzz_legacy_read decodes, plus the published superesp heads as they are
//   OUT/signature/    fuzz_signature: selector byte 0 + tiny models signed with the target's pinned
//                     test key (fuzz_signature_key.h) at versions 2 (accepted) and 1 (rollback),
//                     and unsigned; selector 1 + the published receipts and a minimal one
//   OUT/train_inputs/ fuzz_train_inputs: selector byte + a checkpoint image (0), a text with
//                     story separators (1), run options JSON from options_to_json (2), a sweep
//                     file (3)
// Usage: fuzz_make_seeds OUT_DIR [REFERENCE_DIR]   (REFERENCE_DIR: ../shared/reference)
// The published models are test fixtures: the corpus belongs in a build directory, not the repo.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "crypto/model_signing.h"
#include "engine/format.h"
#include "fuzz_signature_key.h"
#include "host/byte_io.h"
#include "host/compact_format.h"
#include "host/file_io.h"
#include "host/model_data.h"
#include "host/numerics_convert.h"
#include "random_model.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

namespace {

using atome::HostModel;
using atome::HostTensor;
using atome::put_u32;
using namespace atome::format;

// A tiny random model of the given shape (tests/random_model.h does the filling).
HostModel synthetic(uint32_t d, uint32_t layers, uint32_t pathways, uint32_t conv_kernel,
                    uint32_t d_head, uint32_t top_k, uint32_t n_classes, std::mt19937& rng) {
  atome_config c =
      atome::test::small_config(d, layers, d_head, conv_kernel, top_k, pathways, n_classes);
  c.context_len = 64;
  return atome::test::random_model(c, rng());
}

void write(const std::string& path, const std::vector<uint8_t>& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
  std::fclose(f);
}

// A native image with a well-formed (unverified) signature block appended.
std::vector<uint8_t> with_signature_block(std::vector<uint8_t> img) {
  put_u32(img, kOffFlags, kFlagSigned);
  put_u32(img, kOffCrc, image_crc32(img.data(), img.size()));
  std::vector<uint8_t> block(kSigBlockBytes, 0x5A);
  for (int i = 0; i < 8; ++i) block[i] = static_cast<uint8_t>(kSigMagic[i]);
  put_u32(block, 8, kSigAlgEd25519);
  put_u32(block, 12, kSigBlockBytes);
  put_u32(block, kSigOffReserved, 0);
  img.insert(img.end(), block.begin(), block.end());
  return img;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR [REFERENCE_DIR]\n", argv[0]);
    return 2;
  }
  const std::string out = argv[1];
  const std::string ref = argc > 2 ? argv[2] : "";
  const std::string native_dir = out + "/model_load";
  const std::string legacy_dir = out + "/legacy_read";
  ::mkdir(out.c_str(), 0755);
  ::mkdir(native_dir.c_str(), 0755);
  ::mkdir(legacy_dir.c_str(), 0755);
  const std::string train_dir = out + "/train_inputs";
  ::mkdir(train_dir.c_str(), 0755);
  const std::string signature_dir = out + "/signature";
  ::mkdir(signature_dir.c_str(), 0755);
  std::mt19937 rng(20240601u);
  int native_count = 0, legacy_count = 0, signature_count = 0;
  auto write_selected = [&](const std::string& name, uint8_t selector,
                            const std::vector<uint8_t>& body) {
    std::vector<uint8_t> file = {selector};
    file.insert(file.end(), body.begin(), body.end());
    write(signature_dir + "/" + name, file);
    ++signature_count;
  };

  // Tiny native models: every pathway mask, an LM and a classifier, and a signed one.
  for (uint32_t p = 1; p <= 7; ++p) {
    for (uint32_t classes : {0u, 3u}) {
      const HostModel m = synthetic(4 + p % 3, 1 + p % 2, p, 2 + p % 3, 2, 2, classes, rng);
      const std::vector<uint8_t> img = atome::write_native(m);
      write(native_dir + "/tiny_p" + std::to_string(p) + "_c" + std::to_string(classes) + ".atome",
            img);
      ++native_count;
      // The same model in the integer modes (format 1.1: numerics fields, i32 tensors).
      for (uint32_t mode : {ATOME_NUMERICS_A8, ATOME_NUMERICS_Q15}) {
        write(native_dir + "/tiny_p" + std::to_string(p) + "_c" + std::to_string(classes) + "_" +
                  atome::numerics_name(mode) + ".atome",
              atome::write_native(atome::convert_numerics(m, mode)));
        ++native_count;
      }
      // The compact q15 layout (format 2.0, FORMAT.md §18): no table, int16 << shift vectors.
      HostModel q15 = atome::convert_numerics(m, ATOME_NUMERICS_Q15);
      atome::round_for_compact(&q15);
      write(native_dir + "/tiny_p" + std::to_string(p) + "_c" + std::to_string(classes) +
                "_compact.atome",
            atome::write_compact(q15));
      ++native_count;
      if (p == 7 && classes == 0) {
        write(native_dir + "/tiny_signed.atome", with_signature_block(img));
        ++native_count;
        uint8_t pk[32], sk[64];
        atome::fuzz::fuzz_key_pair(pk, sk);
        write_selected("signed_v2.bin", 0, atome::sign_model_image(img, sk, 2));
        write_selected("signed_v1.bin", 0, atome::sign_model_image(img, sk, 1));
        write_selected("unsigned.bin", 0, img);
      }
    }
  }
  // Tiny legacy files behind fuzz_legacy_read's 3-byte prefix:
  //   d = 1 + b0 % 16, layers = 1 + b1 % 3, d_head = 1 + b2 % 8 (conv kernel 5, top-k 4 fixed).
  struct Tiny {
    uint32_t d, layers, d_head, classes;
  };
  for (const Tiny& t : {Tiny{2, 1, 1, 0}, Tiny{3, 1, 2, 0}, Tiny{4, 2, 4, 0}, Tiny{5, 1, 3, 2},
                        Tiny{8, 3, 8, 16}}) {
    const HostModel m = synthetic(t.d, t.layers, ATOME_PATH_ALL, 5, t.d_head, 4, t.classes, rng);
    std::vector<uint8_t> file = {static_cast<uint8_t>(t.d - 1), static_cast<uint8_t>(t.layers - 1),
                                 static_cast<uint8_t>(t.d_head - 1)};
    const std::vector<uint8_t> legacy = atome::write_legacy(m);
    file.insert(file.end(), legacy.begin(), legacy.end());
    write(legacy_dir + "/tiny_d" + std::to_string(t.d) + "_c" + std::to_string(t.classes) + ".bin",
          file);
    ++legacy_count;
  }

  // fuzz_train_inputs: the first byte selects the loader (byte % 4), the rest is its input.
  int train_count = 0;
  auto write_train = [&](const std::string& name, uint8_t selector, const std::string& body) {
    std::vector<uint8_t> file = {selector};
    file.insert(file.end(), body.begin(), body.end());
    write(train_dir + "/" + name, file);
    ++train_count;
  };
  {
    atome::train::Checkpoint ckpt;
    ckpt.json = R"({"best_step":0,"best_valid_bpb":-1.0,"elapsed_s":0.5,"step":2})";
    std::normal_distribution<float> normal(0.0f, 0.1f);
    for (int i = 0; i < 6; ++i) {
      ckpt.params.push_back(normal(rng));
      ckpt.adam_m.push_back(normal(rng) * 0.01f);
      ckpt.adam_v.push_back(normal(rng) * normal(rng));
    }
    const std::vector<uint8_t> image = atome::train::serialize_checkpoint(ckpt);
    write_train("checkpoint.bin", 0, std::string(image.begin(), image.end()));
    const std::vector<uint8_t> empty = atome::train::serialize_checkpoint({});
    write_train("checkpoint_empty.bin", 0, std::string(empty.begin(), empty.end()));
  }
  write_train("stories.txt", 1,
              "Once upon a time there was a cat.\n<|endoftext|>\nThe end came.\n\n"
              "<|endoftext|>\n  \n<|endoftext|>\nLast one, no newline");
  write_train("stories_crlf.txt", 1, "<|endoftext|>\r\nA CRLF story.\r\n<|endoftext|>\r\n");
  {
    atome::train::TrainOptions o;
    o.model.d_model = 64;
    o.model.n_layers = 2;
    o.model.d_head = 16;
    o.model.conv_kernel = 5;
    o.model.top_k = 4;
    o.model.pathways = ATOME_PATH_ALL;
    o.model.norm_eps = 1e-5f;
    o.train_path = "data/train.txt";
    o.valid_path = "data/valid.txt";
    write_train("run.json", 2, atome::train::options_to_json(o));
    o.schedule = atome::train::LrSchedule::Kind::kConstant;
    o.valid_path.clear();
    o.legacy = true;
    write_train("run_constant.json", 2, atome::train::options_to_json(o));
  }
  write_train("sweep.json", 3,
              R"({"name": "ab", "title": "A/B", "protocol": ["--train", "{data}/train.txt",)"
              R"( "--steps", "30"], "seeds": [1, 2], "baseline": "atome",)"
              R"( "models": [{"name": "atome", "label": "Atome", "args": ["--preset", "60k"],)"
              R"( "seed_reported": "2.657 bpb"}, {"name": "gpt", "args": ["--preset",)"
              R"( "vanilla-6k"]}]})");

  // The published models, when the reference directory is given.
  if (!ref.empty()) {
    const std::vector<std::string> classifiers = {"motion", "voice", "air"};
    try {
      const std::string toy = ref + "/original-models/toy_60k.atome01";
      atome::ModelDims dims;
      const std::vector<uint8_t> legacy = atome::read_file(toy);
      if (atome::guess_legacy_dims(legacy, &dims)) {
        write(native_dir + "/toy_60k.atome", atome::write_native(atome::read_legacy(legacy, dims)));
        ++native_count;
      }
      for (const std::string& name : classifiers) {
        const std::vector<uint8_t> cl =
            atome::read_file(ref + "/original-superesp/" + name + ".atomecl");
        if (!atome::guess_legacy_dims(cl, &dims)) continue;
        write(native_dir + "/" + name + ".atome",
              atome::write_native(atome::read_legacy(cl, dims)));
        write(legacy_dir + "/" + name + ".atomecl", cl);
        ++native_count;
        ++legacy_count;
        const std::vector<uint8_t> att =
            atome::read_file(ref + "/original-superesp/" + name + ".att.json");
        write_selected(name + ".att.json", 1, att);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "reference models skipped: %s\n", e.what());
    }
  }
  // A minimal receipt (fields only, signature zero) for when the published ones are absent.
  const std::string minimal =
      R"({"receipt":{"magic":"SESPATT1","head":"h","n_classes":1,"classes":["a"],"sha256":")" +
      std::string(64, '0') + R"(","blob_bytes":1,"created":"","pubkey":")" + std::string(64, '0') +
      R"("},"signature":")" + std::string(128, '0') + R"("})";
  write_selected("minimal.att.json", 1, std::vector<uint8_t>(minimal.begin(), minimal.end()));
  std::printf(
      "wrote %d native seeds to %s, %d legacy seeds to %s, %d trainer seeds to %s and %d "
      "signature seeds to %s\n",
      native_count, native_dir.c_str(), legacy_count, legacy_dir.c_str(), train_count,
      train_dir.c_str(), signature_count, signature_dir.c_str());
  return 0;
}
