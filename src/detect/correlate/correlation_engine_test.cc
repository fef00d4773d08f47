// Every correlation type of the Sigma specification with sliding windows over event time,
// chaining by name, aliases, and the examples of the specification.
#include "detect/correlate/correlation_engine.h"

#include <gtest/gtest.h>

namespace pantau::correlate {
namespace {

constexpr TimeNs kSecond = 1'000'000'000;
constexpr TimeNs kMinute = 60 * kSecond;

// Two detection rules on dataset "test": failed and successful logins, by `outcome`.
constexpr std::string_view kBaseRules = R"(title: Failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource: {product: test}
detection:
  selection: {outcome: failure}
  condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource: {product: test}
detection:
  selection: {outcome: success}
  condition: selection
---
)";

class Harness {
 public:
  explicit Harness(std::string correlations) {
    std::vector<sigma::RuleProblem> problems;
    auto r = sigma::RuleSet::LoadText(std::string(kBaseRules) + correlations, {}, problems);
    EXPECT_TRUE(r.ok()) << r.status().message();
    for (const auto& p : problems) ADD_FAILURE() << p.ToString();
    rules_ = *r;
    engine_ = std::make_unique<CorrelationEngine>(rules_);
  }

  // Feeds one event; returns the titles of the correlations that matched, in order.
  std::vector<std::string> Feed(TimeNs t, std::string outcome, std::string user,
                                std::string host = "h1", int64_t bytes = 0) {
    Event e;
    e.dataset = "test";
    e.timestamp = t;
    e.fields.Set("outcome", std::move(outcome));
    e.fields.Set("user", std::move(user));
    e.fields.Set("host", std::move(host));
    e.fields.Set("bytes", bytes);
    std::vector<std::string> out;
    rules_->Match(e, [&](const sigma::Rule& rule) {
      engine_->OnRuleMatch(rule, e, [&](const CorrelationMatch& m) {
        out.push_back(m.rule->title);
        last_ = m;
      });
    });
    return out;
  }

  const CorrelationMatch& last() const { return last_; }
  const sigma::RuleSet& rules() const { return *rules_; }
  CorrelationEngine& engine() { return *engine_; }

