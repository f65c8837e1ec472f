// Three short stories, for the tests of `atome eval` (scores, router statistics): one with a
// newline, one tiny, one with punctuation and quotes.
#pragma once

#include <string>
#include <vector>

namespace atome::test {

inline const std::vector<std::string>& three_stories() {
  static const std::vector<std::string> stories = {
      "Once upon a time there was a cat.\nThe end.",
      "A short one.",
      "Tom had a red ball. He threw it high, and it landed in the tree! \"Oh no,\" said Tom.",
  };
  return stories;
}

// The stories as a text file: each followed by a line "<|endoftext|>".
inline std::string three_stories_file_text() {
  std::string text;
  for (const std::string& s : three_stories()) text += s + "\n<|endoftext|>\n";
  return text;
}

}  // namespace atome::test
