#include "core/csv.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(CsvTest, QuotedCellsSeparatorsAndLineNumbers) {
  auto r = ParseCsv(
      "\xEF\xBB\xBFname,agency\r\n\"a, \"\"b\"\"\",c\r\n\r\n\"two\nlines\",d\nlast,\n", 10);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].cells, (std::vector<std::string>{"name", "agency"}));
  EXPECT_EQ((*r)[1].cells, (std::vector<std::string>{"a, \"b\"", "c"}));
  EXPECT_EQ((*r)[1].line, 2);
  EXPECT_EQ((*r)[2].cells, (std::vector<std::string>{"two\nlines", "d"}));
  EXPECT_EQ((*r)[2].line, 4);
  EXPECT_EQ((*r)[3].line, 6);
  EXPECT_EQ((*r)[3].cells, (std::vector<std::string>{"last", ""}));
}

TEST(CsvTest, SemicolonsWhenTheHeaderHasNoComma) {
  auto r = ParseCsv("name;agency\nPortal;\"Dinas; Kominfo\"\n", 10);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[1].cells, (std::vector<std::string>{"Portal", "Dinas; Kominfo"}));
}

TEST(CsvTest, BrokenQuotesAreNamedByLine) {
  auto open = ParseCsv("a,b\nx,\"never\nclosed\n", 10);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.status().message(), "line 2: a quoted cell is never closed (a '\"' is missing)");
  auto after = ParseCsv("a,b\nx,y\n\"q\"z,1\n", 10);
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("line 3: text after a closing quote"), std::string::npos);
  EXPECT_EQ(ParseCsv("a\nb\nc\n", 2).status().code(), StatusCode::kTooLarge);
}

TEST(CsvTest, FormulasAreDefusedAndRestored) {
  std::string out;
  AppendCsvCell(out, "=HYPERLINK(\"x\")");
  out += ',';
  AppendCsvCell(out, "+62 541 661234");
  out += ',';
  AppendCsvCell(out, "plain");
  EXPECT_EQ(out, "\"'=HYPERLINK(\"\"x\"\")\",\"'+62 541 661234\",plain");
  auto r = ParseCsv(out, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(UnescapeCsvFormula((*r)[0].cells[0]), "=HYPERLINK(\"x\")");
  EXPECT_EQ(UnescapeCsvFormula((*r)[0].cells[1]), "+62 541 661234");
  EXPECT_EQ(UnescapeCsvFormula("'quoted"), "'quoted");
}

}  // namespace
}  // namespace pantau
