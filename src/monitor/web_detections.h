// The website monitor's detections: one pure function that compares a page as fetched with the
// baseline an operator approved (and with what the same URL showed a search-engine crawler) and
// says what looks wrong, each finding with its evidence. Kinds, their rule ids and levels are in
// kWebFindingKinds; docs/monitoring.md explains each.
//
// WebTerms is the compiled pattern list (web_terms.txt or an admin's copy): online-gambling
// vocabulary and defacement signatures, matched without regard to case with RE2.
//
// Thread-safety: WebTerms is immutable after Compile and may be shared between threads; the
// functions are pure.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "monitor/html_summary.h"

namespace pantau {

struct WebFindingKind {
  std::string_view kind;  // the alert's monitor.kind
  std::string_view rule_id;
  std::string_view level;
  std::string_view title;  // the alert's rule title
};

// Every kind of finding the monitor raises, content and availability alike.
inline constexpr WebFindingKind kWebFindingKinds[] = {
    {"defacement", "pantau-monitor-defacement", "critical",
     "Website defaced (defacement signature)"},
    {"gambling", "pantau-monitor-gambling", "high", "Online-gambling content on a website"},
    {"cloaking", "pantau-monitor-cloaking", "critical",
     "Website shows search engines other content (cloaking)"},
    {"hidden_link", "pantau-monitor-hidden-link", "high", "New hidden links on a website"},
    {"new_script", "pantau-monitor-new-script", "high", "New external script on a website"},
    {"new_iframe", "pantau-monitor-new-iframe", "high", "New iframe on a website"},
    {"title_changed", "pantau-monitor-title-changed", "medium", "Website title replaced"},
    {"content_changed", "pantau-monitor-content-changed", "medium",
     "Website visible text changed from its baseline"},
    {"down", "pantau-monitor-down", "high", "Website down"},
    {"up", "pantau-monitor-up", "informational", "Website up again"},
    {"cert_expiring", "pantau-monitor-cert-expiring", "medium",
     "Website TLS certificate expires soon"},
    {"cert_invalid", "pantau-monitor-cert-invalid", "high", "Website TLS certificate not valid"},
    {"dns_changed", "pantau-monitor-dns-changed", "low",
     "Website host name resolves to other addresses (DNS changed)"},
};

// The kind's entry; REQUIRES: `kind` is one of kWebFindingKinds.
const WebFindingKind& FindingKind(std::string_view kind);

struct WebFinding {
  std::string kind;      // one of kWebFindingKinds
  std::string summary;   // one line for the operator
  std::string evidence;  // excerpts; bounded, plain text (escape it in any view)
};

// A pattern of the list and what it matched.
struct TermMatch {
  std::string pattern;
  std::string matched;  // the text matched, at most 200 bytes
  std::string excerpt;  // the text around it
  std::string where;    // "title", "text", "hidden text", "link", "meta"
};

class WebTerms {
 public:
  ~WebTerms();
  WebTerms(WebTerms&&) noexcept;
  WebTerms& operator=(WebTerms&&) noexcept;

  // Reads the list: sections [gambling] and [defacement], one RE2 pattern a line, `#` comments.
  // InvalidArgument names the line of a pattern RE2 refuses, or a line outside a section.
  static Result<WebTerms> Compile(std::string_view text, std::string_view source);
  // The built-in list (src/monitor/web_terms.txt, carried by the binary).
  static std::string_view BuiltinText();

  // Matches of the gambling (or defacement) patterns in what `page` shows and hides: one per
  // pattern that matched, at most `max` of them.
  std::vector<TermMatch> Gambling(const PageSummary& page, size_t max = 10) const;
  std::vector<TermMatch> Defacement(const PageSummary& page, size_t max = 10) const;

  size_t gambling_count() const { return gambling_.size(); }
  size_t defacement_count() const { return defacement_.size(); }

 private:
  WebTerms();
  struct List;
  std::vector<TermMatch> Match(const List& list, const PageSummary& page, size_t max) const;
  std::unique_ptr<List> gambling_list_, defacement_list_;
  std::vector<std::string> gambling_, defacement_;
};

// How much of the visible text two pages share, 0 (nothing) to 1 (the same): the Jaccard index of
// their sets of word 3-grams (single words for texts of fewer than three), over the first 20,000
// words of each, case and punctuation ignored. Two empty texts are the same.
double TextSimilarity(std::string_view a, std::string_view b);

struct DetectionOptions {
  // Visible text less similar than this to the baseline is a content change.
  double min_text_similarity = 0.5;
  // A crawler's view less similar than this to the browser's is cloaking.
  double min_cloak_similarity = 0.5;
};

// A page as fetched for the detections.
struct FetchedPage {
  std::string url;               // the URL asked for (the registered one)
  std::string final_url;         // after redirects followed
  std::string offsite_redirect;  // a redirect to another site, not followed; empty: none
  PageSummary summary;
};

// What looks wrong with `page`. `baseline` (null: none approved yet) turns on the comparisons
// with it; matches of the terms that the baseline already had are not findings, since an operator
// approved them (a news item about gambling arrests). `crawler` (null: not fetched or no answer)
// is the same URL fetched as a search-engine crawler.
std::vector<WebFinding> DetectWebFindings(const FetchedPage& page, const PageSummary* baseline,
                                          const FetchedPage* crawler, const WebTerms& terms,
                                          const DetectionOptions& options);

}  // namespace pantau
