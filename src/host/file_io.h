// Whole-file reads and crash-safe writes for every file the host tools touch (models, checkpoints,
// JSON, CSV, SVG). Failures throw IoError with a one-line message naming the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace atome {

std::vector<uint8_t> read_file(const std::string& path);
std::string read_text_file(const std::string& path);  // the same bytes, as text

// A path a config file names: absolute as given, else relative to the config file's folder.
std::string path_beside(const std::string& config_file, const std::string& path);

// Writes a unique temporary file, fsyncs it and renames it over `path` (then fsyncs the
// directory), so a crash never leaves a half-written file.
void write_file_atomic(const std::string& path, const std::vector<uint8_t>& bytes);
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace atome
