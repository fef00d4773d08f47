// `pantau hunt --rules DIR... FILE|DIR...`: Sigma rules over evidence files without a server,
// and `pantau rules check DIR...`: which rules cannot be used, and why.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "api/export.h"
#include "app/commands.h"
#include "app/progress_bar.h"
#include "app/terminal_text.h"
#include "core/bounded_queue.h"
#include "core/time.h"
#include "detect/correlate/correlation_engine.h"
#include "detect/sigma/rule_set.h"
#include "ingest/event_files.h"

namespace pantau {
namespace {

std::string Shorten(std::string s, size_t width) {
  if (s.size() > width) s = s.substr(0, width - 3) + "...";
  return s;
}

// A match to report: of a detection rule, or of a correlation (then with its window).
struct Found {
  std::string_view id, title;
  sigma::Level level;
  const std::vector<std::string>& tags;
  const correlate::CorrelationMatch* correlation;
};

// {"type", "group": {...}, "value", "events"}
std::string CorrelationJson(const correlate::CorrelationMatch& m) {
  std::string out = R"({"type":)";
  AppendJsonString(out, sigma::CorrelationTypeName(m.rule->type));
  out += R"(,"group":{)";
  for (size_t i = 0; i < m.group.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, m.group[i].first);
    out += ':';
    AppendJsonString(out, m.group[i].second);
  }
  out += fmt::format(R"(}},"value":{},"events":{}}})", m.value, m.events.size());
  return out;
}

// "(user=root: 12 events in 10m)"
std::string CorrelationSummary(const correlate::CorrelationMatch& m) {
  std::string out = "(";
  for (const auto& [k, v] : m.group) out += fmt::format("{}={} ", k, v);
  out += fmt::format("{}={})", sigma::CorrelationTypeName(m.rule->type), m.value);
  return out;
}

bool TagSelected(const std::vector<std::string>& tags, const std::vector<std::string>& wanted) {
  if (wanted.empty()) return true;
  for (const std::string& t : tags) {
    for (const std::string& w : wanted) {
      if (t == w || (t.size() > w.size() && t.starts_with(w) && t[w.size()] == '.')) return true;
    }
  }
  return false;
}

Result<std::shared_ptr<const sigma::RuleSet>> LoadRules(const RuleFlags& flags, bool compile,
                                                        std::vector<sigma::RuleProblem>& problems,
                                                        size_t& documents) {
  sigma::LoadOptions options;
  options.compile_scanner = compile;
  options.logsource_files = flags.logsource_files;
  options.placeholders_file = flags.placeholders_file;
  return sigma::RuleSet::Load(flags.rule_paths, options, problems, documents);
}

// Events read, and the rules each matched.
struct MatchBatch {
  uint64_t seq = 0;
  std::string file;
  std::vector<Event> events;
  std::vector<std::vector<const sigma::Rule*>> matches;
};

// Matches batches of events on worker threads and hands them to `done` one at a time, in the
// order they were added, on whichever thread finished the batch that was next.
class OrderedMatcher {
 public:
  static constexpr size_t kBatch = 512;

  OrderedMatcher(const sigma::RuleSet& rules, unsigned threads,
                 std::function<void(MatchBatch&)> done)
      : rules_(rules), done_(std::move(done)), work_(2 * std::max(1u, threads)) {
    for (unsigned i = 0; i < std::max(1u, threads); ++i) {
      workers_.emplace_back([this] { Work(); });
    }
  }
  ~OrderedMatcher() { Finish(); }

  void Add(const std::string& file, Event&& event) {
    if (open_ && open_->file != file) Flush();
    if (!open_) {
      open_ = std::make_unique<MatchBatch>();
      open_->seq = next_seq_++;
      open_->file = file;
      open_->events.reserve(kBatch);
    }
    open_->events.push_back(std::move(event));
    if (open_->events.size() == kBatch) Flush();
  }

  // Matches what is left and waits for every batch to be handed over.
  void Finish() {
    if (finished_) return;
    finished_ = true;
    Flush();
    work_.Close();
    for (std::thread& t : workers_) t.join();
  }

 private:
  void Flush() {
    if (open_) work_.Push(std::move(open_));
    open_.reset();
  }

