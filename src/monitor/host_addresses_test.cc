#include "monitor/host_addresses.h"

#include <gtest/gtest.h>

#include <chrono>

namespace pantau {
namespace {

using Addresses = std::vector<std::string>;

TEST(CompareAddressesTest, ReportsAddedAndRemovedOnly) {
  const AddressChange same = CompareAddresses({"10.0.0.1", "10.0.0.2"}, {"10.0.0.1", "10.0.0.2"});
  EXPECT_FALSE(same.changed());

  const AddressChange moved = CompareAddresses({"10.0.0.1", "2001:db8::1"}, {"203.0.113.9"});
  EXPECT_TRUE(moved.changed());
  EXPECT_EQ(moved.added, Addresses({"203.0.113.9"}));
  EXPECT_EQ(moved.removed, Addresses({"10.0.0.1", "2001:db8::1"}));

  const AddressChange grew = CompareAddresses({"10.0.0.1"}, {"10.0.0.1", "10.0.0.7"});
  EXPECT_EQ(grew.added, Addresses({"10.0.0.7"}));
  EXPECT_TRUE(grew.removed.empty());
}

TEST(CompareAddressesTest, FirstCheckAndFailedLookupAreNoChange) {
  EXPECT_FALSE(CompareAddresses({}, {"10.0.0.1"}).changed());
  EXPECT_FALSE(CompareAddresses({"10.0.0.1"}, {}).changed());
  EXPECT_FALSE(CompareAddresses({}, {}).changed());
}

TEST(AddressTextTest, RoundTripsAndDropsWhatIsNotAnAddress) {
  EXPECT_EQ(JoinAddresses({"10.0.0.1", "::1"}), "10.0.0.1, ::1");
  EXPECT_EQ(SplitAddresses("::1, 10.0.0.1,10.0.0.1, bukan-alamat, <script>"),
            Addresses({"10.0.0.1", "::1"}));
  EXPECT_TRUE(SplitAddresses("").empty());
}

// Only names of /etc/hosts: no query leaves the machine.
TEST(ResolveHostsTest, LoopbackNamesResolveAndLiteralsAreNotLookedUp) {
  const std::vector<std::vector<std::string>> got =
      ResolveHosts({"localhost", "127.0.0.1", "::1", ""}, std::chrono::seconds(10), 4);
  ASSERT_EQ(got.size(), 4u);
  ASSERT_FALSE(got[0].empty());
  for (const std::string& a : got[0]) EXPECT_TRUE(a == "127.0.0.1" || a == "::1") << a;
  EXPECT_TRUE(got[1].empty());  // an IP address has no DNS record to watch
  EXPECT_TRUE(got[2].empty());
  EXPECT_TRUE(got[3].empty());
  EXPECT_TRUE(IsIpLiteral("::1"));
  EXPECT_TRUE(IsIpLiteral("10.1.2.3"));
  EXPECT_FALSE(IsIpLiteral("localhost"));
}

}  // namespace
}  // namespace pantau
