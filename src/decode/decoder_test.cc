#include "decode/decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "decode/test_support.h"

namespace pantau {
namespace {

using testing_support::TestContext;
using testing_support::Text;

TEST(FormatTest, NamesRoundTrip) {
  for (Format f : {Format::kAuto, Format::kSyslog, Format::kJson, Format::kFortigate, Format::kCef,
                   Format::kWebAccess, Format::kSuricata, Format::kRaw}) {
    auto parsed = ParseFormat(FormatName(f));
    ASSERT_TRUE(parsed.ok()) << FormatName(f);
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_EQ(FormatName(Format::kWebAccess), "web");
}

TEST(FormatTest, UnknownNameSaysWhatIsAllowed) {
  auto parsed = ParseFormat("xml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("\"xml\""), std::string::npos);
  EXPECT_NE(parsed.status().message().find("fortigate"), std::string::npos);
  EXPECT_FALSE(ParseFormat("JSON").ok());
  EXPECT_FALSE(ParseFormat("").ok());
}

TEST(DetectFormatTest, ByFirstBytes) {
  struct Case {
    std::string_view line;
    Format format;
  } cases[] = {
      {R"({"a":1})", Format::kJson},
      {R"(  {"a":1})", Format::kJson},
      {R"({"event_type":"alert"})", Format::kJson},  // Suricata is told apart in Decode
      {"<34>Oct 11 22:14:15 host su: x", Format::kSyslog},
      {"<165>1 2003-10-11T22:14:15.003Z host app - - - x", Format::kSyslog},
      {"<189>date=2026-11-27 time=10:00:00 devid=x", Format::kSyslog},
      {"<1234>x", Format::kRaw},
      {"<>x", Format::kRaw},
      {"<12", Format::kRaw},
      {"CEF:0|a|b|c|d|e|5|", Format::kCef},
      {"date=2026-11-27 time=10:00:00 devname=x", Format::kFortigate},
      {"logver=700 timestamp=1", Format::kFortigate},
      {"itime=1 devid=FG1 x=1", Format::kFortigate},
      {"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1", Format::kWebAccess},
      {"::1 - bob [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1", Format::kWebAccess},
      {"[Sun Dec 04 04:47:44 2005] [notice] x", Format::kWebAccess},
      {"2026/11/27 10:00:03 [error] 1#1: x", Format::kWebAccess},
      {"Jun 14 15:16:01 combo sshd(pam_unix)[19939]: x", Format::kSyslog},
      {"Jun  9 06:06:20 combo syslogd 1.4.1: restart.", Format::kSyslog},
      {"2026-11-27T10:00:00+07:00 host prog: x", Format::kSyslog},
      {"2026-11-27 10:00:00 host prog: x", Format::kSyslog},
      {"[not apache]", Format::kRaw},
      {"hello world", Format::kRaw},
      {"", Format::kRaw},
      {std::string_view("\0\0", 2), Format::kRaw},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(FormatName(DetectFormat(c.line)), FormatName(c.format)) << c.line;
  }
}

TEST(DecodeTest, SetsRawReceivedAndInput) {
  DecodeContext ctx = TestContext();
  ctx.input = "syslog-udp";
  ctx.source_address = "10.0.0.5";
  const std::string line = "<13>Nov 27 10:00:00 host app: hi\r";
  Event e = Decode(line, Format::kAuto, ctx);
  EXPECT_EQ(e.raw, line);  // byte-exact, CR included
  EXPECT_EQ(e.message, "hi");
  EXPECT_EQ(e.received, ctx.received);
  EXPECT_EQ(Text(e, "input.type"), "syslog-udp");
  EXPECT_EQ(Text(e, "log.source.address"), "10.0.0.5");
  EXPECT_EQ(e.flags, 0u);
}

TEST(DecodeTest, NoSourceAddressForFiles) {
  Event e = Decode("hello", Format::kAuto, TestContext());
  EXPECT_EQ(Text(e, "log.source.address"), "<absent>");
  EXPECT_EQ(Text(e, "input.type"), "file");
}

TEST(DecodeTest, UnrecognisedLineIsKeptRaw) {
  const DecodeContext ctx = TestContext();
  Event e = Decode("just text", Format::kAuto, ctx);
  EXPECT_EQ(e.dataset, "unknown");
  EXPECT_EQ(e.message, "just text");
  EXPECT_EQ(e.raw, "just text");
  EXPECT_EQ(e.error, "no decoder recognised the line");
  EXPECT_EQ(e.flags, uint32_t{kDecodeError | kTimeFromReceipt});
  EXPECT_EQ(e.timestamp, ctx.received);
}

TEST(DecodeTest, DetectedDecoderThatFailsFallsBackWithItsReason) {
  Event e = Decode("<999>Nov 27 10:00:00 host app: x", Format::kAuto, TestContext());
  EXPECT_EQ(e.dataset, "unknown");
  EXPECT_TRUE(e.flags & kDecodeError);
  EXPECT_EQ(e.error, "syslog: PRI 999 is out of range 0..191 at byte 1");
}

TEST(DecodeTest, ForcedFormatThatDoesNotFitSaysWhichAndWhere) {
  struct Case {
    Format format;
    std::string_view line;
    std::string_view error;
  } cases[] = {
      {Format::kJson, "not json", "json: expected a JSON object ('{') at byte 0"},
      {Format::kJson, "{\"a\":", "json: "},
      {Format::kSuricata, "{\"a\":1}", "suricata: no event_type field"},
      {Format::kFortigate, "date=1 oops", "fortigate: expected key=value at byte 7"},
      {Format::kCef, "CEF:0|a|b", "cef: header has 2 of 7 '|'-separated fields at byte 9"},
      {Format::kCef, "<13>Nov 27 10:00:00 host app: hello", "cef: expected \"CEF:\" at byte 30"},
      {Format::kWebAccess, "1.2.3.4 - - no time", "web: expected '[' before the time at byte 9"},
      {Format::kSyslog, "hello", "syslog: expected <PRI> or a timestamp at byte 0"},
  };
  for (const auto& c : cases) {
    Event e = Decode(c.line, c.format, TestContext());
    EXPECT_EQ(e.dataset, "unknown") << c.line;
    EXPECT_TRUE(e.flags & kDecodeError) << c.line;
    EXPECT_EQ(e.error.substr(0, c.error.size()), c.error) << c.line;
    EXPECT_EQ(e.message, c.line);
    EXPECT_EQ(e.raw, c.line);
  }
}

TEST(DecodeTest, ForcedRawDoesNotDecode) {
  Event e = Decode("<13>Nov 27 10:00:00 host app: hi", Format::kRaw, TestContext());
  EXPECT_EQ(e.dataset, "raw");
  EXPECT_EQ(e.message, "<13>Nov 27 10:00:00 host app: hi");
  EXPECT_EQ(e.flags, uint32_t{kTimeFromReceipt});
  EXPECT_TRUE(e.error.empty());
}

TEST(DecodeTest, InvalidUtf8IsFlaggedAndKeptExact) {
  const std::string line = "<13>Nov 27 10:00:00 host app: \xff\xfe";
  Event e = Decode(line, Format::kAuto, TestContext());
  EXPECT_EQ(e.dataset, "syslog");
  EXPECT_TRUE(e.flags & kInvalidUtf8);
  EXPECT_EQ(e.raw, line);
  EXPECT_EQ(e.message, "\xff\xfe");
}

TEST(DecodeTest, ReceiptInputWinsOverAJsonFieldOfTheSameName) {
  Event e =
      Decode(R"({"input":{"type":"filestream"},"message":"m"})", Format::kAuto, TestContext());
  EXPECT_EQ(Text(e, "input.type"), "file");
}

}  // namespace
}  // namespace pantau
