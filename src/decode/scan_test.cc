#include "decode/scan.h"

#include <gtest/gtest.h>

#include "decode/test_support.h"

namespace pantau::decode {
namespace {

using testing_support::T;

TEST(ScanTest, IpAddresses) {
  struct Case {
    std::string_view text;
    bool ip;
  } cases[] = {
      {"10.0.0.1", true},
      {"255.255.255.255", true},
      {"256.0.0.1", false},
      {"1.2.3", false},
      {"1.2.3.4.5", false},
      {"01.2.3.4", true},
      {"1234.1.1.1", false},
      {"::1", true},
      {"::", true},
      {"2001:db8::5", true},
      {"fe80::1%eth0", true},
      {"::ffff:10.0.0.1", true},
      {"1:2:3:4:5:6:7:8", true},
      {"1:2:3:4:5:6:7:8:9", false},
      {"1::2::3", false},
      {":1", false},
      {"1:", false},
      {"12345::1", false},
      {"g::1", false},
      {"host.example", false},
      {"", false},
      {"fe80::1%", false},
      {"1.2.3.4 ", false},
      {":::", false},
  };
  for (const auto& c : cases) EXPECT_EQ(IsIpAddress(c.text), c.ip) << c.text;
}

TEST(ScanTest, CanonicalIntegersOnly) {
  EXPECT_EQ(ParseCanonicalInt("443"), 443);
  EXPECT_EQ(ParseCanonicalInt("-5"), -5);
  EXPECT_EQ(ParseCanonicalInt("0"), 0);
  EXPECT_FALSE(ParseCanonicalInt("0013"));  // a FortiGate logid stays text
  EXPECT_FALSE(ParseCanonicalInt("-0"));
  EXPECT_FALSE(ParseCanonicalInt("+5"));
  EXPECT_FALSE(ParseCanonicalInt("5a"));
  EXPECT_FALSE(ParseCanonicalInt(""));
  EXPECT_FALSE(ParseCanonicalInt("-"));
  EXPECT_FALSE(ParseCanonicalInt("99999999999999999999"));  // overflows int64
  EXPECT_EQ(ParseInt64("0013"), 13);
}

TEST(ScanTest, BsdTimestamps) {
  auto t = ParseBsdTimestamp("Oct 11 22:14:15 host");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->month, 10);
  EXPECT_EQ(t->day, 11);
  EXPECT_EQ(t->length, 15u);
  t = ParseBsdTimestamp("Jun  9 06:06:20 combo");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->day, 9);
  t = ParseBsdTimestamp("Jun 9 06:06:20");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->length, 14u);
  t = ParseBsdTimestamp("Nov 27 11:59:59.123456 x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->nanos, 123'456'000);
  EXPECT_EQ(t->length, 22u);
  EXPECT_FALSE(ParseBsdTimestamp("Foo 11 22:14:15"));
  EXPECT_FALSE(ParseBsdTimestamp("Oct 11 25:14:15"));
  EXPECT_FALSE(ParseBsdTimestamp("Oct 11 22:14:15x"));
  EXPECT_FALSE(ParseBsdTimestamp("Oct 11 22:14"));
  EXPECT_FALSE(ParseBsdTimestamp(""));
}

TEST(ScanTest, BsdYearFromReceipt) {
  const TimeNs received = T("2026-01-01T00:30:00Z");
  auto dec = ParseBsdTimestamp("Dec 31 23:59:00");
  ASSERT_TRUE(dec);
  EXPECT_EQ(BsdTimestampToTime(*dec, received), T("2025-12-31T23:59:00Z"));
  auto jan = ParseBsdTimestamp("Jan  1 00:10:00");
  EXPECT_EQ(BsdTimestampToTime(*jan, received), T("2026-01-01T00:10:00Z"));
  // Up to a day ahead is clock skew between sender and receiver, not last year.
  auto tomorrow = ParseBsdTimestamp("Jan  1 23:00:00");
  EXPECT_EQ(BsdTimestampToTime(*tomorrow, received), T("2026-01-01T23:00:00Z"));
  auto feb29 = ParseBsdTimestamp("Feb 29 10:00:00");
  EXPECT_EQ(BsdTimestampToTime(*feb29, T("2028-03-01T00:00:00Z")), T("2028-02-29T10:00:00Z"));
  EXPECT_FALSE(BsdTimestampToTime(*feb29, received));
}

