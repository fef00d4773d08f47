#include "ingest/framing.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

std::vector<RawLine> FeedAll(SyslogFramer& f, std::vector<std::string_view> chunks,
                             bool finish = false, Status* last = nullptr) {
  std::vector<RawLine> out;
  for (auto c : chunks) {
    Status s = f.Feed(c, 1, out);
    if (last) *last = s;
  }
  if (finish) f.Finish(1, out);
  return out;
}

std::vector<std::string> Texts(const std::vector<RawLine>& lines) {
  std::vector<std::string> t;
  for (const auto& l : lines) t.push_back(l.bytes);
  return t;
}

TEST(SyslogFramerTest, NewlineFraming) {
  SyslogFramer f(1024);
  auto out = FeedAll(f, {"<13>a\n<13>b\r\n\n<1", "3>c\n<13>partial"});
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"<13>a", "<13>b", "<13>c"}));
  EXPECT_TRUE(f.InFrame());
  f.Finish(1, out);
  EXPECT_EQ(out.back().bytes, "<13>partial");
  EXPECT_FALSE(f.InFrame());
}

TEST(SyslogFramerTest, OctetCountingAcrossChunksWithNewlinesInside) {
  SyslogFramer f(1024);
  auto out = FeedAll(f, {"11 <13>a\nb c d", "9 <13>x yz\n", "\n5 <13>e"});
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"<13>a\nb c d", "<13>x yz", "<13>e"}));
}

TEST(SyslogFramerTest, DigitsWithoutSpaceAreALine) {
  SyslogFramer f(1024);
  auto out = FeedAll(f, {"2026-11-27 host msg\n12345\n"});
  EXPECT_EQ(Texts(out), (std::vector<std::string>{"2026-11-27 host msg", "12345"}));
}

TEST(SyslogFramerTest, LongLinesAreCutAndMarked) {
  SyslogFramer f(4);
  auto out = FeedAll(f, {"abcdefgh\nok\n", "7 1234567"});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].bytes, "abcd");
  EXPECT_EQ(out[0].flags, kTruncated);
  EXPECT_EQ(out[1].bytes, "ok");
  EXPECT_EQ(out[1].flags, 0u);
  EXPECT_EQ(out[2].bytes, "1234");
  EXPECT_EQ(out[2].flags, kTruncated);
}

TEST(SyslogFramerTest, DigitsBeforeTheLimitDoNotOvershootIt) {
  SyslogFramer f(2);
  auto out = FeedAll(f, {"9", "9", "9", "9", "x\n"});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes, "99");
  EXPECT_EQ(out[0].flags, kTruncated);
}

TEST(SyslogFramerTest, GarbageIsAnError) {
  SyslogFramer f(64);
  std::vector<RawLine> out;
  EXPECT_FALSE(f.Feed("999999999 x", 1, out).ok());
  SyslogFramer g(64);
  const std::string junk(1 << 20, 'x');
  Status s;
  for (int i = 0; i < 17 && s.ok(); ++i) s = g.Feed(junk, 1, out);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace pantau
