#include "detect/anomaly/template_miner.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "core/files.h"
#include "detect/anomaly/log_format.h"

namespace pantau::anomaly {
namespace {

TEST(TemplateMiner, GroupsAndWidens) {
  TemplateMiner m;
  const TemplateMatch a = m.Add("Accepted password for alice from 10.0.0.1 port 22 ssh2");
  EXPECT_TRUE(a.created);
  EXPECT_EQ(*m.Text(a.id), "Accepted password for alice from <*> port <*> <*>");
  const TemplateMatch b = m.Add("Accepted password for bob from 10.0.0.2 port 2222 ssh2");
  EXPECT_FALSE(b.created);
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(*m.Text(a.id), "Accepted password for <*> from <*> port <*> <*>");
  // Another length, another template.
  EXPECT_NE(m.Add("Accepted password for bob from 10.0.0.2 port 22").id, a.id);
  // Same length, too different.
  EXPECT_NE(m.Add("Connection closed by 10.0.0.9 port 22 [preauth] now ok").id, a.id);
  EXPECT_EQ(m.Templates().size(), 3u);
}

TEST(TemplateMiner, CategoricalValuesStayApart) {
  TemplateMiner m;
  const TemplateId deny = m.Add("policy matched action=deny proto=tcp").id;
  const TemplateId accept = m.Add("policy matched action=accept proto=tcp").id;
  EXPECT_NE(deny, accept);
  EXPECT_EQ(m.Add("policy matched action=deny proto=tcp").id, deny);
}

TEST(TemplateMiner, ValuesOnlyMessagesShareATemplate) {
  TemplateMiner m;
  const TemplateId id = m.Add("12345").id;
  EXPECT_EQ(m.Add("67890").id, id);
  EXPECT_EQ(m.Add("").id, m.Add("  ").id);
}

TEST(TemplateMiner, IdsAreStableAcrossRunsAndRestarts) {
  const std::vector<std::string> lines = {"session opened for user root by (uid=0)",
                                          "session closed for user root",
                                          "session opened for user bob by (uid=1000)",
                                          "Invalid user admin from 1.2.3.4",
                                          "session closed for user bob",
                                          "Invalid user oracle from 5.6.7.8"};
  TemplateMiner a, b;
  std::vector<TemplateId> ids_a, ids_b;
  for (const auto& l : lines) ids_a.push_back(a.Add(l).id);
  for (const auto& l : lines) ids_b.push_back(b.Add(l).id);
  EXPECT_EQ(ids_a, ids_b);
  EXPECT_EQ(FormatTemplateId(ids_a[0]).size(), 16u);
  EXPECT_EQ(ParseTemplateId(FormatTemplateId(ids_a[0])), ids_a[0]);

  // A restart: the state saved and loaded gives the same ids and texts.
  const std::string path = ::testing::TempDir() + "/templates.state";
  ASSERT_TRUE(a.Save(path).ok());
  auto c = TemplateMiner::Load(path, MinerOptions{});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->Serialize(), a.Serialize());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(c->Add(lines[i]).id, ids_a[i]);
    EXPECT_FALSE(c->Add(lines[i]).created);
  }
  // A missing file is an empty miner; a damaged one is an error naming the line.
  auto empty = TemplateMiner::Load(path + ".missing", MinerOptions{});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->stats().templates, 0u);
  auto bad = TemplateMiner::Deserialize("pantau-templates 1\nzz\t1\t1\tx\n", MinerOptions{});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
  EXPECT_FALSE(TemplateMiner::Deserialize("something else\n", MinerOptions{}).ok());
}

TEST(TemplateMiner, AFloodOfUniqueLinesStaysBounded) {
  MinerOptions o;
  o.max_templates = 500;
  o.max_bytes = 1 << 20;
  TemplateMiner m(o);
  std::string line;
  for (int i = 0; i < 20000; ++i) {
    // Distinct words (no digits, so nothing is masked) and distinct lengths.
    line.clear();
    for (int n = i; n > 0 || line.empty(); n /= 26) line += static_cast<char>('a' + n % 26);
    line = "w" + line + " x" + line + " " + std::string(static_cast<size_t>(i % 50), 'y');
    (void)m.Add(line);
    ASSERT_LE(m.stats().templates, o.max_templates);
    ASSERT_LE(m.stats().bytes, o.max_bytes);
  }
  EXPECT_GT(m.stats().forgotten, 0u);
  // Forgetting removed the emptied branches as well.
  EXPECT_LE(m.stats().nodes, 3 * o.max_templates + 100);
}

TEST(TemplateMiner, LeafCapForgetsTheLeastRecentlyMatched) {
  MinerOptions o;
  o.max_leaf_templates = 2;
  TemplateMiner m(o);
  const TemplateId a = m.Add("open door alpha beta gamma").id;
  (void)m.Add("open door delta epsilon zeta");
  (void)m.Add("open door alpha beta gamma");  // a is now the most recent
  (void)m.Add("open door eta theta iota");    // forgets the second
  EXPECT_TRUE(m.Text(a).has_value());
  EXPECT_EQ(m.stats().templates, 2u);
  EXPECT_EQ(m.stats().forgotten, 1u);
}

// The contract: one miner behind SharedTemplateMiner's lock gives every thread the same ids.
TEST(SharedTemplateMiner, ThreadsAgreeOnIds) {
  SharedTemplateMiner shared{TemplateMiner()};
  std::vector<std::vector<TemplateId>> seen(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        seen[t].push_back(shared
                              .Add("user u" + std::to_string(i) + " logged in from " +
                                   std::to_string(i % 250) + ".0.0.1")
                              .id);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<TemplateId> ids;
  for (const auto& v : seen) ids.insert(v.begin(), v.end());
  EXPECT_EQ(ids.size(), 1u);
}

// Golden: the first 60 lines of loghub's OpenSSH sample, each line's final template.
TEST(TemplateMiner, GoldenOpenSsh) {
  const std::string dir =
      std::string(std::getenv("PANTAU_SOURCE_DIR") ? std::getenv("PANTAU_SOURCE_DIR") : ".") +
      "/src/detect/anomaly/testdata/";
  auto log = ReadFileText(dir + "openssh_head.log");
  auto expected = ReadFileText(dir + "openssh_head.expected");
  ASSERT_TRUE(log.ok() && expected.ok());
  auto format = LogFormat::Make("openssh");
  ASSERT_TRUE(format.ok());
  TemplateMiner m;
  std::vector<TemplateId> ids;
  std::istringstream in(*log);
  std::string line;
  while (std::getline(in, line)) ids.push_back(m.Add(format->Content(line).value_or(line)).id);
  std::string got;
  for (size_t i = 0; i < ids.size(); ++i)
    got += std::to_string(i + 1) + "\t" + *m.Text(ids[i]) + "\n";
  EXPECT_EQ(got, *expected);
}

}  // namespace
}  // namespace pantau::anomaly
