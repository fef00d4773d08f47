#include "detect/sigma/condition.h"

#include <gtest/gtest.h>

namespace pantau::sigma {
namespace {

// Prints a condition tree in prefix form, to compare shapes.
std::string Show(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kIdentifier:
      return c.name;
    case Condition::Kind::kOf:
      return (c.count == 0 ? std::string("all") : std::to_string(c.count)) + " of " + c.name;
    case Condition::Kind::kNot:
      return "not(" + Show(c.children[0]) + ")";
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr: {
      std::string s = c.kind == Condition::Kind::kAnd ? "and(" : "or(";
      for (size_t i = 0; i < c.children.size(); ++i) s += (i ? ", " : "") + Show(c.children[i]);
      return s + ")";
    }
  }
  return "?";
}

std::string Parsed(std::string_view text) {
  auto c = ParseCondition(text);
  return c.ok() ? Show(*c) : "error: " + c.status().message();
}

TEST(ConditionTest, PrecedenceOrAndNotOf) {
  EXPECT_EQ(Parsed("keywords1 or keywords2"), "or(keywords1, keywords2)");
  EXPECT_EQ(Parsed("a or b and not c"), "or(a, and(b, not(c)))");
  EXPECT_EQ(Parsed("selection1 and (keywords1 or keywords2)"),
            "and(selection1, or(keywords1, keywords2))");
  EXPECT_EQ(Parsed("1 of selection* and keywords"), "and(1 of selection*, keywords)");
  EXPECT_EQ(Parsed("1 of selection* and not 1 of filter*"),
            "and(1 of selection*, not(1 of filter*))");
  EXPECT_EQ(Parsed("all of them"), "all of them");
  EXPECT_EQ(Parsed("any of sel_*"), "1 of sel_*");
  EXPECT_EQ(Parsed("2 of sel*"), "2 of sel*");
  EXPECT_EQ(Parsed("not not a"), "not(not(a))");
  EXPECT_EQ(Parsed("(a)"), "a");
}

TEST(ConditionTest, ErrorsSayWhereAndWhat) {
  EXPECT_EQ(Parsed("a and"),
            "error: condition: column 6: expected a search identifier, 'not', '(' or a "
            "quantifier ('1 of', 'all of'), found the end");
  EXPECT_EQ(Parsed("(a or b"), "error: condition: column 8: expected ')', found the end");
  EXPECT_EQ(Parsed("a b"),
            "error: condition: column 3: expected 'and', 'or' or the end, found 'b'");
  EXPECT_EQ(Parsed("sel* and a"),
            "error: condition: column 6: expected 'of' after the pattern 'sel*', found 'and'");
  EXPECT_EQ(Parsed("x of sel"),
            "error: condition: column 1: expected a number, 'any' or 'all' before 'of', found 'x'");
  EXPECT_EQ(Parsed("1 of )"),
            "error: condition: column 6: expected 'them' or an identifier pattern after 'of', "
            "found ')'");
}

TEST(ConditionTest, IdentifierPatterns) {
  EXPECT_TRUE(IdentifierMatches("selection*", "selection_1"));
  EXPECT_TRUE(IdentifierMatches("sel*img*", "sel_a_img_b"));
  EXPECT_TRUE(IdentifierMatches("*", "x"));
  EXPECT_FALSE(IdentifierMatches("filter*", "selection"));
  EXPECT_FALSE(IdentifierMatches("sel", "selection"));
}

}  // namespace
}  // namespace pantau::sigma
