// What a monitored page shows and links to, read from its HTML: the title, the visible text, the
// text of hidden elements, links (each marked hidden when an inline style, the `hidden`
// attribute, a <noscript> or a class hidden by the page's own <style> keeps it from a reader's
// eyes), external scripts, iframes and a meta refresh. The site checker (site_monitor.h) compares
// it with the approved baseline (web_detections.h).
//
// The page is the attacker's: a small tolerant tokenizer, not a full HTML5 parser, reads it in one
// pass with every output bounded (bytes read, text kept, links, element depth). It never fails;
// what it could not read is text or skipped, and `truncated` says a bound was reached.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pantau {

struct PageLink {
  std::string href;  // as written, entities decoded, trimmed
  std::string text;  // the anchor's text, whitespace collapsed
  bool hidden = false;
  std::string hidden_by;  // why: "display:none", "off-screen (left:-9999px)", "hidden attribute"
};

struct PageSummary {
  std::string title;
  std::string text;         // visible text, whitespace collapsed to single spaces
  std::string hidden_text;  // text inside hidden elements
  std::string meta;         // <meta name=description|keywords> contents, space separated
  std::string refresh;      // <meta http-equiv=refresh> content; empty: none
  std::vector<PageLink> links;
  std::vector<std::string> scripts;  // src of <script src>, in page order, repeats dropped
  std::vector<std::string> iframes;  // src of <iframe> and <frame>, repeats dropped
  bool truncated = false;            // a bound was reached; the rest was not read
};

struct SummaryLimits {
  size_t max_input_bytes = size_t{2} << 20;
  size_t max_text_bytes = size_t{256} << 10;  // each of text and hidden_text
  size_t max_links = 2000;
  size_t max_sources = 500;  // scripts, and iframes
  size_t max_depth = 256;    // open elements tracked
  size_t max_attribute_bytes = 4096;
};

PageSummary SummarisePage(std::string_view html, const SummaryLimits& limits = {});

// Why an inline style keeps an element from view ("display:none", "off-screen (left:-9999px)",
// "font-size:0", ...), or "" when it does not. Declarations are read in order; a later one that
// shows the element again (display:block after display:none) wins.
std::string HidingStyle(std::string_view style);

// The class names that a <style> sheet hides with a rule whose selector is a single class
// (".promo{display:none}"); selectors of any other shape are ignored.
std::vector<std::string> HidingClasses(std::string_view css);

}  // namespace pantau
