// A text corpus as the byte-level model sees it: every story's bytes followed by one
// end-of-story byte (docs/FORMAT.md, "Text convention (byte LM)"). The trainer, `atome eval` and
// the tests read text files only through this loader, so all of them cut stories the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace atome {

// Byte that ends a story in the token stream (ASCII EOT). See docs/FORMAT.md "Text convention".
constexpr uint8_t kEndOfStory = 0x04;

struct TextCorpus {
  std::vector<uint8_t> tokens;       // story0 bytes, 0x04, story1 bytes, 0x04, ...
  std::vector<size_t> story_starts;  // index in tokens of each story's first byte
  size_t n_stories() const { return story_starts.size(); }
};

// Reads a UTF-8 text file whose stories are separated by a line "<|endoftext|>" (TinyStories V2
// convention: cut on "\n<|endoftext|>\n"; a separator at the very start or end of the file, or
// a final one without trailing newline, is handled; a file with no separator is one story).
// Empty stories (after the cut) are skipped. Throws std::runtime_error with a clear one-line
// message (file name included) if the file cannot be read, is empty / has no story, or contains
// a raw 0x04 byte (give the byte offset).
//
// Details: a separator is a whole line "<|endoftext|>" (in a CRLF file "<|endoftext|>\r"); the
// line break before it ("\n" or "\r\n") goes with it. Every other byte, CR included, is kept as
// it is. Stories that are empty or only whitespace after the cut are skipped (a blank line after
// the last separator is not a story).
TextCorpus load_text_corpus(const std::string& path);

// The same cut on text already in memory; `name` stands for the file in messages.
TextCorpus text_corpus_from_string(const std::string& text, const std::string& name);

}  // namespace atome