TEST(ScanTest, EpochByMagnitude) {
  const TimeNs want = T("2026-11-27T03:00:00Z");
  EXPECT_EQ(EpochToTime(int64_t{1795748400}), want);
  EXPECT_EQ(EpochToTime(int64_t{1795748400000}), want);
  EXPECT_EQ(EpochToTime(int64_t{1795748400000000}), want);
  EXPECT_EQ(EpochToTime(int64_t{1795748400000000000}), want);
  EXPECT_EQ(EpochToTime(1795748400.5), want + kNsPerSecond / 2);
  EXPECT_FALSE(EpochToTime(int64_t{0}));
  EXPECT_FALSE(EpochToTime(int64_t{-5}));
  EXPECT_FALSE(EpochToTime(1e300));
  EXPECT_FALSE(EpochToTime(-1.0));
  // Past the year 2262 a time does not fit TimeNs.
  EXPECT_FALSE(EpochToTime(int64_t{17957556000}));
  EXPECT_FALSE(EpochToTime(int64_t{17957556000000}));
  EXPECT_FALSE(EpochToTime(int64_t{17957556000000000}));
  EXPECT_FALSE(EpochToTime(17957556000.0));
  EXPECT_EQ(EpochToTime(int64_t{9223372036854775807}), int64_t{9223372036854775807});
}

TEST(ScanTest, ZoneOffsets) {
  EXPECT_EQ(ParseZoneOffset("+0700"), 7 * 3600);
  EXPECT_EQ(ParseZoneOffset("+07:00"), 7 * 3600);
  EXPECT_EQ(ParseZoneOffset("-0530"), -(5 * 3600 + 30 * 60));
  EXPECT_EQ(ParseZoneOffset("+07"), 7 * 3600);
  EXPECT_EQ(ParseZoneOffset("Z"), 0);
  EXPECT_EQ(ParseZoneOffset("UTC"), 0);
  EXPECT_FALSE(ParseZoneOffset("+2500"));
  EXPECT_FALSE(ParseZoneOffset("CET"));
  EXPECT_FALSE(ParseZoneOffset("+07:0"));
}

TEST(ScanTest, QuotedStrings) {
  bool escaped = false;
  size_t p = 0;
  EXPECT_EQ(ReadQuoted(R"("a \"b\" c" rest)", p, escaped), R"(a \"b\" c)");
  EXPECT_TRUE(escaped);
  EXPECT_EQ(p, 11u);
  p = 0;
  EXPECT_EQ(ReadQuoted(R"("unterminated)", p, escaped), "unterminated");
  EXPECT_EQ(p, 13u);
  p = 0;
  EXPECT_EQ(ReadQuoted("\"ends in backslash\\", p, escaped), "ends in backslash\\");
  p = 0;
  EXPECT_EQ(ReadQuoted("\"", p, escaped), "");
  EXPECT_EQ(Unescape(R"(a\"b\\c\d)", "\"\\"), R"(a"b\c\d)");
  EXPECT_EQ(Unescape("trailing\\", "\"\\"), "trailing\\");
}

TEST(ScanTest, ContentChecks) {
  EXPECT_TRUE(LooksLikeFortigate("date=2026-11-27 time=10:00:00"));
  EXPECT_TRUE(LooksLikeFortigate("logver=700 devid=\"x\""));
  EXPECT_TRUE(LooksLikeFortigate("itime=1 devid=FG1 x=y"));
  EXPECT_FALSE(LooksLikeFortigate("some text devid=FG1"));
  EXPECT_TRUE(LooksLikeWebAccess("1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /\""));
  EXPECT_TRUE(LooksLikeWebAccess("host.example - bob [10/Oct/2000:13:55:36 -0700] \"GET /\""));
  EXPECT_FALSE(LooksLikeWebAccess("1.2.3.4 - - [not a time]"));
  EXPECT_FALSE(LooksLikeWebAccess("1.2.3.4 - - [10/Oct"));
  EXPECT_TRUE(LooksLikeApacheError("[Sun Dec 04 04:47:44 2005] [notice] x"));
  EXPECT_FALSE(LooksLikeApacheError("[Sun Foo 04 04:47:44 2005] [notice] x"));
  EXPECT_TRUE(LooksLikeNginxError("2026/11/27 10:00:03 [error] 1#1: x"));
  EXPECT_TRUE(StartsWithIsoDateTime("2026-11-27T10:00"));
  EXPECT_TRUE(StartsWithIsoDateTime("2026-11-27 10:00"));
  EXPECT_FALSE(StartsWithIsoDateTime("2026-11-27"));
}

}  // namespace
}  // namespace pantau::decode
