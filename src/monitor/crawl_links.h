// Which internal pages of a monitored site the crawl may read (site_monitor.h): the page URLs
// that a registered page links to and that the site's sitemap.xml lists, each resolved against
// the page it was read on and kept only when it stays on the same host and port, over http or
// https, and looks like a page (not an image, archive, document or a logout link). Injected
// gambling content often sits on deep pages that no registered URL shows.
//
// The input is the attacker's: every output is bounded, and nothing here fetches anything.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/html_summary.h"

namespace pantau {

// The absolute URL of `href` as read on the page `base`, without its fragment, when it is a page
// of the same host and port as `base` over http or https; nullopt otherwise.
std::optional<std::string> InternalPageUrl(std::string_view base, std::string_view href);

// The distinct internal page URLs of `page`'s links (InternalPageUrl), in page order, at most
// `max`; `base` itself is left out.
std::vector<std::string> InternalLinks(std::string_view base, const PageSummary& page, size_t max);

// The <loc> entries of a sitemap (or a sitemap index), entities and CDATA undone, trimmed, at
// most `max`, in the file's order. Reads only the first `max_bytes` of `xml`.
std::vector<std::string> SitemapLocations(std::string_view xml, size_t max,
                                          size_t max_bytes = size_t{1} << 20);

// "scheme://host[:port]/sitemap.xml" of the site `url` is on; empty when it is not an absolute
// http(s) URL.
std::string SitemapUrl(std::string_view url);

}  // namespace pantau
