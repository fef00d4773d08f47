#include "decode/syslog.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "decode/test_support.h"

namespace pantau {
namespace {

using testing_support::T;
using testing_support::TestContext;
using testing_support::Text;

struct Case {
  std::string_view line;
  std::string_view dataset;
  std::string_view message;
  std::vector<std::pair<std::string_view, std::string_view>> fields;
};

void Check(const Case& c) {
  SCOPED_TRACE(c.line);
  auto r = DecodeSyslog(c.line, TestContext());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->dataset, c.dataset);
  EXPECT_EQ(r->message, c.message);
  for (const auto& [name, want] : c.fields) EXPECT_EQ(Text(*r, name), want) << name;
}

TEST(SyslogTest, HostnameAndTagHeuristics) {
  const Case cases[] = {
      {"<34>Oct 11 22:14:15 mymachine su[123]: x",
       "linux.auth",
       "x",
       {{"host.name", "mymachine"}, {"process.name", "su"}, {"process.pid", "123(int)"}}},
      // Sent to /dev/log: no hostname.
      {"<13>Oct 11 22:14:15 prog[7]: x",
       "syslog",
       "x",
       {{"host.name", "<absent>"}, {"process.name", "prog"}}},
      {"<13>Oct 11 22:14:15 prog: x",
       "syslog",
       "x",
       {{"host.name", "<absent>"}, {"process.name", "prog"}}},
      // No tag: the first word after the host is message.
      {"<13>Oct 11 22:14:15 host hello world",
       "syslog",
       "hello world",
       {{"host.name", "host"}, {"process.name", "<absent>"}}},
      {"<13>Oct 11 22:14:15 fe80::1 prog: x", "syslog", "x", {{"host.name", "fe80::1"}}},
      {"<13>Oct 11 22:14:15 host prog[1] no colon",
       "syslog",
       "no colon",
       {{"process.pid", "1(int)"}}},
      {"<13>Oct 11 22:14:15 host prog[a b]: x",
       "syslog",
       "prog[a b]: x",
       {{"process.name", "<absent>"}}},
      {"<13>Oct 11 22:14:15 host sshd(pam_unix)[5]: check pass; user unknown",
       "linux.auth",
       "check pass; user unknown",
       {{"process.name", "sshd"}, {"log.syslog.appname", "sshd(pam_unix)"}}},
      {"<13>Oct 11 22:14:15 host /usr/sbin/cron[5]: x",
       "syslog",
       "x",
       {{"process.name", "cron"}, {"log.syslog.appname", "/usr/sbin/cron"}}},
      // Two spaces between fields.
      {"Jul  1 00:21:28 combo  prog: x", "syslog", "x", {{"host.name", "combo"}}},
  };
  for (const auto& c : cases) Check(c);
}

TEST(SyslogTest, Priority) {
  const Case cases[] = {
      {"<0>Oct 11 22:14:15 h p: x",
       "syslog",
       "x",
       {{"log.syslog.facility.name", "kern"}, {"log.syslog.severity.name", "emergency"}}},
      {"<191>Oct 11 22:14:15 h p: x",
       "syslog",
       "x",
       {{"log.syslog.facility.code", "23(int)"},
        {"log.syslog.severity.code", "7(int)"},
        {"log.level", "debug"}}},
      {"<86>Oct 11 22:14:15 h p: x",
       "syslog",
       "x",
       {{"log.syslog.facility.name", "authpriv"}, {"log.syslog.severity.name", "informational"}}},
  };
  for (const auto& c : cases) Check(c);
  EXPECT_FALSE(DecodeSyslog("<192>Oct 11 22:14:15 h p: x", TestContext()).ok());
  EXPECT_FALSE(DecodeSyslog("<1x>Oct 11 22:14:15 h p: x", TestContext()).ok());
  EXPECT_FALSE(DecodeSyslog("<>x", TestContext()).ok());
  EXPECT_FALSE(DecodeSyslog("<", TestContext()).ok());
}

TEST(SyslogTest, Rfc3164YearComesFromReceipt) {
  auto r = DecodeSyslog("<13>Dec 31 23:59:59 h p: x", TestContext());  // received 2026-11-27
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timestamp, T("2025-12-31T23:59:59Z"));
  r = DecodeSyslog("<13>Nov 28 11:00:00 h p: x", TestContext());  // 23 hours ahead: skew
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timestamp, T("2026-11-28T11:00:00Z"));
  EXPECT_EQ(r->flags, 0u);
}

TEST(SyslogTest, Rfc5424) {
  const Case cases[] = {
      {"<165>1 2003-10-11T22:14:15.003Z host app 42 ID7 [a@1 x=\"1\" y=\"two words\"][b c=\"\"] m",
       "syslog",
       "m",
       {{"log.syslog.version", "1"},
        {"host.name", "host"},
        {"process.pid", "42(int)"},
        {"log.syslog.msgid", "ID7"},
        {"syslog.sd.a@1.x", "1"},
        {"syslog.sd.a@1.y", "two words"},
        {"syslog.sd.b.c", ""}}},
      {"<165>1 - - - - - -",
       "syslog",
       "",
       {{"host.name", "<absent>"}, {"process.name", "<absent>"}}},
      {"<165>1 - - - - - - \xEF\xBB\xBFwith BOM", "syslog", "with BOM", {}},
      {R"(<14>1 - h a - - [x q="\"\\\]\n"] m)", "syslog", "m", {{"syslog.sd.x.q", R"("\]\n)"}}},
      {"<14>1 - h a w-3 - - m",
       "syslog",
       "m",
       {{"process.pid", "<absent>"}, {"log.syslog.procid", "w-3"}}},
      // A header that ends early keeps what it has.
      {"<14>1 2026-11-27T10:00:00Z host", "syslog", "", {{"host.name", "host"}}},
  };
  for (const auto& c : cases) Check(c);
}