  void Work() {
    std::vector<std::unique_ptr<MatchBatch>> taken;
    while (true) {
      taken.clear();
      if (!work_.PopBatch(taken, 1, std::chrono::milliseconds(200))) return;
      for (auto& batch : taken) {
        batch->matches.resize(batch->events.size());
        for (size_t i = 0; i < batch->events.size(); ++i) {
          rules_.Match(batch->events[i],
                       [&](const sigma::Rule& r) { batch->matches[i].push_back(&r); });
        }
        Deliver(std::move(batch));
      }
    }
  }

  // Keeps a finished batch until those before it are handed over, then hands over all that are
  // ready, in order.
  void Deliver(std::unique_ptr<MatchBatch> batch) {
    std::unique_lock lock(mu_);
    ready_.emplace(batch->seq, std::move(batch));
    while (!ready_.empty() && ready_.begin()->first == next_out_) {
      std::unique_ptr<MatchBatch> next = std::move(ready_.begin()->second);
      ready_.erase(ready_.begin());
      ++next_out_;
      done_(*next);
    }
  }

  const sigma::RuleSet& rules_;
  std::function<void(MatchBatch&)> done_;
  BoundedQueue<std::unique_ptr<MatchBatch>> work_;
  std::vector<std::thread> workers_;
  std::unique_ptr<MatchBatch> open_;  // the reading thread's
  uint64_t next_seq_ = 0;             // the reading thread's
  bool finished_ = false;
  std::mutex mu_;
  std::map<uint64_t, std::unique_ptr<MatchBatch>> ready_;  // GUARDED_BY(mu_)
  uint64_t next_out_ = 0;                                  // GUARDED_BY(mu_)
};

}  // namespace

int RunRulesCheck(const RuleFlags& flags) {
  std::vector<sigma::RuleProblem> problems;
  size_t documents = 0;
  auto rules = LoadRules(flags, /*compile=*/false, problems, documents);
  if (!rules.ok()) return Fail(rules.status());
  for (const sigma::RuleProblem& p : problems) std::printf("%s\n", p.ToString().c_str());
  std::printf("loaded %zu of %zu rules\n", (*rules)->loaded_documents(), documents);
  return problems.empty() ? kExitOk : kExitFailure;
}