 private:
  std::shared_ptr<const sigma::RuleSet> rules_;
  std::unique_ptr<CorrelationEngine> engine_;
  CorrelationMatch last_;
};

using Titles = std::vector<std::string>;

TEST(CorrelationTest, EventCountSlidesAndStartsAfresh) {
  Harness h(R"(title: Brute force
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 10m
  condition: {gte: 3}
)");
  EXPECT_EQ(h.Feed(0, "failure", "root"), Titles{});
  EXPECT_EQ(h.Feed(4 * kMinute, "failure", "root"), Titles{});
  EXPECT_EQ(h.Feed(5 * kMinute, "failure", "budi"), Titles{});  // another group
  // 11 minutes: the first failure has left the window (sliding, not fixed buckets).
  EXPECT_EQ(h.Feed(11 * kMinute, "failure", "root"), Titles{});
  EXPECT_EQ(h.Feed(12 * kMinute, "failure", "root"), Titles{"Brute force"});
  EXPECT_EQ(h.last().value, 3);
  EXPECT_EQ(h.last().group, (std::vector<std::pair<std::string, std::string>>{{"user", "root"}}));
  EXPECT_EQ(h.last().events, (std::vector<TimeNs>{4 * kMinute, 11 * kMinute, 12 * kMinute}));
  // After a match the group starts afresh.
  EXPECT_EQ(h.Feed(13 * kMinute, "failure", "root"), Titles{});
  // The base rule does not alert on its own: the correlation reads it without `generate`.
  EXPECT_FALSE(h.rules().rule(0).standalone);
  EXPECT_TRUE(h.rules().rule(1).standalone);
}

TEST(CorrelationTest, EventCountRangeCondition) {
  Harness h(R"(title: Few
correlation:
  type: event_count
  rules: [failed_login]
  timespan: 1m
  condition: {gt: 1, lte: 2}
  generate: true
)");
  EXPECT_EQ(h.Feed(0, "failure", "a"), Titles{});
  EXPECT_EQ(h.Feed(kSecond, "failure", "b"), Titles{"Few"});  // no group-by: one group
  EXPECT_TRUE(h.rules().rule(0).standalone);
}

TEST(CorrelationTest, ValueCountCountsDistinctValues) {
  // The specification's example: failed logins with many different users per host.
  Harness h(R"(title: Password spraying
correlation:
  type: value_count
  rules: [failed_login]
  group-by: [host]
  timespan: 1d
  condition: {field: user, gte: 3}
)");
  EXPECT_EQ(h.Feed(0, "failure", "a"), Titles{});
  EXPECT_EQ(h.Feed(kMinute, "failure", "a"), Titles{});
  EXPECT_EQ(h.Feed(2 * kMinute, "failure", "b"), Titles{});
  EXPECT_EQ(h.Feed(3 * kMinute, "failure", "c", "h2"), Titles{});
  EXPECT_EQ(h.Feed(4 * kMinute, "failure", "c"), Titles{"Password spraying"});
  EXPECT_EQ(h.last().value, 3);
}

TEST(CorrelationTest, TemporalInAnyOrderWithinTheWindow) {
  Harness h(R"(title: Fail and success
correlation:
  type: temporal
  rules: [successful_login, failed_login]
  group-by: [user]
  timespan: 5m
)");
  EXPECT_EQ(h.Feed(0, "failure", "root"), Titles{});
  EXPECT_EQ(h.Feed(6 * kMinute, "success", "root"), Titles{});  // too late
  EXPECT_EQ(h.Feed(7 * kMinute, "failure", "root"), Titles{"Fail and success"});
  EXPECT_EQ(h.Feed(8 * kMinute, "success", "budi"), Titles{});
}

TEST(CorrelationTest, TemporalOrderedNeedsTheOrder) {
  Harness h(R"(title: Success after failure
correlation:
  type: temporal_ordered
  rules: [failed_login, successful_login]
  group-by: [user]
  timespan: 5m
)");
  EXPECT_EQ(h.Feed(0, "success", "root"), Titles{});
  EXPECT_EQ(h.Feed(kMinute, "failure", "root"), Titles{});
  EXPECT_EQ(h.Feed(2 * kMinute, "success", "root"), Titles{"Success after failure"});
  // Wrong order for budi: success first, then failure.
  EXPECT_EQ(h.Feed(3 * kMinute, "success", "budi"), Titles{});
  EXPECT_EQ(h.Feed(4 * kMinute, "failure", "budi"), Titles{});
  // Too slow: failure, then success 6 minutes later.
  EXPECT_EQ(h.Feed(10 * kMinute, "failure", "siti"), Titles{});
  EXPECT_EQ(h.Feed(16 * kMinute, "success", "siti"), Titles{});
}

TEST(CorrelationTest, ValueSumAvgAndPercentile) {
  Harness sum(R"(title: Exfiltration
correlation:
  type: value_sum
  rules: [successful_login]
  group-by: [user]
  timespan: 1h
  condition: {field: bytes, gt: 1000}
)");
  EXPECT_EQ(sum.Feed(0, "success", "u", "h", 600), Titles{});
  EXPECT_EQ(sum.Feed(kMinute, "success", "u", "h", 600), Titles{"Exfiltration"});
  EXPECT_EQ(sum.last().value, 1200);
  EXPECT_EQ(sum.Feed(2 * kMinute, "success", "u", "h", 600), Titles{});  // afresh

  Harness avg(R"(title: Big average
correlation:
  type: value_avg
  rules: [successful_login]
  group-by: [user]
  timespan: 1h
  condition: {field: bytes, gt: 500}
)");
  EXPECT_EQ(avg.Feed(0, "success", "u", "h", 100), Titles{});
  EXPECT_EQ(avg.Feed(kMinute, "success", "u", "h", 800), Titles{});                   // mean 450
  EXPECT_EQ(avg.Feed(2 * kMinute, "success", "u", "h", 800), Titles{"Big average"});  // 566.7

  Harness rare(R"(title: Rare user on this host
correlation:
  type: value_percentile
  rules: [successful_login]
  group-by: [host]
  timespan: 24h
  condition: {field: user, lte: 10}
)");
  for (int i = 0; i < 10; ++i) {
    const auto matched = rare.Feed(i * kMinute, "success", "budi");
    EXPECT_EQ(matched, Titles{}) << i;
  }
  // 1 of 11 logins (9.1%) on h1 is siti's.
  EXPECT_EQ(rare.Feed(11 * kMinute, "success", "siti"), Titles{"Rare user on this host"});
}

TEST(CorrelationTest, ChainsByNameAsInTheSpecification) {
  // The specification's example: many failed logins followed by a successful login.
  Harness h(R"(title: Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
correlation:
  type: temporal_ordered
  rules: [multiple_failed_login, successful_login]
  group-by: [user]
  timespan: 10m
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 10m
  condition: {gte: 3}
)");
  EXPECT_EQ(h.Feed(0, "failure", "root"), Titles{});
  EXPECT_EQ(h.Feed(kMinute, "failure", "root"), Titles{});
  EXPECT_EQ(h.Feed(2 * kMinute, "failure", "root"), Titles{"Multiple failed logons"});
  EXPECT_EQ(h.Feed(3 * kMinute, "success", "root"),
            Titles{"Multiple Failed Logins Followed by Successful Login"});
  EXPECT_EQ(h.last().rule->level, sigma::Level::kHigh);
  // Only the outermost correlation alerts; the inner one is a step of the chain.
  EXPECT_TRUE(h.rules().correlations()[0].standalone);
  EXPECT_FALSE(h.rules().correlations()[1].standalone);
}

TEST(CorrelationTest, AliasesGroupDifferentFields) {
  Harness h(R"(title: Same address both ways
correlation:
  type: temporal
  rules: [failed_login, successful_login]
  group-by: [person]
  timespan: 1m
  aliases:
    person:
      failed_login: user
      successful_login: host
)");
  EXPECT_EQ(h.Feed(0, "failure", "x", "ignored"), Titles{});
  EXPECT_EQ(h.Feed(kSecond, "success", "other", "x"), Titles{"Same address both ways"});
}

TEST(CorrelationTest, ExpireForgetsOldGroups) {
  Harness h(R"(title: Count
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [user]
  timespan: 1m
  condition: {gte: 100}
)");
  for (int i = 0; i < 50; ++i) h.Feed(i * kSecond, "failure", "u" + std::to_string(i));
  EXPECT_EQ(h.engine().group_count(), 50u);
  h.engine().Expire(50 * kSecond + kMinute + 1);  // an injected "now": 1 min after the newest
  EXPECT_EQ(h.engine().group_count(), 0u);
}

TEST(CorrelationTest, BadCorrelationsAreReported) {
  auto problems = [](const std::string& text) {
    std::vector<sigma::RuleProblem> out;
    auto r = sigma::RuleSet::LoadText(std::string(kBaseRules) + text, {}, out);
    EXPECT_TRUE(r.ok());
    std::vector<std::string> lines;
    for (const auto& p : out) lines.push_back(p.ToString());
    return lines;
  };
  EXPECT_EQ(problems("title: x\ncorrelation:\n  type: event_count\n  rules: [nobody]\n"
                     "  timespan: 1m\n  condition: {gte: 1}\n"),
            (std::vector<std::string>{"<text>:17: correlation: no rule or correlation 'nobody'"}));
  EXPECT_EQ(problems("title: x\ncorrelation:\n  type: event_count\n  rules: [failed_login]\n"
                     "  timespan: 1 minute\n  condition: {gte: 1}\n"),
            (std::vector<std::string>{"<text>:21: correlation: timespan: '1 minute' is not a "
                                      "number and a unit (s, m, h, d), e.g. 90m"}));
  EXPECT_EQ(problems("title: x\ncorrelation:\n  type: value_count\n  rules: [failed_login]\n"
                     "  timespan: 1m\n  condition: {gte: 1}\n"),
            (std::vector<std::string>{"<text>:22: correlation: value_count needs the field whose "
                                      "values count (condition: field: ...)"}));
  EXPECT_EQ(
      problems("title: a\nname: a\ncorrelation:\n  type: temporal\n  rules: [b, failed_login]\n"
               "  timespan: 1m\n---\ntitle: b\nname: b\ncorrelation:\n  type: temporal\n"
               "  rules: [a, failed_login]\n  timespan: 1m\n")
          .size(),
      2u);
}

}  // namespace
}  // namespace pantau::correlate
