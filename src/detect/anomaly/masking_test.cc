#include "detect/anomaly/masking.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pantau::anomaly {
namespace {

TEST(MaskToken, MasksValuesAndKeepsWords) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"root", "root"},
      {"12345", "<*>"},
      {"10.0.0.1", "<*>"},
      {"10.0.0.1:22", "<*>"},
      {"fe80::1", "<*>"},
      {"::ffff:a", "<*>"},
      {"0xdeadbeef", "<*>"},
      {"blk_-1608999687919862906", "<*>"},
      {"550e8400-e29b-41d4-a716-446655440000", "<*>"},
      {"2024-06-14T15:16:01Z", "<*>"},
      {"15:16:01", "<*>"},
      {"/var/log/messages", "<*>"},
      {"~/notes", "<*>"},
      {"https://example.org/a?b=c", "<*>"},
      {"alice@example.org", "<*>"},
      {"rhost=218.188.2.4", "rhost=<*>"},
      {"rhost=zummit.com", "rhost=<*>"},
      {"user=root", "user=root"},
      {"(uid=0)", "(uid=<*>)"},
      {"'/udev/vcs2'", "'<*>'"},
      {"sshd(pam_unix)", "sshd(pam_unix)"},
      {"[preauth]", "[preauth]"},
      {"-", "-"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(MaskToken(in), want) << in;
}

TEST(MessageTokenizer, SplitsAtWhitespace) {
  MessageTokenizer t;
  // "ssh2" has a digit and is masked too: the rule is general, and consistent across lines.
  auto tokens = t.Tokenize("  Failed password\tfor root from 1.2.3.4 port 22 ssh2\r\n");
  EXPECT_EQ(std::vector<std::string_view>(tokens.begin(), tokens.end()),
            std::vector<std::string_view>(
                {"Failed", "password", "for", "root", "from", "<*>", "port", "<*>", "<*>"}));
  EXPECT_TRUE(t.Tokenize("").empty());
  EXPECT_TRUE(t.Tokenize(" \t ").empty());
}

TEST(MessageTokenizer, BoundsTokens) {
  MessageTokenizer t({.max_bytes = 4096, .max_tokens = 4});
  auto tokens = t.Tokenize("a b c d e f");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[2], "c");
  EXPECT_EQ(tokens[3], "<*>");  // d e f
  // Exactly at the cap: nothing cut.
  tokens = t.Tokenize("a b c d");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[3], "d");
}

TEST(MessageTokenizer, BoundsBytes) {
  MessageTokenizer t({.max_bytes = 10, .max_tokens = 96});
  // "hello worl|d again": the cut falls inside "world", which becomes the final <*>.
  auto tokens = t.Tokenize("hello world again");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0], "hello");
  EXPECT_EQ(tokens[1], "<*>");
  // One huge token: only <*>.
  tokens = t.Tokenize(std::string(100000, 'x'));
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0], "<*>");
}

}  // namespace
}  // namespace pantau::anomaly
