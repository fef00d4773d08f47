#include "monitor/web_detections.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_set>

#include "monitor/system_matcher.h"

namespace pantau {
namespace {

constexpr size_t kExcerptRadius = 100;
constexpr size_t kMaxMatchedBytes = 200;
constexpr size_t kMaxListed = 20;  // links, scripts, iframes named in one finding
constexpr size_t kMaxSimilarityWords = 20'000;
constexpr size_t kMaxEvidenceBytes = 8000;

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// `text` around [at, at + len), cut at character boundaries.
std::string Around(std::string_view text, size_t at, size_t len) {
  size_t from = at > kExcerptRadius ? at - kExcerptRadius : 0;
  while (from > 0 && IsContinuation(text[from])) --from;
  size_t to = std::min(text.size(), at + len + kExcerptRadius);
  while (to < text.size() && IsContinuation(text[to])) ++to;
  std::string out = from > 0 ? "..." : "";
  out.append(text.substr(from, to - from));
  if (to < text.size()) out += "...";
  return out;
}

std::string Cut(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t to = max;
  while (to > 0 && IsContinuation(s[to])) --to;
  return std::string(s.substr(0, to)) + "...";
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The host a script or frame is loaded from: "" when relative (the page's own site).
std::string SourceHost(std::string_view src) {
  if (src.starts_with("//")) return UrlHost("http:" + std::string(src));
  return UrlHost(src);
}

// A script or frame address compared without its query and fragment (a CMS adds ?ver=6.4.3).
std::string SourceKey(std::string_view src) {
  const size_t cut = src.find_first_of("?#");
  std::string key = LowerAscii(src.substr(0, cut));
  for (std::string_view scheme : {"https:", "http:"}) {
    if (key.starts_with(scheme)) key.erase(0, scheme.size());
  }
  return key;
}

std::string LinkKey(std::string_view href) {
  std::string key = LowerAscii(href);
  while (!key.empty() && key.back() == '/') key.pop_back();
  for (std::string_view scheme : {"https:", "http:"}) {
    if (key.starts_with(scheme)) key.erase(0, scheme.size());
  }
  return key;
}

std::string MatchList(const std::vector<TermMatch>& matches) {
  std::string out;
  for (const TermMatch& m : matches) {
    out += fmt::format("- '{}' in the {}: {}\n", m.matched, m.where, m.excerpt);
  }
  return out;
}

std::vector<TermMatch> Without(std::vector<TermMatch> matches, const std::vector<TermMatch>& old) {
  std::erase_if(matches, [&](const TermMatch& m) {
    return std::any_of(old.begin(), old.end(),
                       [&](const TermMatch& o) { return o.pattern == m.pattern; });
  });
  return matches;
}

std::vector<uint64_t> Shingles(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (size_t i = 0; i <= text.size() && words.size() < kMaxSimilarityWords; ++i) {
    const char c = i < text.size() ? text[i] : ' ';
    const bool part = static_cast<unsigned char>(c) >= 0x80 || (c >= '0' && c <= '9') ||
                      (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (part) {
      word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  std::vector<uint64_t> out;
  const std::hash<std::string> hash;
  if (words.size() < 3) {
    for (const std::string& w : words) out.push_back(hash(w));
  } else {
    for (size_t i = 0; i + 2 < words.size(); ++i) {
      out.push_back(hash(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2]));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Add(std::vector<WebFinding>& out, std::string_view kind, std::string summary,
         std::string_view evidence) {
  out.push_back({std::string(kind), std::move(summary), Cut(evidence, kMaxEvidenceBytes)});
}

}  // namespace

const WebFindingKind& FindingKind(std::string_view kind) {
  for (const WebFindingKind& k : kWebFindingKinds) {
    if (k.kind == kind) return k;
  }
  return kWebFindingKinds[0];  // unreachable for a kind of the table
}

struct WebTerms::List {
  std::vector<std::unique_ptr<re2::RE2>> patterns;
  std::unique_ptr<RE2::Set> set;
};

WebTerms::WebTerms() = default;
WebTerms::~WebTerms() = default;
WebTerms::WebTerms(WebTerms&&) noexcept = default;
WebTerms& WebTerms::operator=(WebTerms&&) noexcept = default;

Result<WebTerms> WebTerms::Compile(std::string_view text, std::string_view source) {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  WebTerms terms;
  terms.gambling_list_ = std::make_unique<List>();
  terms.defacement_list_ = std::make_unique<List>();
  terms.gambling_list_->set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  terms.defacement_list_->set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  List* list = nullptr;
  std::vector<std::string>* names = nullptr;
  size_t line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line == "[gambling]") {
      list = terms.gambling_list_.get();
      names = &terms.gambling_;
      continue;
    }
    if (line == "[defacement]") {
      list = terms.defacement_list_.get();
      names = &terms.defacement_;
      continue;
    }
    if (list == nullptr) {
      return InvalidArgument(
          fmt::format("{}:{}: '{}' is outside a section: put it under [gambling] or [defacement]",
                      source, line_no, Cut(line, 80)));
    }
    auto re = std::make_unique<re2::RE2>(line, options);
    if (!re->ok()) {
      return InvalidArgument(fmt::format("{}:{}: '{}' is not a pattern: {}", source, line_no,
                                         Cut(line, 80), re->error()));
    }
    std::string error;
    if (list->set->Add(line, &error) < 0) {
      return InvalidArgument(
          fmt::format("{}:{}: '{}' is not a pattern: {}", source, line_no, Cut(line, 80), error));
    }
    list->patterns.push_back(std::move(re));
    names->emplace_back(line);
  }
  for (List* l : {terms.gambling_list_.get(), terms.defacement_list_.get()}) {
    if (!l->patterns.empty() && !l->set->Compile()) {
      return InvalidArgument(
          fmt::format("{}: the patterns need more memory than RE2 allows; "
                      "make fewer or simpler ones",
                      source));
    }
  }
  return terms;
}

std::vector<TermMatch> WebTerms::Match(const List& list, const PageSummary& page,
                                       size_t max) const {
  std::vector<TermMatch> out;
  if (list.patterns.empty()) return out;
  std::string links;
  for (const PageLink& l : page.links) {
    if (links.size() > (size_t{256} << 10)) break;
    links += l.text + " " + l.href + "\n";
  }
  const std::pair<std::string_view, std::string_view> fields[] = {
      {"title", page.title}, {"text", page.text}, {"hidden text", page.hidden_text},
      {"meta", page.meta},   {"link", links},     {"meta refresh", page.refresh}};
  std::vector<bool> seen(list.patterns.size(), false);
  for (const auto& [where, text] : fields) {
    if (text.empty()) continue;
    std::vector<int> hits;
    if (!list.set->Match(text, &hits)) continue;
    std::sort(hits.begin(), hits.end());
    for (int i : hits) {
      const auto index = static_cast<size_t>(i);
      if (index >= seen.size() || seen[index] || out.size() >= max) continue;
      seen[index] = true;
      re2::StringPiece whole;
      const re2::StringPiece input(text.data(), text.size());
      if (!list.patterns[index]->Match(input, 0, text.size(), RE2::UNANCHORED, &whole, 1)) {
        continue;
      }
      const size_t at = static_cast<size_t>(whole.data() - text.data());
      TermMatch m;
      m.pattern = list.patterns[index]->pattern();
      m.matched = Cut(std::string_view(whole.data(), whole.size()), kMaxMatchedBytes);
      m.excerpt = Around(text, at, whole.size());
      m.where = std::string(where);
      out.push_back(std::move(m));
    }
  }
  return out;
}

std::vector<TermMatch> WebTerms::Gambling(const PageSummary& page, size_t max) const {
  return Match(*gambling_list_, page, max);
}

std::vector<TermMatch> WebTerms::Defacement(const PageSummary& page, size_t max) const {
  return Match(*defacement_list_, page, max);
}

double TextSimilarity(std::string_view a, std::string_view b) {
  const std::vector<uint64_t> x = Shingles(a);
  const std::vector<uint64_t> y = Shingles(b);
  if (x.empty() && y.empty()) return 1.0;
  size_t shared = 0;
  for (size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] == y[j]) {
      ++shared;
      ++i;
      ++j;
    } else if (x[i] < y[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(shared) / static_cast<double>(x.size() + y.size() - shared);
}

std::vector<WebFinding> DetectWebFindings(const FetchedPage& page, const PageSummary* baseline,
                                          const FetchedPage* crawler, const WebTerms& terms,
                                          const DetectionOptions& options) {
  std::vector<WebFinding> out;
  const PageSummary& now = page.summary;

  std::vector<TermMatch> defaced = terms.Defacement(now);
  if (baseline != nullptr) defaced = Without(std::move(defaced), terms.Defacement(*baseline));
  if (!defaced.empty()) {
    Add(out, "defacement",
        fmt::format("{}: defacement signature '{}' ({} in all)", page.url, defaced[0].matched,
                    defaced.size()),
        fmt::format("Title: {}\n{}", Cut(now.title, 300), MatchList(defaced)));
  }

  const std::vector<TermMatch> browser_gambling = terms.Gambling(now);
  std::vector<TermMatch> gambling = browser_gambling;
  if (baseline != nullptr) gambling = Without(std::move(gambling), terms.Gambling(*baseline));
  if (!gambling.empty()) {
    Add(out, "gambling",
        fmt::format("{}: online-gambling content '{}' ({} patterns)", page.url, gambling[0].matched,
                    gambling.size()),
        MatchList(gambling));
  }

  if (crawler != nullptr) {
    const PageSummary& bot = crawler->summary;
    const std::vector<TermMatch> cloaked = Without(terms.Gambling(bot), browser_gambling);
    const double similarity = TextSimilarity(bot.text, now.text);
    if (!cloaked.empty()) {
      Add(out, "cloaking",
          fmt::format("{}: a search-engine crawler is shown online-gambling content ('{}') that "
                      "a browser is not",
                      page.url, cloaked[0].matched),
          fmt::format("Shown to the crawler (Googlebot, Google referrer), not to a browser:\n{}"
                      "Crawler's title: {}\nBrowser's title: {}\n",
                      MatchList(cloaked), Cut(bot.title, 300), Cut(now.title, 300)));
    } else if (crawler->final_url != page.final_url ||
               crawler->offsite_redirect != page.offsite_redirect || bot.refresh != now.refresh ||
               bot.title != now.title || similarity < options.min_cloak_similarity) {
      Add(out, "cloaking",
          fmt::format("{}: a search-engine crawler is shown another page than a browser "
                      "(text similarity {:.2f})",
                      page.url, similarity),
          fmt::format("Crawler: {} title '{}' refresh '{}' redirect '{}'\n  text: {}\nBrowser: {} "
                      "title '{}' refresh '{}' redirect '{}'\n  text: {}\n",
                      crawler->final_url, Cut(bot.title, 300), Cut(bot.refresh, 300),
                      Cut(crawler->offsite_redirect, 300), Cut(bot.text, 600), page.final_url,
                      Cut(now.title, 300), Cut(now.refresh, 300), Cut(page.offsite_redirect, 300),
                      Cut(now.text, 600)));
    }
  }

  if (baseline == nullptr) return out;

  if (baseline->title != now.title) {
    Add(out, "title_changed",
        fmt::format("{}: title changed from '{}' to '{}'", page.url, Cut(baseline->title, 100),
                    Cut(now.title, 100)),
        fmt::format("Baseline title: {}\nTitle now: {}\n", Cut(baseline->title, 1000),
                    Cut(now.title, 1000)));
  }

  const double similarity = TextSimilarity(baseline->text, now.text);
  if (similarity < options.min_text_similarity) {
    Add(out, "content_changed",
        fmt::format("{}: visible text is {:.0f}% like the baseline's (alert below {:.0f}%)",
                    page.url, similarity * 100, options.min_text_similarity * 100),
        fmt::format("Similarity {:.3f}\nBaseline text: {}\nText now: {}\n", similarity,
                    Cut(baseline->text, 1500), Cut(now.text, 1500)));
  }

  const std::string page_host = UrlHost(page.final_url);
  auto new_sources = [&](const std::vector<std::string>& was, const std::vector<std::string>& is,
                         bool external_only) {
    std::set<std::string> known;
    for (const std::string& s : was) known.insert(SourceKey(s));
    std::vector<std::string> added;
    for (const std::string& s : is) {
      const std::string host = SourceHost(s);
      if (external_only && (host.empty() || host == page_host)) continue;
      if (known.count(SourceKey(s)) == 0) added.push_back(s);
    }
    return added;
  };
  auto listed = [](const std::vector<std::string>& items) {
    std::string s;
    for (size_t i = 0; i < items.size() && i < kMaxListed; ++i)
      s += "- " + Cut(items[i], 500) + "\n";
    if (items.size() > kMaxListed) s += fmt::format("... and {} more\n", items.size() - kMaxListed);
    return s;
  };
  if (auto added = new_sources(baseline->scripts, now.scripts, true); !added.empty()) {
    Add(out, "new_script",
        fmt::format("{}: {} new external script{} ({})", page.url, added.size(),
                    added.size() == 1 ? "" : "s", Cut(added[0], 200)),
        "Scripts loaded from other sites that the baseline did not load:\n" + listed(added));
  }
  if (auto added = new_sources(baseline->iframes, now.iframes, false); !added.empty()) {
    Add(out, "new_iframe",
        fmt::format("{}: {} new iframe{} ({})", page.url, added.size(),
                    added.size() == 1 ? "" : "s", Cut(added[0], 200)),
        "Frames the baseline did not have:\n" + listed(added));
  }

  std::unordered_set<std::string> known_hidden;
  for (const PageLink& l : baseline->links) {
    if (l.hidden) known_hidden.insert(LinkKey(l.href));
  }
  std::vector<const PageLink*> hidden;
  std::unordered_set<std::string> listed_keys;
  for (const PageLink& l : now.links) {
    if (!l.hidden || l.href.empty() || l.href.starts_with("#")) continue;
    const std::string key = LinkKey(l.href);
    if (known_hidden.count(key) > 0 || !listed_keys.insert(key).second) continue;
    hidden.push_back(&l);
  }
  if (!hidden.empty()) {
    std::string evidence = "Links a reader cannot see, which the baseline did not have:\n";
    for (size_t i = 0; i < hidden.size() && i < kMaxListed; ++i) {
      evidence += fmt::format("- {} \"{}\" ({})\n", Cut(hidden[i]->href, 500),
                              Cut(hidden[i]->text, 200), hidden[i]->hidden_by);
    }
    if (hidden.size() > kMaxListed) {
      evidence += fmt::format("... and {} more\n", hidden.size() - kMaxListed);
    }
    Add(out, "hidden_link",
        fmt::format("{}: {} new hidden link{} ({}, {})", page.url, hidden.size(),
                    hidden.size() == 1 ? "" : "s", Cut(hidden[0]->href, 200), hidden[0]->hidden_by),
        evidence);
  }
  return out;
}

}  // namespace pantau
