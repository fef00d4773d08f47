#include "query/sqlite_compiler.h"

#include <gtest/gtest.h>

#include "query/parser.h"

namespace pantau::query {
namespace {

using Lookups = std::vector<std::pair<std::string, std::string>>;

Lookups LookupsOf(std::string_view text) {
  auto q = ParseQuery(text);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  auto f = CompileForSqlite(*q);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? f->lookups : Lookups{};
}

// Only equalities that every match must meet may narrow a search to their rows.
TEST(SqliteCompilerTest, LookupsAreTheEqualitiesEveryMatchMeets) {
  EXPECT_EQ(LookupsOf("source.ip:10.1.2.3"), (Lookups{{"source_ip", "10.1.2.3"}}));
  EXPECT_EQ(LookupsOf("user.name:root AND (host.name:a OR host.name:b) AND NOT action:x"),
            (Lookups{{"user_name", "root"}}));
  EXPECT_EQ(LookupsOf("user.name:root host.name:web01 failed"),
            (Lookups{{"user_name", "root"}, {"host", "web01"}}));
  EXPECT_TRUE(LookupsOf("user.name:root OR host.name:web01").empty());
  EXPECT_TRUE(LookupsOf("user.name:adm*").empty());     // a pattern, not a value
  EXPECT_TRUE(LookupsOf("process.name:sshd").empty());  // no column
  EXPECT_TRUE(LookupsOf("| stats count").empty());
}

}  // namespace
}  // namespace pantau::query
