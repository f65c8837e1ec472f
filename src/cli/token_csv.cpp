// See token_csv.h.
#include "cli/token_csv.h"

#include <cstdio>
#include <filesystem>

#include "host/errors.h"

namespace atome::cli {
namespace {

// Appends printf-formatted text (at most a short number) to `out`.
template <typename... Args>
void append(std::string* out, const char* format, Args... args) {
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, format, args...);
  out->append(buf, static_cast<size_t>(n));
}

}  // namespace

std::string token_csv(const std::vector<uint8_t>& stream, const std::vector<Span>& spans,
                      const RouterTrace& trace) {
  const uint32_t L = trace.n_layers, P = trace.n_paths;
  const std::vector<std::string> paths = pathway_names(trace.pathways);
  std::string csv = "span,pos,input,target,loss";
  for (uint32_t l = 0; l < L; ++l) csv += ",H" + std::to_string(l);
  csv += ",H_mean";
  for (uint32_t l = 0; l < L; ++l) {
    for (const std::string& p : paths) csv += ",r" + std::to_string(l) + "_" + p;
  }
  csv += '\n';
  csv.reserve(csv.size() + trace.size() * (40 + 12 * (L * (P + 1) + 1)));

  size_t t = 0;  // prediction index in the trace
  for (size_t s = 0; s < spans.size(); ++s) {
    for (size_t pos = 0; pos < spans[s].predictions(); ++pos, ++t) {
      const uint8_t* bytes = stream.data() + spans[s].begin + pos;
      // %.17g: the loss read back is the double that was summed.
      append(&csv, "%zu,%zu,%u,%u,%.17g", s, pos, unsigned{bytes[0]}, unsigned{bytes[1]},
             trace.loss[t]);
      double mean = 0;
      for (uint32_t l = 0; l < L; ++l) {
        const double h = mixture_entropy(trace.mixture_of(t, l), P);
        mean += h;
        append(&csv, ",%.9g", h);
      }
      append(&csv, ",%.9g", mean / L);
      for (uint32_t l = 0; l < L; ++l) {
        const float* r = trace.mixture_of(t, l);
        for (uint32_t p = 0; p < P; ++p) append(&csv, ",%.9g", static_cast<double>(r[p]));
      }
      csv += '\n';
    }
  }
  return csv;
}

void check_output_path(const std::string& path, const std::string& flag) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  if (path.empty()) throw Error(flag + ": empty file name");
  if (fs::is_directory(p, ec)) throw Error(flag + " " + path + ": is a directory");
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) throw Error(flag + " " + path + ": no directory " + dir.string());
}

}  // namespace atome::cli
