// The text corpus loader (src/host/text_corpus.h): where stories are cut, what becomes of the
// separator lines, and the files it refuses.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "fixtures.h"
#include "host/text_corpus.h"

namespace atome::train {
namespace {

const char* const kValidText = "data/tinystories/valid.txt";

// The stories of a corpus as strings, read back through story_starts and the 0x04 markers.
std::vector<std::string> stories_of(const TextCorpus& c) {
  std::vector<std::string> out;
  for (size_t start : c.story_starts) {
    size_t end = start;
    while (end < c.tokens.size() && c.tokens[end] != kEndOfStory) ++end;
    out.emplace_back(c.tokens.begin() + static_cast<ptrdiff_t>(start),
                     c.tokens.begin() + static_cast<ptrdiff_t>(end));
  }
  return out;
}

std::vector<std::string> cut(const std::string& text) {
  return stories_of(text_corpus_from_string(text, "t.txt"));
}

using Stories = std::vector<std::string>;

TEST(TextCorpus, TokensAreStoriesEachFollowedByEndOfStory) {
  const TextCorpus c =
      text_corpus_from_string("One.\nTwo lines.\n<|endoftext|>\nSecond.\n<|endoftext|>\n", "t");
  const std::string want = "One.\nTwo lines.\x04Second.\x04";
  EXPECT_EQ(std::string(c.tokens.begin(), c.tokens.end()), want);
  EXPECT_EQ(c.story_starts, (std::vector<size_t>{0, 16}));
  EXPECT_EQ(c.n_stories(), 2u);
}

TEST(TextCorpus, SeparatorAtStartEndOrMissing) {
  EXPECT_EQ(cut("<|endoftext|>\nA\n<|endoftext|>\nB"), (Stories{"A", "B"}));
  EXPECT_EQ(cut("A\n<|endoftext|>\nB\n<|endoftext|>\n"), (Stories{"A", "B"}));
  // The final separator without its newline.
  EXPECT_EQ(cut("A\n<|endoftext|>\nB\n<|endoftext|>"), (Stories{"A", "B"}));
  // No separator: the whole file is one story, its bytes unchanged.
  EXPECT_EQ(cut("just one story\n"), (Stories{"just one story\n"}));
}

TEST(TextCorpus, EmptyAndBlankStoriesAreSkipped) {
  EXPECT_EQ(cut("A\n<|endoftext|>\n<|endoftext|>\n\n<|endoftext|>\nB\n<|endoftext|>\n\n"),
            (Stories{"A", "B"}));
}

TEST(TextCorpus, SeparatorOnlyAsAWholeLine) {
  // Inside a line, or with more on its line, the marker text is ordinary text.
  EXPECT_EQ(cut("A <|endoftext|> B\n<|endoftext|> x\nC"),
            (Stories{"A <|endoftext|> B\n<|endoftext|> x\nC"}));
}

TEST(TextCorpus, CrlfKeptAsBytes) {
  // CR bytes inside a story stay; a CRLF separator line is still a separator.
  EXPECT_EQ(cut("a\r\nb\r\n<|endoftext|>\r\nc\r\n"), (Stories{"a\r\nb", "c\r\n"}));
}

TEST(TextCorpus, RejectsEndOfStoryByteWithItsOffset) {
  try {
    text_corpus_from_string(
        "abc\x04"
        "def",
        "bad.txt");
    FAIL() << "accepted a 0x04 byte";
  } catch (const std::runtime_error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bad.txt"), std::string::npos) << m;
    EXPECT_NE(m.find("offset 3"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

TEST(TextCorpus, RejectsEmptyOrStorylessText) {
  EXPECT_THROW(text_corpus_from_string("", "e.txt"), std::runtime_error);
  EXPECT_THROW(text_corpus_from_string("<|endoftext|>\n\n<|endoftext|>\n", "e.txt"),
               std::runtime_error);
}

TEST(TextCorpus, MissingFileNamesIt) {
  try {
    load_text_corpus("/nonexistent/dir/stories.txt");
    FAIL() << "read a file that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/stories.txt"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(load_text_corpus("/"), std::runtime_error);  // a directory
}

TEST(TextCorpus, LoadsAFile) {
  char name[] = "/tmp/atome_text_XXXXXX";
  const int fd = ::mkstemp(name);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(name, std::ios::binary) << "A\n<|endoftext|>\nB\n<|endoftext|>\n";
  const TextCorpus c = load_text_corpus(name);
  std::remove(name);
  EXPECT_EQ(stories_of(c), (Stories{"A", "B"}));
}

// The shipped validation file: TinyStories V2 layout, every story (the last one included)
// followed by "\n<|endoftext|>\n", so each of those 15 bytes becomes one 0x04.
TEST(TextCorpus, TinyStoriesValidation) {
  const std::string path = ::atome::test::shared_dir() + "/" + kValidText;
  ATOME_REQUIRE_FIXTURE(path);
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string separator = "\n<|endoftext|>\n";
  size_t separators = 0;
  for (size_t p = text.find(separator); p != std::string::npos;
       p = text.find(separator, p + separator.size()))
    ++separators;
  ASSERT_EQ(separators, 160u);
  ASSERT_EQ(text.compare(text.size() - separator.size(), separator.size(), separator), 0);

  const TextCorpus c = load_text_corpus(path);
  EXPECT_EQ(c.n_stories(), 160u);
  EXPECT_EQ(c.tokens.size(), text.size() - separators * separator.size() + separators);
  EXPECT_EQ(c.tokens.back(), kEndOfStory);
  EXPECT_EQ(c.story_starts.front(), 0u);
}

}  // namespace
}  // namespace atome::train
