#include "decode/fortigate.h"

#include <gtest/gtest.h>

#include <string>

#include "decode/test_support.h"

namespace pantau {
namespace {

using testing_support::T;
using testing_support::TestContext;
using testing_support::Text;

Event MustDecode(std::string_view line) {
  return testing_support::MustDecode(DecodeFortigate, line);
}

TEST(FortigateTest, ValuesKeepTheirTypes) {
  Event e = MustDecode(R"(logid="0000000013" srcport=443 neg=-1 zero=007 ip=10.0.0.1 empty= )"
                       R"(q="a \"quoted\" \\ value" big=99999999999999999999)");
  EXPECT_EQ(Text(e, "logid"), "0000000013");  // quoted: text
  EXPECT_EQ(Text(e, "srcport"), "443(int)");
  EXPECT_EQ(Text(e, "neg"), "-1(int)");
  EXPECT_EQ(Text(e, "zero"), "007");  // not canonical: stays text
  EXPECT_EQ(Text(e, "ip"), "10.0.0.1");
  EXPECT_EQ(Text(e, "empty"), "");
  EXPECT_EQ(Text(e, "q"), R"(a "quoted" \ value)");
  EXPECT_EQ(Text(e, "big"), "99999999999999999999");
}

TEST(FortigateTest, Datasets) {
  struct Case {
    std::string_view type;
    std::string_view dataset;
  } cases[] = {
      {"traffic", "fortigate.traffic"}, {"utm", "fortigate.utm"}, {"event", "fortigate.event"},
      {"virus", "fortigate.utm"},       {"ips", "fortigate.utm"}, {"app-ctrl", "fortigate.utm"},
      {"anomaly", "fortigate.utm"},     {"mystery", "fortigate"},
  };
  for (const auto& c : cases) {
    Event e = MustDecode("devid=\"x\" type=\"" + std::string(c.type) + "\"");
    EXPECT_EQ(e.dataset, c.dataset) << c.type;
  }
  EXPECT_EQ(MustDecode("devid=x").dataset, "fortigate");
}

TEST(FortigateTest, Outcome) {
  struct Case {
    std::string_view kv;
    std::string_view outcome;
  } cases[] = {
      {"action=\"accept\"", "success"},
      {"action=\"close\"", "success"},
      {"action=\"timeout\"", "success"},
      {"action=\"server-rst\"", "success"},
      {"action=\"deny\"", "failure"},
      {"action=\"blocked\"", "failure"},
      {"action=\"dropped\"", "failure"},
      {"action=\"reset\"", "failure"},
      {"action=\"detected\"", "<absent>"},
      {"action=\"passthrough\"", "success"},
      {"action=\"login\" status=\"success\"", "success"},
      {"action=\"login\" status=\"failed\"", "failure"},
      {"action=\"tunnel-up\"", "<absent>"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Text(MustDecode("devid=x " + std::string(c.kv)), "event.outcome"), c.outcome) << c.kv;
  }
}

TEST(FortigateTest, Time) {
  // eventtime in seconds, milliseconds, microseconds, nanoseconds.
  EXPECT_EQ(MustDecode("devid=x eventtime=1795748400").timestamp, T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(MustDecode("devid=x eventtime=1795748400123").timestamp, T("2026-11-27T03:00:00.123Z"));
  EXPECT_EQ(MustDecode("devid=x eventtime=1795748400123456").timestamp,
            T("2026-11-27T03:00:00.123456Z"));
  EXPECT_EQ(MustDecode("devid=x eventtime=1795748400123456789").timestamp,
            T("2026-11-27T03:00:00.123456789Z"));
  // date, time and tz.
  EXPECT_EQ(MustDecode("date=2026-11-27 time=10:00:00 tz=\"+0700\" devid=x").timestamp,
            T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(MustDecode("date=2026-11-27 time=10:00:00 tz=\"-05:00\" devid=x").timestamp,
            T("2026-11-27T15:00:00Z"));
  EXPECT_EQ(MustDecode("date=2026-11-27 time=10:00:00 devid=x").timestamp,
            T("2026-11-27T10:00:00Z"));
  // Unusable times fall back to the receipt.
  Event e = MustDecode("date=2026-02-30 time=10:00:00 devid=x eventtime=abc");
  EXPECT_EQ(e.timestamp, TestContext().received);
  EXPECT_TRUE(e.flags & kTimeFromReceipt);
}

TEST(FortigateTest, EcsMapping) {
  Event e = MustDecode(
      R"(devname="FG" devid="FGT1" logid="0000000013" type="traffic" subtype="forward" )"
      R"(level="warning" srcip=10.0.0.1 srcport=1000 dstip=10.0.0.2 dstport=53 proto=17 )"
      R"(action="deny" service="DNS" policyid=7 policyname="block-dns" user="N/A" )"
      R"(transip=1.2.3.4 transport=2000 sentbyte=10 rcvdbyte=20)");
  EXPECT_EQ(Text(e, "observer.name"), "FG");
  EXPECT_EQ(Text(e, "observer.serial_number"), "FGT1");
  EXPECT_EQ(Text(e, "event.code"), "0000000013");
  EXPECT_EQ(Text(e, "event.severity"), "4(int)");
  EXPECT_EQ(Text(e, "network.transport"), "udp");
  EXPECT_EQ(Text(e, "network.iana_number"), "17");
  EXPECT_EQ(Text(e, "network.protocol"), "dns");
  EXPECT_EQ(Text(e, "rule.name"), "block-dns");
  EXPECT_EQ(Text(e, "rule.id"), "7");
  EXPECT_EQ(Text(e, "user.name"), "<absent>");
  EXPECT_EQ(Text(e, "source.nat.port"), "2000(int)");
  EXPECT_EQ(Text(e, "destination.bytes"), "20(int)");
  // No msg key: the message is a summary; every pair stays in fields and raw.
  EXPECT_EQ(e.message, "traffic forward deny 10.0.0.1:1000 -> 10.0.0.2:53 DNS block-dns");
}

TEST(FortigateTest, Errors) {
  struct Case {
    std::string_view line;
    std::string_view error;
  } cases[] = {
      {"", "fortigate: no key=value pairs at byte 0"},
      {"   ", "fortigate: no key=value pairs at byte 3"},
      {"hello", "fortigate: expected key=value at byte 0"},
      {"a=1 =2", "fortigate: expected key=value at byte 4"},
      {"a=1 b", "fortigate: expected key=value at byte 4"},
      {"a=1 \"b\"=2", "fortigate: expected key=value at byte 4"},
  };
  for (const auto& c : cases) {
    auto r = DecodeFortigate(c.line, TestContext());
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.status().message(), c.error);
  }
}

TEST(FortigateTest, UnbalancedQuotesAndJunk) {
  Event e = MustDecode(R"(a="x"junk b="unterminated \" c=3)");
  EXPECT_EQ(Text(e, "a"), "x");
  EXPECT_EQ(Text(e, "b"), R"(unterminated " c=3)");
  EXPECT_EQ(Text(e, "c"), "<absent>");
  e = MustDecode("a=\"ends in backslash\\");
  EXPECT_EQ(Text(e, "a"), "ends in backslash\\");
}

TEST(FortigateTest, FieldCountIsCapped) {
  std::string line;
  for (int i = 0; i < 5000; ++i) line += "k" + std::to_string(i) + "=" + std::to_string(i) + " ";
  line += "srcip=1.2.3.4";
  Event e = MustDecode(line);
  EXPECT_LT(e.fields.size(), 1100u);
  EXPECT_EQ(Text(e, "source.ip"), "1.2.3.4");  // mapped although past the cap
}

}  // namespace
}  // namespace pantau
