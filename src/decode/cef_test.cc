#include "decode/cef.h"

#include <gtest/gtest.h>

#include <string>

#include "decode/test_support.h"

namespace pantau {
namespace {

using testing_support::T;
using testing_support::TestContext;
using testing_support::Text;

Event MustDecode(std::string_view line) { return testing_support::MustDecode(DecodeCef, line); }

TEST(CefTest, HeaderEscapes) {
  Event e = MustDecode(R"(CEF:0|A\|B|C\\D|1.0|sig\|1|Name \| x|9|)");
  EXPECT_EQ(Text(e, "cef.device_vendor"), "A|B");
  EXPECT_EQ(Text(e, "cef.device_product"), R"(C\D)");
  EXPECT_EQ(Text(e, "cef.signature_id"), "sig|1");
  EXPECT_EQ(Text(e, "cef.name"), "Name | x");
  EXPECT_EQ(Text(e, "cef.severity"), "9(int)");
  EXPECT_EQ(e.message, "Name | x");
  EXPECT_EQ(e.dataset, "cef");
}

TEST(CefTest, ExtensionValues) {
  struct Case {
    std::string_view extension;
    std::string_view key;
    std::string_view value;
  } cases[] = {
      {"msg=text with spaces suser=bob", "msg", "text with spaces"},
      {"msg=text with spaces suser=bob", "suser", "bob"},
      {R"(msg=a\=b c\\d e\nf)", "msg", "a=b c\\d e\nf"},
      {R"(msg=not a key\= here x=1)", "msg", "not a key= here"},
      {"msg=trailing spaces   ", "msg", "trailing spaces"},
      {"msg=   x=1", "msg", ""},
      {"a=1  b=2", "b", "2"},
      {"cs1Label=My Label cs1=v", "cs1Label", "My Label"},
      {"ad.field[0]=v", "ad.field[0]", "v"},
      {"spt=0012", "spt", "0012"},
      {"spt=12", "spt", "12(int)"},
      {"junk words msg=m", "msg", "m"},
      {R"(msg=ends in \)", "msg", R"(ends in \)"},
  };
  for (const auto& c : cases) {
    Event e = MustDecode("CEF:0|V|P|1|S|N|5|" + std::string(c.extension));
    EXPECT_EQ(Text(e, "cef.extensions." + std::string(c.key)), c.value) << c.extension;
  }
}

TEST(CefTest, EcsMapping) {
  Event e = MustDecode(
      "CEF:0|V|P|1|S|N|Very-High|src=10.0.0.1 dst=10.0.0.2 spt=1 dpt=2 suser=bob duser=alice "
      "act=blocked request=http://x/y proto=TCP outcome=success msg=hello world");
  EXPECT_EQ(Text(e, "source.ip"), "10.0.0.1");
  EXPECT_EQ(Text(e, "destination.ip"), "10.0.0.2");
  EXPECT_EQ(Text(e, "source.port"), "1(int)");
  EXPECT_EQ(Text(e, "destination.port"), "2(int)");
  EXPECT_EQ(Text(e, "source.user.name"), "bob");
  EXPECT_EQ(Text(e, "user.name"), "bob");
  EXPECT_EQ(Text(e, "destination.user.name"), "alice");
  EXPECT_EQ(Text(e, "event.action"), "blocked");
  EXPECT_EQ(Text(e, "url.original"), "http://x/y");
  EXPECT_EQ(Text(e, "network.transport"), "tcp");
  EXPECT_EQ(Text(e, "event.outcome"), "success");
  EXPECT_EQ(Text(e, "event.severity"), "10(int)");
  EXPECT_EQ(Text(e, "cef.severity"), "Very-High");
  EXPECT_EQ(e.message, "hello world");
}

TEST(CefTest, Time) {
  auto at = [](std::string_view rt) {
    return MustDecode("CEF:0|V|P|1|S|N|5|rt=" + std::string(rt) + " x=1").timestamp;
  };
  EXPECT_EQ(at("1795748400000"), T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(at("1795748400"), T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(at("Nov 27 2026 03:00:00"), T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(at("Nov 27 2026 10:00:00.5 +07:00"), T("2026-11-27T03:00:00.5Z"));
  EXPECT_EQ(at("Nov 27 2026 03:00:00 GMT"), T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(at("Nov 27 03:00:00"), T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(at("2026-11-27T10:00:00+07:00"), T("2026-11-27T03:00:00Z"));
  EXPECT_EQ(at("garbage"), TestContext().received);
  EXPECT_EQ(at("Nov 27 2026 99:00:00"), TestContext().received);
}

TEST(CefTest, Errors) {
  struct Case {
    std::string_view line;
    std::string_view error;
  } cases[] = {
      {"CEF:0|a|b|c|d", "cef: header has 4 of 7 '|'-separated fields at byte 13"},
      {"CEF:", "cef: header has 0 of 7 '|'-separated fields at byte 4"},
      {"CEF:0|a|b|c|d|e\\|", "cef: header has 5 of 7 '|'-separated fields at byte 17"},
      {"nope", "cef: expected \"CEF:\" at byte 0"},
  };
  for (const auto& c : cases) {
    auto r = DecodeCef(c.line, TestContext());
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.status().message(), c.error);
  }
}

}  // namespace
}  // namespace pantau
