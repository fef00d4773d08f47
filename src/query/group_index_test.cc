#include "query/group_index.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

namespace pantau::query {
namespace {

TEST(GroupIndexTest, NumbersKeysInArrivalOrderAcrossGrowth) {
  GroupIndex index;
  std::unordered_map<std::string, uint32_t> expected;
  // Enough keys for several growths; every key comes back twice, the empty key once.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 50'000; ++i) {
      const std::string key = "10.0." + std::to_string(i % 256) + "." + std::to_string(i);
      const auto [g, added] = index.Insert(key, GroupIndex::Hash(key));
      const auto [it, fresh] = expected.try_emplace(key, static_cast<uint32_t>(expected.size()));
      EXPECT_EQ(added, fresh) << key;
      ASSERT_EQ(g, it->second) << key;
    }
  }
  const auto [g, added] = index.Insert("", GroupIndex::Hash(""));
  EXPECT_TRUE(added);
  EXPECT_EQ(g, 50'000u);
  EXPECT_EQ(index.size(), 50'001u);
  for (const auto& [key, group] : expected) EXPECT_EQ(index.Key(group), key);
  EXPECT_EQ(index.Key(g), "");
}

TEST(GroupIndexTest, KeysThatShareAHashStayApart) {
  GroupIndex index;
  // The same fingerprint for different keys: only the key bytes tell them apart.
  EXPECT_EQ(index.Insert("a", 7).first, 0u);
  EXPECT_EQ(index.Insert("b", 7).first, 1u);
  EXPECT_EQ(index.Insert("a", 7), std::make_pair(0u, false));
  EXPECT_EQ(index.Insert("b", 7), std::make_pair(1u, false));
}

}  // namespace
}  // namespace pantau::query
