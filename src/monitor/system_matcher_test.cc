#include "monitor/system_matcher.h"

#include <gtest/gtest.h>

namespace pantau {
namespace {

TEST(IpRangeTest, ParsesAndWritesCanonicalForms) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"192.0.2.7", "192.0.2.7"},         {"192.0.2.0/24", "192.0.2.0/24"},
      {"192.0.2.7/32", "192.0.2.7"},      {"2001:DB8:0:0::1", "2001:db8::1"},
      {"2001:db8::/32", "2001:db8::/32"}, {"2001:db8::1/128", "2001:db8::1"},
  };
  for (const auto& [in, out] : cases) {
    auto r = ParseIpRange(in);
    ASSERT_TRUE(r.ok()) << in << ": " << r.status().ToString();
    EXPECT_EQ(FormatIpRange(*r), out);
  }
}

TEST(IpRangeTest, RefusesWhatIsNotOneAndSaysWhy) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"192.0.2.256", "not an IPv4 or IPv6 address"},
      {"web01", "not an IPv4 or IPv6 address"},
      {"192.0.2.0/33", "prefix length must be 0 to 32"},
      {"192.0.2.0/", "no prefix length"},
      {"192.0.2.0/x", "no prefix length"},
      {"2001:db8::/129", "prefix length must be 0 to 128"},
      {"2001:db8::g", "not an IPv6 address"},
      {"192.0.2.7/24", "host bits set: the range is 192.0.2.0/24"},
      {"2001:db8::1/64", "host bits set: the range is 2001:db8::/64"},
  };
  for (const auto& [in, why] : cases) {
    auto r = ParseIpRange(in);
    ASSERT_FALSE(r.ok()) << in;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
  }
}

TEST(UrlHostTest, TakesTheHostOfHttpUrls) {
  EXPECT_EQ(UrlHost("https://Web.KukarKab.go.id/berita?id=1"), "web.kukarkab.go.id");
  EXPECT_EQ(UrlHost("http://web.kukarkab.go.id:8080"), "web.kukarkab.go.id");
  EXPECT_EQ(UrlHost("http://web.kukarkab.go.id./x"), "web.kukarkab.go.id");
  EXPECT_EQ(UrlHost("http://user:pw@web.kukarkab.go.id/"), "web.kukarkab.go.id");
  EXPECT_EQ(UrlHost("https://[2001:db8::1]:8443/"), "2001:db8::1");
  EXPECT_EQ(UrlHost("/index.php?id=1"), "");
  EXPECT_EQ(UrlHost("ftp://files.example/"), "");
}

SystemMatcher Sample() {
  IpRange net = *ParseIpRange("10.20.0.0/16"), one = *ParseIpRange("10.20.30.40"),
          v6 = *ParseIpRange("2001:db8:5::/48");
  return SystemMatcher({{"1", {"portal.kukarkab.go.id"}, {"https://kukarkab.go.id/"}, {net}},
                        {"2", {"mail.kukarkab.go.id", "web01"}, {}, {one, v6}},
                        {"3", {"portal.kukarkab.go.id"}, {"https://ppid.kukarkab.go.id/"}, {}}});
}

TEST(SystemMatcherTest, LongestPrefixWinsForAddresses) {
  const SystemMatcher m = Sample();
  EXPECT_EQ(m.ForIp("10.20.30.40"), "2");
  EXPECT_EQ(m.ForIp("10.20.30.41"), "1");
  EXPECT_EQ(m.ForIp("10.20.255.255"), "1");
  EXPECT_EQ(m.ForIp("10.21.0.1"), "");
  EXPECT_EQ(m.ForIp("2001:db8:5:1::9"), "2");
  EXPECT_EQ(m.ForIp("2001:db8:6::9"), "");
  EXPECT_EQ(m.ForIp("not an address"), "");
  EXPECT_EQ(m.ForIp("10.20.0.0/16"), "");  // a range is not an address
}

TEST(SystemMatcherTest, HostsWithoutRegardToCaseAndUrlsByTheirHost) {
  const SystemMatcher m = Sample();
  EXPECT_EQ(m.ForHost("MAIL.kukarkab.go.id"), "2");
  EXPECT_EQ(m.ForHost("mail.kukarkab.go.id."), "2");
  EXPECT_EQ(m.ForHost("portal.kukarkab.go.id"), "1");  // the earlier system keeps it
  EXPECT_EQ(m.ForHost("kukarkab.go.id"), "1");         // a registered URL's host
  EXPECT_EQ(m.ForHost("10.20.30.40"), "2");            // an address given as a host
  EXPECT_EQ(m.ForHost("sub.mail.kukarkab.go.id"), "");
  EXPECT_EQ(m.ForUrl("https://ppid.kukarkab.go.id/wp-login.php"), "3");
  EXPECT_EQ(m.ForUrl("http://PPID.kukarkab.go.id:80/"), "3");
  EXPECT_EQ(m.ForUrl("/wp-login.php"), "");
}

TEST(SystemMatcherTest, EventsByTheirMostTellingField) {
  const SystemMatcher m = Sample();
  Fields f;
  f.Set("source.ip", std::string("10.20.1.1"));
  EXPECT_EQ(m.ForEvent(f), "1");  // the source, when nothing else names a system
  f.Set("host.name", std::string("web01"));
  EXPECT_EQ(m.ForEvent(f), "2");
  f.Set("url.original", std::string("https://ppid.kukarkab.go.id/?q=slot"));
  EXPECT_EQ(m.ForEvent(f), "3");
  f.Set("destination.ip", std::string("10.20.30.40"));
  EXPECT_EQ(m.ForEvent(f), "2");
  EXPECT_EQ(SystemMatcher().ForEvent(f), "");
}

}  // namespace
}  // namespace pantau