TEST(SyslogTest, Rfc5424Errors) {
  struct Bad {
    std::string_view line;
    std::string_view error;
  } cases[] = {
      {"<14>1 2026-11-27T25:00:00Z h a - - - m", "syslog: bad RFC 5424 timestamp at byte 6"},
      {"<14>1 - h a - - [x y=\"z\"", "syslog: unterminated structured data element at byte 16"},
      {"<14>1 - h a - - [x y=\"z", "syslog: unterminated structured data value at byte 21"},
      {"<14>1 - h a - - [x y=z]",
       "syslog: expected '\"' to open a structured data value at byte 21"},
      {"<14>1 - h a - - [x =\"z\"]", "syslog: expected PARAM-NAME= in structured data at byte 19"},
      {"<14>1 - h a - - []", "syslog: empty SD-ID in structured data at byte 17"},
      {"<14>1 - h a - - x", "syslog: expected structured data ('[' or '-') at byte 16"},
  };
  for (const auto& c : cases) {
    auto r = DecodeSyslog(c.line, TestContext());
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.status().message(), c.error) << c.line;
  }
}

TEST(SyslogTest, RsyslogFileForms) {
  auto r = DecodeSyslog("2026-11-27T10:00:00.123456+07:00 host sshd[1]: x", TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timestamp, T("2026-11-27T03:00:00.123456Z"));
  EXPECT_EQ(Text(*r, "host.name"), "host");
  r = DecodeSyslog("<13>2026-11-27T10:00:00Z host p: x", TestContext());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->timestamp, T("2026-11-27T10:00:00Z"));
  EXPECT_FALSE(DecodeSyslog("2026-11-27T99:00:00Z host p: x", TestContext()).ok());
}

TEST(SyslogTest, PayloadsKeepTheHeader) {
  const Case cases[] = {
      {"<189>date=2026-11-27 time=10:00:00 devid=\"FG\" type=\"traffic\" srcip=1.2.3.4",
       "fortigate.traffic",
       "traffic 1.2.3.4",
       {{"log.syslog.priority", "189(int)"}, {"srcip", "1.2.3.4"}, {"source.ip", "1.2.3.4"}}},
      {"<134>Nov 27 10:00:00 CEF:0|V|P|1|2|N|3|src=1.2.3.4",
       "cef",
       "N",
       {{"host.name", "<absent>"}, {"source.ip", "1.2.3.4"}}},
      {"<134>Nov 27 10:00:00 h app: CEF:0|V|P|1|2|N|3|", "cef", "N", {{"process.name", "app"}}},
      {"<134>Nov 27 10:00:00 h suricata[1]: {\"timestamp\":\"2026-11-27T10:00:00Z\","
       "\"event_type\":\"alert\",\"src_ip\":\"1.2.3.4\",\"alert\":{\"signature\":\"S\"}}",
       "suricata.alert",
       "S",
       {{"process.name", "suricata"}, {"source.ip", "1.2.3.4"}}},
      {"<134>Nov 27 10:00:00 h app: {\"a\":1}", "json", "{\"a\":1}", {{"a", "1(int)"}}},
      {"<134>Nov 27 10:00:00 h app: {broken", "syslog", "{broken", {}},
      {"<134>Nov 27 10:00:00 h app: date=1 but not fortigate",
       "syslog",
       "date=1 but not fortigate",
       {}},
      {"<14>Nov 27 10:00:00 h nginx: 1.2.3.4 - - [27/Nov/2026:10:00:00 +0700] \"GET / HTTP/1.1\" "
       "200 5",
       "web.access",
       "1.2.3.4 - - [27/Nov/2026:10:00:00 +0700] \"GET / HTTP/1.1\" 200 5",
       {{"process.name", "nginx"}, {"http.response.status_code", "200(int)"}}},
  };
  for (const auto& c : cases) Check(c);
}

TEST(SyslogTest, RequiredPayloadMustDecode) {
  auto r = DecodeSyslogWithPayload("<13>Nov 27 10:00:00 h app: hello", TestContext(),
                                   SyslogPayload::kJson);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "json: expected a JSON object ('{') at byte 27");
  r = DecodeSyslogWithPayload("<13>Nov 27 10:00:00 h app: {\"a\":1}", TestContext(),
                              SyslogPayload::kJson);
  EXPECT_TRUE(r.ok());
}

TEST(SyslogTest, NoHeaderIsAnError) {
  auto r = DecodeSyslog("hello", TestContext());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "syslog: expected <PRI> or a timestamp at byte 0");
  EXPECT_TRUE(HasSyslogHeader("<1>x"));
  EXPECT_TRUE(HasSyslogHeader("Nov 27 10:00:00 x"));
  EXPECT_TRUE(HasSyslogHeader("2026-11-27T10:00:00Z x"));
  EXPECT_FALSE(HasSyslogHeader("date=2026-11-27"));
  EXPECT_FALSE(HasSyslogHeader("<x"));
}

}  // namespace
}  // namespace pantau
