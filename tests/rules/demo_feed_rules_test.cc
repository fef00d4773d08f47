// The demo feed of `pantau serve --demo` against Pantau's own rules: its opening attacks make
// alerts of the intended rules within the first half minute, later attacks keep coming, and its
// everyday traffic sets off no rule that would not belong to it. Lines go through the decoders
// and the correlation engine as `pantau serve` runs them.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "core/time.h"
#include "decode/decoder.h"
#include "detect/correlate/correlation_engine.h"
#include "detect/sigma/builtin_rules.h"
#include "detect/sigma/rule_set.h"
#include "ingest/demo_feed.h"

namespace pantau {
namespace {

const TimeNs kStart = *MakeTime(2026, 11, 27, 2, 0, 0);  // 10:00 WITA

struct Fired {
  TimeNs first = 0;  // since the start
  int count = 0;
};

// Alert titles (standalone rules and correlations) of `minutes` of the demo, with the time of
// each title's first alert.
std::map<std::string, Fired> Alerts(uint64_t seed, int minutes) {
  sigma::LoadOptions options;
  for (const auto& [name, text] : sigma::BuiltinRules()) {
    options.texts.emplace_back(std::string(name), std::string(text));
  }
  std::vector<sigma::RuleProblem> problems;
  size_t documents = 0;
  auto rules = sigma::RuleSet::Load({}, options, problems, documents);
  EXPECT_TRUE(rules.ok()) << rules.status().message();
  if (!rules.ok()) return {};
  correlate::CorrelationEngine engine(*rules);

  std::map<std::string, Fired> fired;
  auto fire = [&](const std::string& title, TimeNs t) {
    Fired& f = fired[title];
    if (f.count++ == 0) f.first = t - kStart;
  };
  DemoLogGenerator generator(seed, kStart);
  for (TimeNs now = kStart; now <= kStart + minutes * 60 * kNsPerSecond; now += kNsPerSecond / 10) {
    for (const DemoLine& line : generator.Step(now)) {
      DecodeContext ctx;
      ctx.received = now;
      ctx.input = "demo";
      ctx.source_address = "demo";
      const Event e = Decode(line.text, Format::kAuto, ctx);
      (*rules)->Match(e, [&](const sigma::Rule& r) {
        if (r.standalone) fire(r.title, now);
        engine.OnRuleMatch(r, e, [&](const correlate::CorrelationMatch& m) {
          if (m.rule->standalone) fire(m.rule->title, now);
        });
      });
    }
  }
  return fired;
}

TEST(DemoFeedRulesTest, OpeningAttacksAlertWithinHalfAMinute) {
  for (uint64_t seed : {1, 42, 20261127}) {
    const auto fired = Alerts(seed, 1);
    for (const char* title : {
             "SSH Brute Force Against a Server",
             "SSH Login After a Brute Force",
             "SSH Login Attempt for a User That Does Not Exist",
             "SQL Injection Attempt in a Web Request",
             "Cross-Site Scripting Attempt in a Web Request",
             "Path Traversal Attempt in a Web Request",
             "Web Vulnerability Scanner User Agent",
             "Online Gambling Terms in a Web Request or Referrer",
             "FortiGate IPS Blocked an Attack",
             "FortiGate Antivirus Detected Malware",
             "FortiGate Web Filter Blocked a Site",
         }) {
      ASSERT_TRUE(fired.count(title)) << "seed " << seed << ": " << title;
      EXPECT_LE(fired.at(title).first, 30 * kNsPerSecond) << "seed " << seed << ": " << title;
    }
    // The intruder's account follows the login after the brute force.
    for (const char* title :
         {"New Local User on a Linux Server", "User Added to an Administrators Group on Linux"}) {
      ASSERT_TRUE(fired.count(title)) << "seed " << seed << ": " << title;
      EXPECT_LE(fired.at(title).first, 60 * kNsPerSecond) << "seed " << seed << ": " << title;
    }
  }
}

TEST(DemoFeedRulesTest, AttacksKeepComingAndEverydayTrafficStaysQuiet) {
  const auto fired = Alerts(42, 60);
  for (const auto& [title, f] : fired) {
    std::cout << title << ": " << f.count << " alerts, the first after "
              << static_cast<double>(f.first) / kNsPerSecond << " s\n";
  }
  // An hour has about 80 attacks: brute forces and web attacks beyond the opening ones.
  EXPECT_GE(fired.at("SSH Brute Force Against a Server").count, 5);
  EXPECT_GE(fired.at("SQL Injection Attempt in a Web Request").count, 20);
  EXPECT_GE(fired.at("FortiGate IPS Blocked an Attack").count, 20);
  EXPECT_GE(fired.at("Online Gambling Terms in a Web Request or Referrer").count, 20);
  // Only the rules the feed means to set off: none by everyday traffic (admins' sudo, WordPress
  // logins, uploads folders) that would be a false alarm in the demo.
  const std::set<std::string> intended = {
      "SSH Brute Force Against a Server",
      "SSH Login After a Brute Force",
      "SSH Login Attempt for a User That Does Not Exist",
      "New Local User on a Linux Server",
      "User Added to an Administrators Group on Linux",
      "SQL Injection Attempt in a Web Request",
      "Cross-Site Scripting Attempt in a Web Request",
      "Path Traversal Attempt in a Web Request",
      "Remote Code Execution Attempt in a Web Request",
      "Request to a Known Web Shell Name",
      "Web Vulnerability Scanner User Agent",
      "Online Gambling Terms in a Web Request or Referrer",
      "FortiGate IPS Blocked an Attack",
      "FortiGate Antivirus Detected Malware",
      "FortiGate Web Filter Blocked a Site",
      "FortiGate Administrator Login",
  };
  for (const auto& [title, f] : fired) EXPECT_TRUE(intended.count(title)) << title;
  EXPECT_FALSE(fired.count("Web Login Brute Force"));
  EXPECT_FALSE(fired.count("Sudoers Changed Through Sudo"));
}

}  // namespace
}  // namespace pantau
