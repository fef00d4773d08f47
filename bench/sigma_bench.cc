// The Sigma matcher on one core: rules loaded (and compiled) once, events decoded into memory
// first, then matched in a loop, so the figure is detection alone. Prints the load time, the
// rule set's shape, and events/s for the compiled matcher (Hyperscan pass + prefilter) and the
// naive one (every rule of the event's log source, pattern by pattern).
//
//   build/ci/bench/sigma_bench --rules DIR [--rules DIR...] --events N [--naive-events N]
//       [--pool N] FILE.jsonl
#include <fmt/format.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "decode/decoder.h"
#include "detect/sigma/rule_set.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU time of this thread: on a shared machine, time spent waiting for a core is not
// matching, and wall time alone swings with the neighbours' load.
double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

long PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> rule_paths;
  std::string file;
  size_t events = 5'000'000, naive_events = 100'000, pool = 100'000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--rules") {
      rule_paths.push_back(next());
    } else if (a == "--events") {
      events = std::stoul(next());
    } else if (a == "--naive-events") {
      naive_events = std::stoul(next());
    } else if (a == "--pool") {
      pool = std::stoul(next());
    } else {
      file = a;
    }
  }
  if (rule_paths.empty() || file.empty()) {
    std::fprintf(stderr, "usage: sigma_bench --rules DIR... [--events N] FILE.jsonl\n");
    return 2;
  }

  auto start = Clock::now();
  std::vector<pantau::sigma::RuleProblem> problems;
  size_t documents = 0;
  auto rules = pantau::sigma::RuleSet::Load(rule_paths, {}, problems, documents);
  if (!rules.ok()) {
    std::fprintf(stderr, "%s\n", rules.status().message().c_str());
    return 1;
  }
  const double load_s = Seconds(start);
  const pantau::sigma::RuleSet& set = **rules;
  fmt::print(
      "rules: {} loaded of {} in {:.2f} s; {} distinct patterns; {} rules without a "
      "necessary pattern; peak RSS {} MB\n",
      set.size(), documents, load_s, set.pattern_count(), set.unfiltered_rule_count(), PeakRssMb());

  std::ifstream in(file);
  std::vector<pantau::Event> decoded;
  std::string line;
  pantau::DecodeContext ctx;
  start = Clock::now();
  while (decoded.size() < pool && std::getline(in, line)) {
    decoded.push_back(pantau::Decode(line, pantau::Format::kJson, ctx));
  }
  fmt::print("decoded {} distinct events in {:.2f} s ({:.0f} events/s); peak RSS {} MB\n",
             decoded.size(), Seconds(start), decoded.size() / Seconds(start), PeakRssMb());
  if (decoded.empty()) return 1;

  auto run = [&](size_t n, bool naive) {
    uint64_t matches = 0;
    auto count = [&](const pantau::sigma::Rule&) { ++matches; };
    const auto t0 = Clock::now();
    const double cpu0 = CpuSeconds();
    for (size_t i = 0; i < n; ++i) {
      const pantau::Event& e = decoded[i % decoded.size()];
      if (naive) {
        set.MatchNaive(e, count);
      } else {
        set.Match(e, count);
      }
    }
    const double s = Seconds(t0);
    const double cpu = CpuSeconds() - cpu0;
    fmt::print(
        "{:<9} {:>10} events in {:7.2f} s: {:>9.0f} events/s, {} matches ({:.0f} events per "
        "CPU second)\n",
        naive ? "naive" : "compiled", n, s, n / s, matches, n / cpu);
    return n / s;
  };
  // The compiled matcher must find exactly what the naive one finds, event by event.
  size_t differing = 0;
  for (size_t i = 0; i < std::min(naive_events, decoded.size()); ++i) {
    std::vector<const pantau::sigma::Rule*> a, b;
    set.Match(decoded[i], [&](const pantau::sigma::Rule& r) { a.push_back(&r); });
    set.MatchNaive(decoded[i], [&](const pantau::sigma::Rule& r) { b.push_back(&r); });
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    if (a != b) ++differing;
  }
  fmt::print("compiled vs naive on {} events: {} differ\n", std::min(naive_events, decoded.size()),
             differing);
  const double naive = run(naive_events, true);
  const double compiled = run(events, false);
  fmt::print("compiled / naive: {:.1f}x; peak RSS {} MB\n", compiled / naive, PeakRssMb());
  return 0;
}
