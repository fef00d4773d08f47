// Sigma rules end to end: YAML text -> RuleSet -> match against events. Every modifier and
// condition construct of the specification, with its examples where it gives one.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "decode/decoder.h"
#include "decode/windows.h"
#include "detect/sigma/rule_set.h"

namespace pantau::sigma {
namespace {

// A rule for events of dataset "test" with the given detection (YAML, indented by 2).
std::string RuleText(std::string_view detection) {
  return "title: t\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n  product: test\n"
         "detection:\n" +
         std::string(detection);
}

struct Loaded {
  std::shared_ptr<const RuleSet> set;
  std::vector<RuleProblem> problems;
};

Loaded Load(const std::string& yaml, const LoadOptions& options = {}) {
  Loaded l;
  auto r = RuleSet::LoadText(yaml, options, l.problems);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (r.ok()) l.set = *r;
  return l;
}

Event Ev(std::initializer_list<std::pair<std::string, Value>> fields, std::string message = "") {
  Event e;
  e.dataset = "test";
  e.message = std::move(message);
  for (const auto& [k, v] : fields) e.fields.Set(k, v);
  return e;
}

// Matches through the Hyperscan pass and prefilter, checked against the one-by-one evaluation.
bool Matches(const Loaded& l, const Event& e) {
  bool hit = false, naive = false;
  l.set->Match(e, [&](const Rule&) { hit = true; });
  l.set->MatchNaive(e, [&](const Rule&) { naive = true; });
  EXPECT_EQ(hit, naive);
  return hit;
}

// Loads one rule and checks it loaded.
Loaded One(std::string_view detection, const LoadOptions& options = {}) {
  Loaded l = Load(RuleText(detection), options);
  EXPECT_TRUE(l.problems.empty()) << (l.problems.empty() ? "" : l.problems[0].ToString());
  EXPECT_EQ(l.set ? l.set->size() : 0, 1u);
  return l;
}

// The problem of a rule that must not load.
std::string Problem(std::string_view detection) {
  Loaded l = Load(RuleText(detection));
  if (l.problems.empty()) return "(loaded)";
  return l.problems[0].ToString();
}

TEST(SigmaRuleTest, MapsAreAndListsAreOr) {
  // The specification's example: EventLog Security and (EventID 517 or 1102).
  Loaded l =
      One("  selection:\n    EventLog: Security\n    EventID:\n      - 517\n      - 1102\n"
          "  condition: selection\n");
  EXPECT_TRUE(Matches(l, Ev({{"EventLog", std::string("Security")}, {"EventID", int64_t{517}}})));
  EXPECT_TRUE(
      Matches(l, Ev({{"EventLog", std::string("security")}, {"EventID", std::string("1102")}})));
  EXPECT_FALSE(Matches(l, Ev({{"EventLog", std::string("Security")}, {"EventID", int64_t{4624}}})));
  EXPECT_FALSE(Matches(l, Ev({{"EventID", int64_t{517}}})));
  // List of maps: OR.
  Loaded maps =
      One("  selection:\n    - Image|endswith: '\\example.exe'\n"
          "    - Description|contains: 'Test executable'\n  condition: selection\n");
  EXPECT_TRUE(Matches(maps, Ev({{"Image", std::string("C:\\x\\EXAMPLE.exe")}})));
  EXPECT_TRUE(Matches(maps, Ev({{"Description", std::string("a test Executable")}})));
  EXPECT_FALSE(Matches(maps, Ev({{"Image", std::string("C:\\x\\example.exe.bak")}})));
}

// The scanner remembers what recent values of a field matched; a remembered value must answer as
// a fresh scan would, whatever came between, and for every field on its own.
TEST(SigmaRuleTest, RepeatedValuesMatchAsTheFirstTime) {
  Loaded l =
      One("  selection:\n    CommandLine|contains: 'evil'\n    Image|endswith: '\\x.exe'\n"
          "  condition: selection\n");
  const Event bad =
      Ev({{"CommandLine", std::string("run EVIL now")}, {"Image", std::string("C:\\x.exe")}});
  const Event benign =
      Ev({{"CommandLine", std::string("run good now")}, {"Image", std::string("C:\\x.exe")}});
  // The same texts in the other fields: memory is per field.
  const Event swapped =
      Ev({{"CommandLine", std::string("C:\\x.exe")}, {"Image", std::string("run EVIL now")}});
  for (int round = 0; round < 3; ++round) {
    EXPECT_TRUE(Matches(l, bad));
    EXPECT_FALSE(Matches(l, benign));
    EXPECT_FALSE(Matches(l, swapped));
  }
  // Thousands of distinct values between two sightings of the same one.
  for (int i = 0; i < 5000; ++i) {
    EXPECT_EQ(Matches(l, Ev({{"CommandLine", "evil " + std::to_string(i)},
                             {"Image", std::string("C:\\x.exe")}})),
              true);
  }
  EXPECT_TRUE(Matches(l, bad));
  EXPECT_FALSE(Matches(l, benign));
}

TEST(SigmaRuleTest, LogSourceSelectsEvents) {
  Loaded l = One("  selection:\n    a: b\n  condition: selection\n");
  Event other = Ev({{"a", std::string("b")}});
  other.dataset = "testing";  // neither "test" nor "test.*"
  EXPECT_FALSE(Matches(l, other));
  other.dataset = "test.sub";
  EXPECT_TRUE(Matches(l, other));
}

TEST(SigmaRuleTest, Keywords) {
  Loaded l = One("  keywords:\n    - 'event::clear'\n    - 'event::drop'\n  condition: keywords\n");
  EXPECT_TRUE(Matches(l, Ev({}, "mimikatz # EVENT::Clear now")));
  EXPECT_TRUE(Matches(l, Ev({{"CommandLine", std::string("x event::drop")}})));
  EXPECT_FALSE(Matches(l, Ev({}, "event:: clear")));
  Loaded all = One(
      "  keywords_cmdlet:\n    '|all':\n      - 'OabVirtualDirectory'\n      - ' -ExternalUrl '\n"
      "  condition: keywords_cmdlet\n");
  EXPECT_TRUE(Matches(all, Ev({}, "Set-OabVirtualDirectory -ExternalUrl http://x")));
  EXPECT_FALSE(Matches(all, Ev({}, "Set-OabVirtualDirectory")));
}

// Each log source's keywords have their own database; a keyword that rules of two log sources
// share is one pattern in both, and an event is scanned only with those of the log sources that
// select it.
TEST(SigmaRuleTest, KeywordsOfSeveralLogSources) {
  auto rule = [](std::string_view id, std::string_view product, std::string_view keywords) {
    return fmt::format(
        "title: {0}\nid: 00000000-0000-0000-0000-00000000000{0}\nlogsource:\n  product: {1}\n"
        "detection:\n  keywords:\n{2}  condition: keywords\n---\n",
        id, product, keywords);
  };
  Loaded l = Load(rule("1", "alpha", "    - 'shared word'\n    - 'alpha only'\n") +
                  rule("2", "beta", "    - 'shared word'\n") +
                  rule("3", "beta", "    - 'beta only'\n    - 'x*y'\n"));
  ASSERT_TRUE(l.problems.empty()) << l.problems[0].ToString();
  auto titles = [&](std::string dataset, std::string message) {
    Event e;
    e.dataset = std::move(dataset);
    e.message = std::move(message);
    std::string a, b;
    l.set->Match(e, [&](const Rule& r) { a += r.title; });
    l.set->MatchNaive(e, [&](const Rule& r) { b += r.title; });
    EXPECT_EQ(a, b);
    return a;
  };
  EXPECT_EQ(titles("alpha", "a shared word"), "1");
  EXPECT_EQ(titles("beta", "a shared word"), "2");
  EXPECT_EQ(titles("beta", "alpha only, beta only"), "3");
  EXPECT_EQ(titles("alpha", "alpha only, beta only"), "1");
  EXPECT_EQ(titles("gamma", "shared word, alpha only, beta only"), "");
  EXPECT_EQ(titles("beta", "x to y"), "3");
}

TEST(SigmaRuleTest, NullEmptyAndExists) {
  Loaded l =
      One("  selection:\n    EventID: 4738\n  filter:\n    PasswordLastSet: null\n"
          "  condition: selection and not filter\n");
  EXPECT_TRUE(Matches(l, Ev({{"EventID", int64_t{4738}}, {"PasswordLastSet", std::string("x")}})));
  EXPECT_FALSE(Matches(l, Ev({{"EventID", int64_t{4738}}})));
  EXPECT_FALSE(Matches(l, Ev({{"EventID", int64_t{4738}}, {"PasswordLastSet", Value{}}})));
  Loaded empty = One("  selection:\n    FieldB: ''\n  condition: selection\n");
  EXPECT_TRUE(Matches(empty, Ev({{"FieldB", std::string()}})));
  EXPECT_FALSE(Matches(empty, Ev({})));
  Loaded exists =
      One("  selection:\n    EventID: 4738\n    PasswordLastSet|exists: true\n  condition: "
          "selection\n");
  EXPECT_TRUE(Matches(exists, Ev({{"EventID", int64_t{4738}}, {"PasswordLastSet", Value{}}})));
  EXPECT_FALSE(Matches(exists, Ev({{"EventID", int64_t{4738}}})));
  Loaded absent = One("  selection:\n    X|exists: false\n  condition: selection\n");
  EXPECT_TRUE(Matches(absent, Ev({})));
  EXPECT_FALSE(Matches(absent, Ev({{"X", std::string()}})));
  EXPECT_EQ(
      Problem("  selection:\n    FieldB:\n      - ''\n      - null\n  condition: selection\n"),
      "<text>:9: FieldB: null cannot be part of a list of values (give it a selection of "
      "its own)");
}

TEST(SigmaRuleTest, StringModifiers) {
  Loaded l =
      One("  selection:\n    CommandLine|contains|all:\n      - ' -enc '\n      - 'bypass'\n"
          "    Image|startswith: 'C:\\Windows\\'\n    ParentImage|endswith: '\\cmd.exe'\n"
          "  condition: selection\n");
  EXPECT_TRUE(Matches(l, Ev({{"CommandLine", std::string("powershell -ep Bypass -enc AAA")},
                             {"Image", std::string("c:\\windows\\system32\\x.exe")},
                             {"ParentImage", std::string("C:\\cmd.exe")}})));
  EXPECT_FALSE(Matches(l, Ev({{"CommandLine", std::string("powershell -enc AAA")},
                              {"Image", std::string("c:\\windows\\system32\\x.exe")},
                              {"ParentImage", std::string("C:\\cmd.exe")}})));
  Loaded cased = One("  selection:\n    Name|cased: 'Evil'\n  condition: selection\n");
  EXPECT_TRUE(Matches(cased, Ev({{"Name", std::string("Evil")}})));
  EXPECT_FALSE(Matches(cased, Ev({{"Name", std::string("evil")}})));
  Loaded windash =
      One("  selection:\n    CommandLine|windash|contains: ' -s '\n  condition: selection\n");
  EXPECT_TRUE(Matches(windash, Ev({{"CommandLine", std::string("net /s x")}})));
  EXPECT_TRUE(Matches(windash, Ev({{"CommandLine", std::string("net \xE2\x80\x94s x")}})));
  EXPECT_FALSE(Matches(windash, Ev({{"CommandLine", std::string("net s x")}})));
}

TEST(SigmaRuleTest, EncodingModifiers) {
  Loaded b64 = One("  selection:\n    Data|base64: 'cmd'\n  condition: selection\n");
  EXPECT_TRUE(Matches(b64, Ev({{"Data", std::string("Y21k")}})));
  Loaded offset = One(
      "  selection:\n    CommandLine|base64offset|contains: 'http://'\n  condition: selection\n");
  // "curl http://x" and " http://" encoded at each of the three alignments.
  for (std::string encoded : {"Y3VybCBodHRwOi8veA==", "IGh0dHA6Ly8=", "ICBodHRwOi8v"}) {
    EXPECT_TRUE(Matches(offset, Ev({{"CommandLine", "powershell -e " + encoded}}))) << encoded;
  }
  EXPECT_FALSE(Matches(offset, Ev({{"CommandLine", std::string("powershell -e aHR0cA==")}})));
  Loaded wide = One(
      "  selection:\n    CommandLine|wide|base64offset|contains: 'cmd'\n  condition: selection\n");
  // base64 of UTF-16LE "/c cmd" (Python: base64.b64encode('/c cmd'.encode('utf-16le'))).
  EXPECT_TRUE(Matches(wide, Ev({{"CommandLine", std::string("-enc LwBjACAAYwBtAGQA")}})));
  EXPECT_EQ(Problem("  selection:\n    X|contains|base64: 'a'\n  condition: selection\n"),
            "<text>:7: X|contains|base64: base64 and base64offset need a value without "
            "wildcards (put 'contains' after them)");
}

TEST(SigmaRuleTest, RegularExpressions) {
  Loaded l = One("  selection:\n    CommandLine|re: '\\s-[eE]nc\\s'\n  condition: selection\n");
  EXPECT_TRUE(Matches(l, Ev({{"CommandLine", std::string("ps -Enc AA")}})));
  EXPECT_FALSE(Matches(l, Ev({{"CommandLine", std::string("ps -ENC AA")}})));  // case-sensitive
  Loaded i =
      One("  selection:\n    CommandLine|re|i: 'invoke-(expression|webrequest)'\n"
          "  condition: selection\n");
  EXPECT_TRUE(Matches(i, Ev({{"CommandLine", std::string("Invoke-WebRequest x")}})));
  Loaded m = One("  selection:\n    Text|re|m: '^second$'\n  condition: selection\n");
  EXPECT_TRUE(Matches(m, Ev({{"Text", std::string("first\nsecond\nthird")}})));
  Loaded s = One("  selection:\n    Text|re|s: 'a.b'\n  condition: selection\n");
  EXPECT_TRUE(Matches(s, Ev({{"Text", std::string("a\nb")}})));
  Loaded no_s = One("  selection:\n    Text|re: 'a.b'\n  condition: selection\n");
  EXPECT_FALSE(Matches(no_s, Ev({{"Text", std::string("a\nb")}})));
  const std::string lookahead =
      Problem("  selection:\n    X|re: 'a(?=b)'\n  condition: selection\n");
  EXPECT_EQ(
      lookahead.rfind("<text>:7: X|re: regular expression cannot run in linear time (RE2): ", 0),
      0u)
      << lookahead;
  EXPECT_EQ(Problem("  selection:\n    X|i: 'a'\n  condition: selection\n"),
            "<text>:7: X|i: modifier 'i' is only allowed after 're'");
}

TEST(SigmaRuleTest, NetworksNumbersAndNeq) {
  Loaded cidr =
      One("  selection:\n    DestinationIp|cidr:\n      - 10.0.0.0/8\n      - 'fe80::/10'\n"
          "  condition: selection\n");
  EXPECT_TRUE(Matches(cidr, Ev({{"DestinationIp", std::string("10.1.2.3")}})));
  EXPECT_TRUE(Matches(cidr, Ev({{"DestinationIp", std::string("fe80::1")}})));
  EXPECT_FALSE(Matches(cidr, Ev({{"DestinationIp", std::string("11.0.0.1")}})));
  EXPECT_FALSE(Matches(cidr, Ev({{"DestinationIp", std::string("not an ip")}})));
  Loaded cmp =
      One("  selection:\n    Bytes|gte: 1000\n    Port|lt: 1024\n  condition: selection\n");
  EXPECT_TRUE(Matches(cmp, Ev({{"Bytes", int64_t{1000}}, {"Port", std::string("80")}})));
  EXPECT_FALSE(Matches(cmp, Ev({{"Bytes", int64_t{999}}, {"Port", int64_t{80}}})));
  EXPECT_FALSE(Matches(cmp, Ev({{"Bytes", int64_t{5000}}, {"Port", int64_t{1024}}})));
  Loaded neq =
      One("  selection:\n    User|neq:\n      - SYSTEM\n      - LOCAL SERVICE\n  condition: "
          "selection\n");
  EXPECT_TRUE(Matches(neq, Ev({{"User", std::string("alice")}})));
  EXPECT_FALSE(Matches(neq, Ev({{"User", std::string("system")}})));
  EXPECT_FALSE(Matches(neq, Ev({{"User", std::string("Local Service")}})));
  EXPECT_EQ(Problem("  selection:\n    X|gt: abc\n  condition: selection\n"),
            "<text>:7: X|gt: 'abc' is not a number");
  EXPECT_EQ(Problem("  selection:\n    X|cidr: 10.0.0.0/33\n  condition: selection\n"),
            "<text>:7: X|cidr: '10.0.0.0/33' is not a CIDR network");
}

TEST(SigmaRuleTest, TimeModifiers) {
  Loaded hour = One("  selection:\n    UtcTime|hour|gte: 20\n  condition: selection\n");
  EXPECT_TRUE(Matches(hour, Ev({{"UtcTime", std::string("2025-11-27 21:40:10.132")}})));
  EXPECT_FALSE(Matches(hour, Ev({{"UtcTime", std::string("2025-11-27 07:40:10.132")}})));
  Loaded parts =
      One("  selection:\n    T|year: 2025\n    T|month: 11\n    T|day: 27\n    T|minute: 40\n"
          "    T|week: 48\n  condition: selection\n");
  // 2025-11-27 is in ISO week 48 (Python: date(2025, 11, 27).isocalendar().week).
  EXPECT_TRUE(Matches(parts, Ev({{"T", std::string("2025-11-27T07:40:10Z")}})));
  EXPECT_FALSE(Matches(parts, Ev({{"T", std::string("2025-11-28T07:40:10Z")}})));
}

TEST(SigmaRuleTest, FieldReferences) {
  Loaded l = One("  selection:\n    SourceUser|fieldref: TargetUser\n  condition: selection\n");
  EXPECT_TRUE(
      Matches(l, Ev({{"SourceUser", std::string("Bob")}, {"TargetUser", std::string("bob")}})));
  EXPECT_FALSE(
      Matches(l, Ev({{"SourceUser", std::string("bob")}, {"TargetUser", std::string("eve")}})));
  EXPECT_FALSE(Matches(l, Ev({{"SourceUser", std::string("bob")}})));
  Loaded neq = One("  selection:\n    A|fieldref|neq: B\n  condition: selection\n");
  EXPECT_TRUE(Matches(neq, Ev({{"A", std::string("x")}, {"B", std::string("y")}})));
  EXPECT_FALSE(Matches(neq, Ev({{"A", std::string("x")}, {"B", std::string("x")}})));
  Loaded ends = One("  selection:\n    Path|fieldref|endswith: Name\n  condition: selection\n");
  EXPECT_TRUE(
      Matches(ends, Ev({{"Path", std::string("C:\\a\\b.exe")}, {"Name", std::string("B.exe")}})));
}

TEST(SigmaRuleTest, PlaceholdersNeedValues) {
  const std::string detection =
      "  selection:\n    User|expand: '%Administrators%'\n  condition: selection\n";
  EXPECT_EQ(Problem(detection),
            "<text>:7: User|expand: placeholder %Administrators% has no values (give them in a "
            "placeholders file, --placeholders)");
  const auto file = std::filesystem::temp_directory_path() / "pantau_placeholders_test.yml";
  std::ofstream(file) << "Administrators: [admin, 'adm_*']\n";
  LoadOptions options;
  options.placeholders_file = file.string();
  Loaded l = One(detection, options);
  EXPECT_TRUE(Matches(l, Ev({{"User", std::string("Admin")}})));
  EXPECT_TRUE(Matches(l, Ev({{"User", std::string("adm_bob")}})));
  EXPECT_FALSE(Matches(l, Ev({{"User", std::string("bob")}})));
  // Without expand, percent signs are plain text.
  Loaded plain = One("  selection:\n    User: '%Administrators%'\n  condition: selection\n");
  EXPECT_TRUE(Matches(plain, Ev({{"User", std::string("%administrators%")}})));
  std::filesystem::remove(file);
}

TEST(SigmaRuleTest, Quantifiers) {
  const std::string ids =
      "  selection_a:\n    A: 1\n  selection_b:\n    B: 1\n  filter_c:\n    C: 1\n"
      "  _hidden:\n    H: 1\n";
  auto ev = [](bool a, bool b, bool c, bool h) {
    Event e = Ev({});
    if (a) e.fields.Set("A", int64_t{1});
    if (b) e.fields.Set("B", int64_t{1});
    if (c) e.fields.Set("C", int64_t{1});
    if (h) e.fields.Set("H", int64_t{1});
    return e;
  };
  Loaded one = One(ids + "  condition: 1 of selection_* and not 1 of filter*\n");
  EXPECT_TRUE(Matches(one, ev(true, false, false, false)));
  EXPECT_FALSE(Matches(one, ev(true, false, true, false)));
  Loaded all = One(ids + "  condition: all of selection_*\n");
  EXPECT_TRUE(Matches(all, ev(true, true, false, false)));
  EXPECT_FALSE(Matches(all, ev(true, false, false, false)));
  // `them` leaves out identifiers that start with an underscore.
  Loaded them = One(ids + "  condition: all of them\n");
  EXPECT_TRUE(Matches(them, ev(true, true, true, false)));
  Loaded any = One(ids + "  condition: 1 of them\n");
  EXPECT_FALSE(Matches(any, ev(false, false, false, true)));
  Loaded two = One(ids + "  condition: 2 of them\n");
  EXPECT_TRUE(Matches(two, ev(true, false, true, false)));
  EXPECT_FALSE(Matches(two, ev(true, false, false, true)));
  // A list of conditions is their OR.
  Loaded list = One(ids + "  condition:\n    - selection_a and selection_b\n    - filter_c\n");
  EXPECT_TRUE(Matches(list, ev(false, false, true, false)));
  EXPECT_TRUE(Matches(list, ev(true, true, false, false)));
  EXPECT_FALSE(Matches(list, ev(true, false, false, false)));
}

// The compiled program rewrites conditions: lists of patterns under OR merge, a double `not`
// cancels, children that only read scan bits run before those that read the event, and scanned
// predicates are decided by bits whether or not the event has the field. Every combination of
// the fields below must give what the one-by-one evaluation gives.
TEST(SigmaRuleTest, CompiledConditionsAgreeWithNaive) {
  const std::string ids =
      "  a:\n    A|contains: x\n  b:\n    B|startswith: [y, z]\n"
      "  net:\n    IP|cidr: 10.0.0.0/8\n  every:\n    C|contains|all: [p, q]\n"
      "  other:\n    D|neq: v\n";
  const std::vector<std::string> conditions = {
      "a or b or net", "not not a",
      "net and a",     "(a or b) and not (net or every)",
      "2 of them",     "1 of a or every and not other",
      "all of them",   "not every and not other",
  };
  const std::vector<std::pair<std::string, Value>> values = {
      {"A", std::string("_x_")}, {"B", std::string("zed")}, {"IP", std::string("10.1.2.3")},
      {"C", std::string("pq")},  {"D", std::string("v")},
  };
  for (const std::string& condition : conditions) {
    Loaded l = One(ids + "  condition: " + condition + "\n");
    for (uint32_t mask = 0; mask < (1u << values.size()); ++mask) {
      Event e = Ev({});
      for (size_t i = 0; i < values.size(); ++i) {
        if (mask & (1u << i)) e.fields.Set(values[i].first, values[i].second);
      }
      SCOPED_TRACE(condition + ", fields " + std::to_string(mask));
      Matches(l, e);  // checks the compiled result against the naive one
    }
  }
  // A few by hand.
  Loaded l = One(ids + "  condition: a and not net\n");
  EXPECT_TRUE(Matches(l, Ev({{"A", std::string("x")}})));
  EXPECT_FALSE(Matches(l, Ev({{"A", std::string("x")}, {"IP", std::string("10.0.0.1")}})));
}

TEST(SigmaRuleTest, BadRulesAreReportedAndOthersLoad) {
  const std::string good = RuleText("  selection:\n    a: b\n  condition: selection\n");
  const std::string text =
      good + "---\n" + RuleText("  selection:\n    a|contians: b\n  condition: selection\n") +
      "---\n" + RuleText("  selection:\n    a: b\n  condition: selection and x\n") + "---\n" +
      "title: no detection\nlogsource: {product: test}\n";
  Loaded l = Load(text);
  EXPECT_EQ(l.set->size(), 1u);
  ASSERT_EQ(l.problems.size(), 3u);
  EXPECT_EQ(l.problems[0].ToString(), "<text>:16: a|contians: unknown modifier 'contians'");
  EXPECT_EQ(l.problems[1].ToString(), "<text>:26: condition: unknown search identifier 'x'");
  EXPECT_EQ(l.problems[2].ToString(), "<text>:28: the rule has no detection");
}

TEST(SigmaRuleTest, FiltersSuppressTheRulesTheyName) {
  // The specification's example: a filter for administrator accounts on two rules.
  const std::string rules =
      "title: Rar\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\nlogsource: {product: test}\n"
      "detection:\n  selection: {Image|endswith: '\\rar.exe'}\n  condition: selection\n---\n"
      "title: Other\nid: 11111111-2222-3333-4444-555555555555\nlogsource: {product: test}\n"
      "detection:\n  selection: {Image|endswith: '\\rar.exe'}\n  condition: selection\n---\n"
      "title: Filter Administrator account\nlogsource: {product: test}\nfilter:\n"
      "  rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]\n"
      "  selection: {User|startswith: 'adm_'}\n  condition: selection\n";
  Loaded l = Load(rules);
  ASSERT_TRUE(l.problems.empty()) << l.problems[0].ToString();
  EXPECT_EQ(l.set->filter_count(), 1u);
  EXPECT_EQ(l.set->loaded_documents(), 3u);
  auto titles = [&](const Event& e) {
    std::vector<std::string> out;
    l.set->Match(e, [&](const Rule& r) { out.push_back(r.title); });
    return out;
  };
  const Event admin =
      Ev({{"Image", std::string("C:\\rar.exe")}, {"User", std::string("adm_budi")}});
  const Event user = Ev({{"Image", std::string("C:\\rar.exe")}, {"User", std::string("budi")}});
  EXPECT_EQ(titles(admin), std::vector<std::string>{"Other"});
  EXPECT_EQ(titles(user), (std::vector<std::string>{"Rar", "Other"}));
  Loaded unknown = Load(
      "title: f\nlogsource: {product: test}\nfilter:\n  rules: [nope]\n"
      "  selection: {a: b}\n  condition: selection\n");
  ASSERT_EQ(unknown.problems.size(), 1u);
  EXPECT_EQ(unknown.problems[0].ToString(), "<text>:1: filter: no rule 'nope'");
}

TEST(SigmaRuleTest, WindowsProcessCreationReadsSysmonAndSecurity) {
  Loaded l = Load(
      "title: whoami\nlogsource:\n  product: windows\n  category: process_creation\n"
      "detection:\n  selection:\n    Image|endswith: '\\whoami.exe'\n  condition: selection\n");
  ASSERT_EQ(l.set->size(), 1u);
  const DecodeContext ctx;
  const Event sysmon = Decode(
      R"({"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},)"
      R"("EventID":1,"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"pc1",)"
      R"("TimeCreated":{"#attributes":{"SystemTime":"2025-11-27T07:40:10.165324Z"}}},)"
      R"("EventData":{"Image":"C:\\Windows\\System32\\whoami.exe"}}})",
      Format::kJson, ctx);
  EXPECT_EQ(sysmon.dataset, "windows.sysmon");
  EXPECT_EQ(sysmon.fields.GetString("Provider_Name"), "Microsoft-Windows-Sysmon");
  EXPECT_EQ(sysmon.fields.GetString("host.name"), "pc1");
  EXPECT_TRUE(Matches(l, sysmon));
  // The same image in a Sysmon event of another id (file_event) is not a process creation.
  Event file_event = sysmon;
  file_event.fields.Set("EventID", int64_t{11});
  EXPECT_FALSE(Matches(l, file_event));
  auto security = DecodeWindowsXml(
      "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
      "<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4688</EventID>"
      "<Channel>Security</Channel><Computer>dc1</Computer></System><EventData>"
      "<Data Name='NewProcessName'>C:\\Windows\\System32\\whoami.exe</Data>"
      "</EventData></Event>",
      ctx);
  ASSERT_TRUE(security.ok()) << security.status().message();
  EXPECT_EQ(security->dataset, "windows.security");
  EXPECT_EQ(security->fields.GetString("Image"), "C:\\Windows\\System32\\whoami.exe");
  EXPECT_TRUE(Matches(l, *security));
}

}  // namespace
}  // namespace pantau::sigma
