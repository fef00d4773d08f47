#include "assess/allow_list.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace pantau {
namespace {

const Actor kAdmin{"boss", Role::kAdmin};
constexpr TimeNs kStart = 1'772'323'200LL * kNsPerSecond;  // 2026-03-01T00:00:00Z

class AllowListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pantau_allow_list_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto r = SystemRegistry::Open(dir_.string(), clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    registry_ = std::move(*r);
    ElectronicSystem portal;
    portal.name = "Portal Kukar";
    portal.op.agency = "Diskominfo";
    portal.urls = {"https://portal.kukarkab.go.id/berita", "http://192.0.2.80:8080/"};
    portal.hosts = {"portal.kukarkab.go.id", "mail.kukarkab.go.id"};
    portal.ips = {"203.0.113.0/24", "198.51.100.7", "10.0.0.0/16", "2001:db8:5::/48"};
    auto created = registry_->Create(portal, kAdmin);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    ElectronicSystem old;
    old.name = "Sistem Lama";
    old.op.agency = "Diskominfo";
    old.hosts = {"lama.kukarkab.go.id"};
    old.status = "retired";
    ASSERT_TRUE(registry_->Create(old, kAdmin).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<ScanTarget> Allow(std::string_view system, std::string_view target) {
    return AllowScanTarget(*registry_, system, target);
  }
  void Refused(std::string_view system, std::string_view target, StatusCode code,
               std::string_view reason) {
    auto t = Allow(system, target);
    ASSERT_FALSE(t.ok()) << target << " was allowed";
    EXPECT_EQ(t.status().code(), code) << target << ": " << t.status().ToString();
    EXPECT_NE(t.status().message().find(reason), std::string_view::npos)
        << target << ": " << t.status().message();
  }

  std::filesystem::path dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<SystemRegistry> registry_;
};

TEST_F(AllowListTest, AllowsWhatTheRegistryListsForTheSystem) {
  struct Case {
    std::string_view target;
    ScanTarget::Kind kind;
    std::string_view text, host;
  };
  const Case cases[] = {
      {"https://portal.kukarkab.go.id/berita", ScanTarget::Kind::kUrl,
       "https://portal.kukarkab.go.id/berita", "portal.kukarkab.go.id"},
      {"HTTPS://Portal.KukarKab.go.id/berita", ScanTarget::Kind::kUrl,
       "https://portal.kukarkab.go.id/berita", "portal.kukarkab.go.id"},
      {"http://192.0.2.80:8080/", ScanTarget::Kind::kUrl, "http://192.0.2.80:8080/", "192.0.2.80"},
      {"portal.kukarkab.go.id", ScanTarget::Kind::kHost, "portal.kukarkab.go.id",
       "portal.kukarkab.go.id"},
      {" Mail.KukarKab.go.id. ", ScanTarget::Kind::kHost, "mail.kukarkab.go.id",
       "mail.kukarkab.go.id"},
      {"198.51.100.7", ScanTarget::Kind::kAddress, "198.51.100.7", "198.51.100.7"},
      {"203.0.113.9", ScanTarget::Kind::kAddress, "203.0.113.9", "203.0.113.9"},
      {"203.0.113.0/24", ScanTarget::Kind::kRange, "203.0.113.0/24", "203.0.113.0/24"},
      {"203.0.113.128/25", ScanTarget::Kind::kRange, "203.0.113.128/25", "203.0.113.128/25"},
      {"10.0.7.0/24", ScanTarget::Kind::kRange, "10.0.7.0/24", "10.0.7.0/24"},
      {"192.0.2.80", ScanTarget::Kind::kAddress, "192.0.2.80", "192.0.2.80"},  // a URL's host
      {"2001:db8:5::1", ScanTarget::Kind::kAddress, "2001:db8:5::1", "2001:db8:5::1"},
      {"2001:db8:5::/120", ScanTarget::Kind::kRange, "2001:db8:5::/120", "2001:db8:5::/120"},
  };
  for (const Case& c : cases) {
    auto t = Allow("1", c.target);
    ASSERT_TRUE(t.ok()) << c.target << ": " << t.status().ToString();
    EXPECT_EQ(t->kind(), c.kind) << c.target;
    EXPECT_EQ(t->text(), c.text) << c.target;
    EXPECT_EQ(t->host(), c.host) << c.target;
    EXPECT_EQ(t->system_id(), "1");
  }
}

TEST_F(AllowListTest, RefusesAnUnregisteredTarget) {
  const StatusCode kDenied = StatusCode::kPermissionDenied;
  Refused("1", "https://evil.example/", kDenied, "is not a URL, host name or address of system 1");
  Refused("1", "https://portal.kukarkab.go.id/lain", kDenied, "system 1 (Portal Kukar)");
  Refused("1", "http://portal.kukarkab.go.id/berita", kDenied, "in the registry");
  Refused("1", "evil.example", kDenied, "Pantau scans only what the registry lists");
  Refused("1", "www.portal.kukarkab.go.id", kDenied, "is not a URL");
  Refused("1", "8.8.8.8", kDenied, "is not a URL");
  Refused("1", "127.0.0.1", kDenied, "is not a URL");
  Refused("1", "198.51.100.8", kDenied, "is not a URL");
  Refused("1", "203.0.114.0/24", kDenied, "is not a URL");
  Refused("1", "2001:db8:6::1", kDenied, "is not a URL");
  // A system not in the registry, or retired.
  Refused("99", "portal.kukarkab.go.id", kDenied, "system '99' is not in the registry");
  Refused("nope", "8.8.8.8", kDenied, "not in the registry");
  Refused("2", "lama.kukarkab.go.id", kDenied, "is retired");
  // Another system's host is not this one's.
  Refused("2", "portal.kukarkab.go.id", kDenied, "is retired");
}

TEST_F(AllowListTest, RefusesRangesTooWideAndWhatIsNoTarget) {
  const StatusCode kBad = StatusCode::kInvalidArgument;
  Refused("1", "10.0.0.0/16", kBad, "is wider than /24");
  Refused("1", "203.0.112.0/23", kBad, "is wider than /24");
  Refused("1", "2001:db8:5::/48", kBad, "is wider than /120");
  Refused("1", "203.0.113.7/24", kBad, "203.0.113.0/24");
  Refused("1", "", kBad, "target: empty");
  Refused("1", "ftp://portal.kukarkab.go.id/", kBad, "target:");
  Refused("1", "-oX /etc/passwd", kBad, "target '-oX /etc/passwd'");
  Refused("1", "--script=evil", kBad, "target:");
  Refused("1", "-sS", kBad, "is not a host name");
}

TEST_F(AllowListTest, DefaultTargetsListTheSystem) {
  auto system = registry_->Get("1");
  ASSERT_TRUE(system.ok());
  EXPECT_EQ(DefaultScanTargets(*system, "web"),
            (std::vector<std::string>{"https://portal.kukarkab.go.id/berita",
                                      "http://192.0.2.80:8080/"}));
  EXPECT_EQ(
      DefaultScanTargets(*system, "nmap"),
      (std::vector<std::string>{"portal.kukarkab.go.id", "mail.kukarkab.go.id", "203.0.113.0/24",
                                "198.51.100.7", "10.0.0.0/16", "2001:db8:5::/48", "192.0.2.80"}));
}

}  // namespace
}  // namespace pantau
