// The recorded stream's operator rows (src/host/apps_stream.cpp, docs/APPS.md §10): a quoted
// request keeps its commas and doubled quotes, @resume has no text, both belong to their period
// in file order; every malformed row is one FormatError naming its row and column.
#include "host/apps_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/errors.h"

namespace atome::test {
namespace {

const std::vector<std::string> kStreamHeads = {"a", "b"};

AppsStream read(const std::string& body) {
  return read_apps_stream("period,head,values...\n" + body, kStreamHeads, "f.csv");
}

std::string error_of(const std::string& body) {
  try {
    read(body);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

TEST(AppsStreamOperators, QuotedTextsAndResumeBelongToTheirPeriod) {
  const AppsStream s = read(
      "0,@command,\"turn on the pump\"\n0,a,1,2\n"
      "1,@command,  \"say \"\"hi\"\", please\"  \n1,@resume\n1,@command,\"\"\n2,b,3\n");
  ASSERT_EQ(s.periods.size(), 3u);
  ASSERT_EQ(s.operators.size(), 3u);
  ASSERT_EQ(s.operators[0].size(), 1u);
  EXPECT_EQ(s.operators[0][0].text, "turn on the pump");
  EXPECT_EQ(s.operators[0][0].row, 2u);
  ASSERT_EQ(s.operators[1].size(), 3u);
  EXPECT_EQ(s.operators[1][0].text, "say \"hi\", please");
  EXPECT_EQ(s.operators[1][1].kind, StreamOperator::kResume);
  EXPECT_EQ(s.operators[1][2].kind, StreamOperator::kCommand);
  EXPECT_EQ(s.operators[1][2].text, "");  // the interpreter's bad-text decision, not an error
  EXPECT_TRUE(s.operators[2].empty());
  EXPECT_TRUE(s.periods[0][0].present);
  EXPECT_FALSE(s.periods[1][0].present);  // an operator row is no frame
}

TEST(AppsStreamOperators, MalformedRowsNameRowAndColumn) {
  EXPECT_EQ(error_of("0,@command,turn on\n"),
            "f.csv: row 2, column 3: the text of @command must be in double quotes (\"\" for a "
            "quote)");
  EXPECT_EQ(error_of("0,@command\n"),
            "f.csv: row 2, column 3: @command needs a quoted text: P,@command,\"TEXT\"");
  EXPECT_EQ(error_of("0,@command,\"turn on\n"),
            "f.csv: row 2, column 3: @command's text has no closing quote");
  EXPECT_EQ(error_of("0,@command,\"a\"b\n"),
            "f.csv: row 2, column 3: text after the closing quote of @command's text");
  EXPECT_EQ(error_of("0,@resume,now\n"), "f.csv: row 2, column 3: @resume takes no field");
  EXPECT_EQ(error_of("0,a,1\n0,@halt\n"),
            "f.csv: row 3, column 2: unknown operator row '@halt' (@command, @resume)");
  EXPECT_EQ(error_of("1,@resume\n"),
            "f.csv: row 2, column 1: period 1 out of order (periods start at 0 and go up by 0 or "
            "1)");
}

}  // namespace
}  // namespace atome::test
