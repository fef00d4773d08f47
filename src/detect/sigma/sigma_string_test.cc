#include "detect/sigma/sigma_string.h"

#include <gtest/gtest.h>

namespace pantau::sigma {
namespace {

bool Match(std::string_view pattern, std::string_view value, bool cased = false) {
  const Pattern p = Pattern::Compile(SigmaString::Parse(pattern), cased);
  std::string lowered;
  LowerAscii(value, lowered);
  return p.Matches(value, lowered);
}

TEST(SigmaStringTest, EscapesFollowTheSpecification) {
  // Plain backslash, escaped wildcards, escaped backslash before a wildcard (spec, "Escape
  // Character").
  EXPECT_EQ(SigmaString::Parse("C:\\Windows").PlainText(), "C:\\Windows");
  EXPECT_EQ(SigmaString::Parse("C:\\\\Windows").PlainText(), "C:\\Windows");
  EXPECT_EQ(SigmaString::Parse("a\\*b").PlainText(), "a*b");
  EXPECT_EQ(SigmaString::Parse("a\\?b").PlainText(), "a?b");
  EXPECT_FALSE(SigmaString::Parse("a\\*b").HasWildcards());
  const SigmaString backslash_star = SigmaString::Parse("a\\\\*");
  ASSERT_EQ(backslash_star.tokens().size(), 2u);
  EXPECT_EQ(backslash_star.tokens()[0].text, "a\\");
  EXPECT_EQ(backslash_star.tokens()[1].kind, Token::kStar);
  EXPECT_EQ(SigmaString::Parse("a\\\\\\*").PlainText(), "a\\*");
  EXPECT_EQ(SigmaString::Parse("\\\\\\\\").PlainText(), "\\\\");
  EXPECT_EQ(SigmaString::Parse("\\\\\\").PlainText(), "\\\\");
}

TEST(SigmaStringTest, WildcardsAndCase) {
  EXPECT_TRUE(Match("prog?.exe", "progA.exe"));
  EXPECT_FALSE(Match("prog?.exe", "prog.exe"));
  EXPECT_TRUE(Match("antivirus_V*.exe", "antivirus_V21.2.1.exe"));
  EXPECT_TRUE(Match("*\\cmd.exe", "C:\\Windows\\System32\\CMD.EXE"));
  EXPECT_FALSE(Match("*\\cmd.exe", "C:\\Windows\\System32\\CMD.EXE", /*cased=*/true));
  EXPECT_TRUE(Match("adm*", "Administrator"));
  EXPECT_TRUE(Match("*evil*", "so EVIL here"));
  EXPECT_TRUE(Match("*", ""));
  EXPECT_TRUE(Match("", ""));
  EXPECT_FALSE(Match("", "x"));
  EXPECT_TRUE(Match("a*b*c", "aXXbYYbZZc"));
  EXPECT_FALSE(Match("a*b*c", "aXXbYYbZZ"));
  EXPECT_TRUE(Match("*a?c*", "zzabczz"));
  EXPECT_TRUE(Match("a\\*b", "a*b"));
  EXPECT_FALSE(Match("a\\*b", "aXb"));
  // ? takes one character, also a multi-byte one.
  EXPECT_TRUE(Match("caf?", "caf\xC3\xA9"));
}

TEST(SigmaStringTest, WindashMatchesEveryDash) {
  SigmaString s = SigmaString::Parse("* -exec *");
  s.ReplaceDashes();
  const Pattern p = Pattern::Compile(s, false);
  for (std::string v : {"x -exec y", "x /exec y",
                        "x \xE2\x80\x93"
                        "exec y",
                        "x \xE2\x80\x94"
                        "exec y",
                        "x \xE2\x80\x95"
                        "exec y"}) {
    std::string lowered;
    LowerAscii(v, lowered);
    EXPECT_TRUE(p.Matches(v, lowered)) << v;
  }
  EXPECT_FALSE(p.Matches("x +exec y", "x +exec y"));
}

TEST(SigmaStringTest, Encodings) {
  // Expected values computed independently with Python's base64 and str.encode.
  EXPECT_EQ(Base64("cmd"), "Y21k");
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("ab"), "YWI=");
  EXPECT_EQ(Base64Offsets("http://"),
            (std::vector<std::string>{"aHR0cDovL", "h0dHA6Ly", "odHRwOi8v"}));
  SigmaString wide = SigmaString::Parse("cmd");
  wide.Encode(SigmaString::Encoding::kUtf16Le);
  EXPECT_EQ(wide.PlainText(), std::string("c\0m\0d\0", 6));
  EXPECT_EQ(Base64Offsets(wide.PlainText()),
            (std::vector<std::string>{"YwBtAGQA", "MAbQBkA", "jAG0AZA"}));
  SigmaString be = SigmaString::Parse("cmd");
  be.Encode(SigmaString::Encoding::kUtf16Be);
  EXPECT_EQ(be.PlainText(), std::string("\0c\0m\0d", 6));
  SigmaString bom = SigmaString::Parse("cmd");
  bom.Encode(SigmaString::Encoding::kUtf16Bom);
  EXPECT_EQ(bom.PlainText(), std::string("\xFF\xFE"
                                         "c\0m\0d\0",
                                         8));
}

}  // namespace
}  // namespace pantau::sigma
