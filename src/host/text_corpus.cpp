// See text_data.h.
#include "host/text_corpus.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace atome {
namespace {

constexpr char kSeparator[] = "<|endoftext|>";
constexpr size_t kSeparatorLen = sizeof kSeparator - 1;

bool is_blank(const std::string& text, size_t begin, size_t end) {
  for (size_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') return false;
  }
  return true;
}

// If the line starting at `pos` is a separator line, the index just past it (past its "\n", or
// the end of the text when it is the last line); otherwise std::string::npos.
size_t separator_line_end(const std::string& text, size_t pos) {
  if (text.compare(pos, kSeparatorLen, kSeparator) != 0) return std::string::npos;
  size_t p = pos + kSeparatorLen;
  if (p < text.size() && text[p] == '\r') ++p;  // CRLF file
  if (p == text.size()) return p;
  return text[p] == '\n' ? p + 1 : std::string::npos;
}

void add_story(const std::string& text, size_t begin, size_t end, TextCorpus* corpus) {
  if (is_blank(text, begin, end)) return;
  corpus->story_starts.push_back(corpus->tokens.size());
  corpus->tokens.insert(corpus->tokens.end(), text.begin() + static_cast<ptrdiff_t>(begin),
                        text.begin() + static_cast<ptrdiff_t>(end));
  corpus->tokens.push_back(kEndOfStory);
}

}  // namespace

TextCorpus text_corpus_from_string(const std::string& text, const std::string& name) {
  if (text.empty()) throw std::runtime_error(name + ": empty file, no story to read");
  // The marker must mean "a story ends here" and nothing else, so the text cannot hold it.
  const size_t eot = text.find(static_cast<char>(kEndOfStory));
  if (eot != std::string::npos)
    throw std::runtime_error(
        name + ": byte offset " + std::to_string(eot) +
        " holds 0x04, the end-of-story marker; text files must not contain it");

  TextCorpus corpus;
  corpus.tokens.reserve(text.size() + 1);
  size_t story_begin = 0;
  size_t line = 0;  // start of the line being looked at
  while (line < text.size()) {
    const size_t after = separator_line_end(text, line);
    if (after == std::string::npos) {
      const size_t newline = text.find('\n', line);
      if (newline == std::string::npos) break;
      line = newline + 1;
      continue;
    }
    // The line break before the separator line belongs to the separator, not to the story.
    size_t story_end = line;
    if (story_end > story_begin && text[story_end - 1] == '\n') --story_end;
    if (story_end > story_begin && text[story_end - 1] == '\r') --story_end;
    add_story(text, story_begin, story_end, &corpus);
    story_begin = after;
    line = after;
  }
  add_story(text, story_begin, text.size(), &corpus);

  if (corpus.n_stories() == 0)
    throw std::runtime_error(name + ": no story (only separators and whitespace)");
  return corpus;
}

TextCorpus load_text_corpus(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, file.get())) > 0) text.append(buf, n);
  // A directory opens fine and fails here (EISDIR).
  if (std::ferror(file.get()))
    throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  return text_corpus_from_string(text, path);
}

}  // namespace atome
