// What rules say about themselves: ATT&CK technique ids from tags, and each document's text.
#include "detect/sigma/rule_meta.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "detect/sigma/rule_set.h"

namespace pantau::sigma {
namespace {

TEST(RuleMetaTest, AttackTechniquesFromTags) {
  EXPECT_EQ(AttackTechniques({"attack.credential-access", "attack.t1110.001", "attack.t1078",
                              "attack.T1110.001", "attack.ta0006", "attack.g0007", "attack.s0002",
                              "attack.t11", "attack.t1110.1", "attack.t1110.", "cve.2021-44228",
                              "attack.t1059x", "attack.t"}),
            (std::vector<std::string>{"T1110.001", "T1078"}));
  EXPECT_TRUE(AttackTechniques({}).empty());
}

constexpr std::string_view kThreeDocuments =
    "title: one\n"          // 1
    "level: low\n"          // 2
    "---\n"                 // 3
    "title: two\n"          // 4
    "tags:\n"               // 5
    "    - attack.t1110\n"  // 6
    "--- \n"                // 7
    "\n"                    // 8
    "title: three\n"        // 9
    "description: '---'\n"  // 10
    "...\n";                // 11

TEST(RuleMetaTest, DocumentAtALine) {
  EXPECT_EQ(DocumentAt(kThreeDocuments, 1), "title: one\nlevel: low\n");
  EXPECT_EQ(DocumentAt(kThreeDocuments, 2), "title: one\nlevel: low\n");
  EXPECT_EQ(DocumentAt(kThreeDocuments, 4), "title: two\ntags:\n    - attack.t1110\n");
  EXPECT_EQ(DocumentAt(kThreeDocuments, 9), "\ntitle: three\ndescription: '---'\n");
  EXPECT_EQ(DocumentAt(kThreeDocuments, 3), "");   // a separator
  EXPECT_EQ(DocumentAt(kThreeDocuments, 40), "");  // past the end
  EXPECT_EQ(DocumentAt("title: x", 1), "title: x");
  EXPECT_EQ(DocumentAt("---\ntitle: x\r\n", 2), "title: x\r\n");
}

// Every rule of a multi-document file finds its own document by the line Load gives it.
TEST(RuleMetaTest, LoadedRulesPointAtTheirDocuments) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("pantau_rule_meta_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string text =
      "title: First\nid: r1\nlogsource: {product: test}\ndetection:\n  keywords: [a]\n"
      "  condition: keywords\n---\n# a comment\ntitle: Second\nid: r2\ntags: [attack.t1078]\n"
      "logsource: {product: test}\ndetection:\n  keywords: [b]\n  condition: keywords\n";
  { std::ofstream(dir / "two.yml") << text; }
  LoadOptions options;
  std::map<std::string, std::string> seen;
  options.on_file = [&](const std::string& path, const std::string& t) { seen[path] = t; };
  std::vector<RuleProblem> problems;
  size_t documents = 0;
  auto set = RuleSet::Load({dir.string()}, options, problems, documents);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)->size(), 2u);
  ASSERT_EQ(seen.size(), 1u);
  const Rule& second = (*set)->rule(1);
  ASSERT_EQ(seen.count(second.file), 1u);
  EXPECT_EQ(DocumentAt(seen[second.file], second.line),
            "# a comment\ntitle: Second\nid: r2\ntags: [attack.t1078]\n"
            "logsource: {product: test}\ndetection:\n  keywords: [b]\n  condition: keywords\n");
  EXPECT_TRUE(DocumentAt(seen[second.file], (*set)->rule(0).line).starts_with("title: First\n"));
}

}  // namespace
}  // namespace pantau::sigma
