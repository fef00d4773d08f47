#include "core/time.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(TimeTest, CivilRoundTrip) {
  for (int64_t d : {-719468LL, -1LL, 0LL, 1LL, 11016LL, 20419LL, 2932896LL}) {
    const CivilDate c = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
}

TEST(TimeTest, FormatRfc3339) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(*MakeTime(2026, 11, 27, 20, 51, 9, 123'000'000)),
            "2026-11-27T20:51:09.123Z");
  EXPECT_EQ(FormatRfc3339(*MakeTime(2026, 11, 27, 20, 51, 9, 1000)), "2026-11-27T20:51:09.000001Z");
  EXPECT_EQ(FormatRfc3339(-kNsPerSecond), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatRfc3339(INT64_MAX), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(FormatRfc3339(INT64_MIN), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(FormatDay(*MakeTime(2024, 2, 29, 23, 59, 59)), "2024-02-29");
}

TEST(TimeTest, ParseRfc3339) {
  const TimeNs base = *MakeTime(2026, 11, 27, 20, 51, 9);
  EXPECT_EQ(ParseRfc3339("2026-11-27T20:51:09Z"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-27 20:51:09"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-28T03:51:09+07:00"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-27T15:51:09-0500"), base);
  EXPECT_EQ(ParseRfc3339("2026-11-27T20:51:09.5Z"), base + kNsPerSecond / 2);
  EXPECT_EQ(ParseRfc3339("2026-11-27T20:51:09.123456789123Z"), base + 123456789);
  EXPECT_FALSE(ParseRfc3339("2026-13-27T20:51:09Z"));
  EXPECT_FALSE(ParseRfc3339("2026-02-30T20:51:09Z"));
  EXPECT_FALSE(ParseRfc3339("2026-11-27T20:51:09Zjunk"));
  EXPECT_FALSE(ParseRfc3339("yesterday"));
  EXPECT_FALSE(ParseRfc3339(""));
  EXPECT_FALSE(ParseRfc3339("9999-12-31T23:59:59Z"));  // beyond what TimeNs holds
  EXPECT_FALSE(ParseRfc3339("0001-01-01T00:00:00Z"));
  EXPECT_TRUE(ParseRfc3339("2261-12-31T23:59:59+23:59"));
}

TEST(TimeTest, MonthFromAbbrev) {
  EXPECT_EQ(MonthFromAbbrev("Jan"), 1);
  EXPECT_EQ(MonthFromAbbrev("dec"), 12);
  EXPECT_EQ(MonthFromAbbrev("Foo"), 0);
  EXPECT_EQ(MonthFromAbbrev("June"), 0);
}

}  // namespace
}  // namespace pantau