int RunHunt(const HuntFlags& flags) {
  auto format = ParseFormat(flags.format);
  if (!format.ok()) return Fail(format.status());
  auto min_level = sigma::ParseLevel(flags.min_level);
  if (!min_level.ok()) return Fail(min_level.status());
  std::vector<sigma::RuleProblem> problems;
  size_t documents = 0;
  ProgressBar bar;
  auto loaded = LoadRules(flags.rules, /*compile=*/true, problems, documents);
  const double load_s = bar.Elapsed();
  if (!loaded.ok()) return Fail(loaded.status());
  const sigma::RuleSet& rules = **loaded;
  if (!problems.empty()) {
    std::fprintf(stderr,
                 "pantau: %zu of %zu rules cannot be used; `pantau rules check` lists them\n",
                 problems.size(), documents);
  }

  if (flags.csv) std::printf("timestamp,level,rule_id,rule_title,tags,host,dataset,file\r\n");
  uint64_t matches = 0;
  std::set<std::string_view> rules_hit;
  std::string line;
  EventFileOptions options;
  options.format = *format;
  std::mutex out_mu;  // the terminal: progress bar, problems and matches
  options.on_problem = [&](const std::string& file, const std::string& problem) {
    std::lock_guard lock(out_mu);
    bar.Finish();
    std::fprintf(stderr, "pantau: %s: %s\n", file.c_str(), problem.c_str());
  };
  EventFileProgress last;
  options.on_progress = [&](const EventFileProgress& p) {
    std::lock_guard lock(out_mu);
    last = p;
    bar.Draw(p.bytes_done, p.bytes_total, static_cast<double>(p.events), "events/s");
  };
  correlate::CorrelationEngine correlations(*loaded);
  auto report = [&](const Found& f, const std::string& file, const Event& event) {
    if (f.level < *min_level || !TagSelected(f.tags, flags.tags)) return;
    ++matches;
    rules_hit.insert(f.title);
    const std::string ts =
        FormatRfc3339(f.correlation ? f.correlation->timestamp : event.timestamp);
    const std::string_view host = event.fields.GetString("host.name");
    line.clear();
    if (flags.json) {
      line += R"({"rule_id":)";
      AppendJsonString(line, f.id);
      line += R"(,"rule_title":)";
      AppendJsonString(line, f.title);
      line += R"(,"level":)";
      AppendJsonString(line, sigma::LevelName(f.level));
      line += R"(,"tags":[)";
      for (size_t i = 0; i < f.tags.size(); ++i) {
        if (i > 0) line += ',';
        AppendJsonString(line, f.tags[i]);
      }
      line += R"(],"file":)";
      AppendJsonString(line, file);
      line += R"(,"timestamp":)";
      AppendJsonString(line, ts);
      if (f.correlation) line += R"(,"correlation":)" + CorrelationJson(*f.correlation);
      line += R"(,"event":)";
      line += EventToJson(event);
      line += "}\n";
    } else if (flags.csv) {
      std::string tags;
      for (const std::string& t : f.tags) tags += (tags.empty() ? "" : " ") + t;
      for (std::string_view cell :
           {std::string_view(ts), sigma::LevelName(f.level), f.id, f.title, std::string_view(tags),
            host, std::string_view(event.dataset), std::string_view(file)}) {
        if (!line.empty()) line += ',';
        AppendCsvCell(line, cell);
      }
      line += "\r\n";
    } else {
      std::string title(f.title);
      if (f.correlation) title += " " + CorrelationSummary(*f.correlation);
      line = fmt::format("{:<27} {:<13} {:<16} {}  {}\n", ts, sigma::LevelName(f.level),
                         Shorten(TerminalSafe(host), 16), TerminalSafe(title), TerminalSafe(file));
    }
    bar.Finish();
    std::fwrite(line.data(), 1, line.size(), stdout);
  };
  // Matching runs on worker threads, a batch of events at a time; the batches come back in the
  // order they were read, so correlation windows and the output see the events in file order,
  // as with one thread.
  // One core reads and decodes; the others match (measured on 2 cores: 1 matching thread
  // 88K events/s, 2 (oversubscribed) 81K, all in one thread 76K).
  const unsigned cores = std::thread::hardware_concurrency();
  const unsigned threads = flags.threads > 0 ? flags.threads : std::max(1u, cores - 1);
  OrderedMatcher matcher(rules, threads, [&](MatchBatch& batch) {
    std::lock_guard lock(out_mu);
    for (size_t i = 0; i < batch.events.size(); ++i) {
      const Event& event = batch.events[i];
      for (const sigma::Rule* rule : batch.matches[i]) {
        if (rule->standalone) {
          report({rule->id, rule->title, rule->level, rule->tags, nullptr}, batch.file, event);
        }
        correlations.OnRuleMatch(*rule, event, [&](const correlate::CorrelationMatch& m) {
          const sigma::CorrelationRule& c = *m.rule;
          if (c.standalone) report({c.id, c.title, c.level, c.tags, &m}, batch.file, event);
        });
      }
    }
  });
  options.on_event = [&](const std::string& file, Event& event) {
    matcher.Add(file, std::move(event));
  };
  auto result = ReadEventFiles(flags.files, options);
  matcher.Finish();
  bar.Finish();
  if (!result.ok()) return Fail(result.status());
  const double t = bar.Elapsed() - load_s;
  if (result->recovered + result->recovered_unreadable > 0) {
    std::fprintf(stderr,
                 "EVTX: %llu records recovered from free space were read; %llu more were too "
                 "damaged to read\n",
                 static_cast<unsigned long long>(result->recovered),
                 static_cast<unsigned long long>(result->recovered_unreadable));
  }
  std::fprintf(stderr,
               "hunted %llu events (%s) with %zu rules (loaded in %.2f s) in %.2f s: %.0f "
               "events/s; %llu matches of %zu rules\n",
               static_cast<unsigned long long>(result->events),
               HumanBytes(static_cast<double>(result->bytes_total)).c_str(), rules.size(), load_s,
               t, t > 0 ? result->events / t : 0.0, static_cast<unsigned long long>(matches),
               rules_hit.size());
  return kExitOk;
}

}  // namespace pantau
