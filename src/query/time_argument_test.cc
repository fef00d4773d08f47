#include "query/time_argument.h"

#include <gtest/gtest.h>

#include "core/time.h"

namespace pantau::query {
namespace {

TEST(TimeArgumentTest, AbsoluteAndRelative) {
  const TimeNs now = *MakeTime(2026, 11, 27, 12, 0, 0);
  EXPECT_EQ(*ParseTimeArgument("now", now, "from"), now);
  EXPECT_EQ(*ParseTimeArgument("now-15m", now, "from"), now - 900 * kNsPerSecond);
  EXPECT_EQ(*ParseTimeArgument("now+1h", now, "from"), now + 3600 * kNsPerSecond);
  EXPECT_EQ(*ParseTimeArgument("now-7d", now, "from"), now - 7 * kNsPerDay);
  EXPECT_EQ(*ParseTimeArgument("2026-11-27T10:00:00+07:00", now, "from"),
            *MakeTime(2026, 11, 27, 3, 0, 0));
  for (const char* bad : {"yesterday", "now-", "now-15", "now-15y", "now*2h", "now-x1h",
                          "now-999999999999d", "now-99999999w"}) {
    auto r = ParseTimeArgument(bad, now, "from");
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseTimeArgument("soon", now, "--to").status().message(),
            "--to: 'soon' is neither an RFC 3339 time nor now-<N><s|m|h|d|w>");
}

}  // namespace
}  // namespace pantau::query
