#include "monitor/crawl_links.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>
#include <set>

namespace pantau {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

std::string Part(CURLU* u, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(u, part, &text, 0) != CURLUE_OK || text == nullptr) return "";
  std::string out(text);
  curl_free(text);
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The port a URL talks to, its scheme's default when it names none.
std::string PortOf(CURLU* u) {
  char* text = nullptr;
  if (curl_url_get(u, CURLUPART_PORT, &text, CURLU_DEFAULT_PORT) != CURLUE_OK || !text) return "";
  std::string out(text);
  curl_free(text);
  return out;
}

// Files that are not pages, and links whose following could change something for the site's
// users (a crawl only reads, but a GET to a logout link still logs a session out).
bool LooksLikePage(std::string_view path) {
  const std::string p = Lower(std::string(path));
  static constexpr std::array<std::string_view, 24> kNotPages = {
      ".pdf", ".jpg",  ".jpeg", ".png",  ".gif", ".webp", ".svg", ".ico",
      ".css", ".js",   ".zip",  ".rar",  ".7z",  ".gz",   ".doc", ".docx",
      ".xls", ".xlsx", ".ppt",  ".pptx", ".mp3", ".mp4",  ".xml", ".apk"};
  for (std::string_view ext : kNotPages) {
    if (p.size() >= ext.size() && p.compare(p.size() - ext.size(), ext.size(), ext) == 0) {
      return false;
    }
  }
  return p.find("logout") == std::string::npos && p.find("wp-login") == std::string::npos &&
         p.find("wp-admin") == std::string::npos;
}

bool StartsWithNoCase(std::string_view text, size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  }
  return true;
}

std::string Trim(std::string_view s) {
  const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// The five XML entities and numeric references below 128; others are left as written, since a
// URL's own characters are ASCII once percent-encoded.
std::string DecodeXmlText(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 8) {
      out += s[i];
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    char c = 0;
    if (name == "amp") c = '&';
    if (name == "lt") c = '<';
    if (name == "gt") c = '>';
    if (name == "quot") c = '"';
    if (name == "apos") c = '\'';
    if (name.size() > 1 && name[0] == '#') {
      int v = 0;
      const bool hex = name[1] == 'x' || name[1] == 'X';
      bool ok = name.size() > (hex ? 2u : 1u);
      for (char d : name.substr(hex ? 2 : 1)) {
        const int digit = std::isdigit(static_cast<unsigned char>(d)) ? d - '0'
                          : hex && std::isxdigit(static_cast<unsigned char>(d))
                              ? std::tolower(static_cast<unsigned char>(d)) - 'a' + 10
                              : -1;
        if (digit < 0 || v > 1000) {
          ok = false;
          break;
        }
        v = v * (hex ? 16 : 10) + digit;
      }
      if (ok && v > 32 && v < 127) c = static_cast<char>(v);
    }
    if (c == 0) {
      out += s[i];
      continue;
    }
    out += c;
    i = semi;
  }
  return out;
}

}  // namespace

std::optional<std::string> InternalPageUrl(std::string_view base, std::string_view href) {
  const std::string link = Trim(href);
  if (link.empty() || link.front() == '#' || link.size() > 2048) return std::nullopt;
  UrlHandle b(curl_url());
  if (!b || curl_url_set(b.get(), CURLUPART_URL, std::string(base).c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  UrlHandle u(curl_url_dup(b.get()));
  // Relative to the page, as a browser resolves it; a link with a scheme replaces the base.
  if (!u || curl_url_set(u.get(), CURLUPART_URL, link.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  const std::string scheme = Lower(Part(u.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  if (!Part(u.get(), CURLUPART_USER).empty()) return std::nullopt;
  if (Lower(Part(u.get(), CURLUPART_HOST)) != Lower(Part(b.get(), CURLUPART_HOST)) ||
      PortOf(u.get()) != PortOf(b.get())) {
    return std::nullopt;
  }
  if (!LooksLikePage(Part(u.get(), CURLUPART_PATH))) return std::nullopt;
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  // Host names are case-insensitive: one page is one URL.
  curl_url_set(u.get(), CURLUPART_HOST, Lower(Part(u.get(), CURLUPART_HOST)).c_str(), 0);
  std::string out = Part(u.get(), CURLUPART_URL);
  if (out.empty()) return std::nullopt;
  return out;
}

std::vector<std::string> InternalLinks(std::string_view base, const PageSummary& page, size_t max) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  if (auto self = InternalPageUrl(base, base)) seen.insert(*self);
  for (const PageLink& link : page.links) {
    if (out.size() >= max) break;
    auto url = InternalPageUrl(base, link.href);
    if (url && seen.insert(*url).second) out.push_back(std::move(*url));
  }
  return out;
}

std::vector<std::string> SitemapLocations(std::string_view xml, size_t max, size_t max_bytes) {
  xml = xml.substr(0, std::min(xml.size(), max_bytes));
  std::vector<std::string> out;
  size_t at = 0;
  while (out.size() < max) {
    size_t open = std::string_view::npos;
    for (size_t i = xml.find('<', at); i != std::string_view::npos; i = xml.find('<', i + 1)) {
      if (StartsWithNoCase(xml, i, "<loc>")) {
        open = i;
        break;
      }
    }
    if (open == std::string_view::npos) break;
    const size_t start = open + 5;
    size_t close = std::string_view::npos;
    for (size_t i = xml.find('<', start); i != std::string_view::npos; i = xml.find('<', i + 1)) {
      if (StartsWithNoCase(xml, i, "</loc>")) {
        close = i;
        break;
      }
    }
    if (close == std::string_view::npos) break;
    std::string text = Trim(xml.substr(start, close - start));
    if (text.starts_with("<![CDATA[") && text.ends_with("]]>")) {
      text = Trim(std::string_view(text).substr(9, text.size() - 12));
    } else {
      text = DecodeXmlText(text);
    }
    if (!text.empty() && text.size() <= 2048) out.push_back(std::move(text));
    at = close + 6;
  }
  return out;
}

std::string SitemapUrl(std::string_view url) {
  UrlHandle u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK) {
    return "";
  }
  const std::string scheme = Lower(Part(u.get(), CURLUPART_SCHEME));
  if (scheme != "http" && scheme != "https") return "";
  curl_url_set(u.get(), CURLUPART_PATH, "/sitemap.xml", 0);
  curl_url_set(u.get(), CURLUPART_QUERY, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(u.get(), CURLUPART_PASSWORD, nullptr, 0);
  return Part(u.get(), CURLUPART_URL);
}

}  // namespace pantau
