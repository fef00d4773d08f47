#include "monitor/html_summary.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace pantau {
namespace {

constexpr size_t kMaxTitleBytes = 1000;
constexpr size_t kMaxLinkTextBytes = 300;
constexpr size_t kMaxMetaBytes = 4000;
constexpr size_t kMaxAttributes = 64;
constexpr size_t kMaxHidingClasses = 1000;
// Offsets this far out of the page put text where no reader sees it; smaller negative margins
// are ordinary layout.
constexpr double kOffscreenPx = 500;
constexpr double kOffscreenEm = 30;

char LowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = LowerAscii(c);
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Position of `needle` (lower case) in `hay` from `from`, without regard to ASCII case.
size_t FindNoCase(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty() || hay.size() < needle.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (LowerAscii(hay[i]) != needle[0]) continue;
    size_t k = 1;
    while (k < needle.size() && LowerAscii(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The character references that matter for reading text: numeric ones (spam hides words as
// &#115;&#108;&#111;&#116;) and the common named ones. Unknown names stay as written.
std::string DecodeEntities(std::string_view s) {
  static const std::unordered_map<std::string_view, std::string_view> kNamed = {
      {"amp", "&"},         {"lt", "<"},         {"gt", ">"},         {"quot", "\""},
      {"apos", "'"},        {"nbsp", " "},       {"copy", "\u00A9"},  {"reg", "\u00AE"},
      {"hellip", "\u2026"}, {"mdash", "\u2014"}, {"ndash", "\u2013"}, {"laquo", "\u00AB"},
      {"raquo", "\u00BB"},  {"lsquo", "\u2018"}, {"rsquo", "\u2019"}, {"ldquo", "\u201C"},
      {"rdquo", "\u201D"}};
  if (s.find('&') == std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '&') {
      out += s[i++];
      continue;
    }
    size_t j = i + 1;
    if (j < s.size() && s[j] == '#') {
      ++j;
      const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
      if (hex) ++j;
      const size_t digits = j;
      uint32_t cp = 0;
      while (j < s.size() && j - digits < 8 &&
             (IsDigit(s[j]) || (hex && std::isxdigit(static_cast<unsigned char>(s[j]))))) {
        const char c = LowerAscii(s[j]);
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(IsDigit(c) ? c - '0' : c - 'a' + 10);
        ++j;
      }
      if (j == digits) {
        out += s[i++];
        continue;
      }
      if (j < s.size() && s[j] == ';') ++j;
      AppendUtf8(out, cp);
      i = j;
      continue;
    }
    while (j < s.size() && j - i <= 10 && (IsAlpha(s[j]) || IsDigit(s[j]))) ++j;
    const std::string name = Lower(s.substr(i + 1, j - i - 1));
    const auto it = kNamed.find(name);
    if (it == kNamed.end()) {
      out += s[i++];
      continue;
    }
    if (j < s.size() && s[j] == ';') ++j;
    out += it->second;
    i = j;
  }
  return out;
}

// Characters that show nothing: spam splits words with them to slip past keyword lists.
size_t InvisibleCharAt(std::string_view s, size_t i) {
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2) {
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    const auto b2 = static_cast<unsigned char>(s[i + 2]);
    if (b1 == 0x80 && b2 >= 0x8B && b2 <= 0x8D) return 3;  // zero-width space, (non-)joiner
    if (b1 == 0x81 && b2 == 0xA0) return 3;                // word joiner
  }
  if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xEF &&
      static_cast<unsigned char>(s[i + 1]) == 0xBB &&
      static_cast<unsigned char>(s[i + 2]) == 0xBF) {
    return 3;  // zero-width no-break space
  }
  return 0;
}

// Drops a UTF-8 sequence cut short at the end of `s`.
void TrimIncompleteUtf8(std::string& s) {
  size_t back = 0;
  while (back < 4 && back < s.size() &&
         (static_cast<unsigned char>(s[s.size() - 1 - back]) & 0xC0) == 0x80) {
    ++back;
  }
  if (back < s.size()) {
    const auto lead = static_cast<unsigned char>(s[s.size() - 1 - back]);
    const size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (need != back + 1 && lead >= 0xC0) s.resize(s.size() - 1 - back);
  }
}

// Appends text with runs of whitespace made one space; false when `max` was reached.
bool AppendText(std::string& out, std::string_view text, size_t max) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max) {
      TrimIncompleteUtf8(out);
      return false;
    }
    if (const size_t skip = InvisibleCharAt(text, i); skip > 0) {
      i += skip - 1;
      continue;
    }
    const char c = text[i];
    if (IsSpace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

void Separate(std::string& out) {
  if (!out.empty() && out.back() != ' ') out += ' ';
}

std::string Collapsed(std::string_view text, size_t max) {
  std::string out;
  AppendText(out, DecodeEntities(text), max);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// A CSS length: its number and unit ("-9999px" -> -9999, "px"); false when it is none.
bool ParseLength(std::string_view v, double& number, std::string& unit) {
  const char* begin = v.data();
  const char* end = v.data() + v.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, number);
  if (ec != std::errc()) return false;
  unit.assign(ptr, end);
  return true;
}

bool IsZeroLength(std::string_view v) {
  double n = 0;
  std::string unit;
  return ParseLength(v, n, unit) && n == 0;
}

// Far to the left or top of the page: "-9999px", "-100em".
bool IsFarNegative(std::string_view v) {
  double n = 0;
  std::string unit;
  if (!ParseLength(v, n, unit) || n >= 0) return false;
  if (unit == "em" || unit == "rem" || unit == "vw" || unit == "vh" || unit == "%") {
    return -n >= (unit == "em" || unit == "rem" ? kOffscreenEm : 100);
  }
  return -n >= kOffscreenPx;  // px, pt, no unit
}

bool IsTinyFont(std::string_view v) {
  double n = 0;
  std::string unit;
  if (!ParseLength(v, n, unit)) return false;
  if (n <= 0) return true;
  return (unit == "px" || unit == "pt") && n < 2;
}

constexpr std::string_view kVoidElements[] = {"area",  "base",   "br",    "col",  "embed",
                                              "hr",    "img",    "input", "link", "meta",
                                              "param", "source", "track", "wbr"};
// Elements that sit inside a line: no word break at their edges ("<b>sl</b>ot" is "slot").
constexpr std::string_view kInlineElements[] = {
    "a",      "abbr", "b",   "bdi",   "bdo",  "cite", "code", "data", "dfn",    "em",
    "font",   "i",    "kbd", "label", "mark", "q",    "s",    "samp", "small",  "span",
    "strong", "sub",  "sup", "time",  "tt",   "u",    "var",  "big",  "strike", "nobr"};
// A new one of these closes an open one of the same name (an unclosed <li> or <p>).
constexpr std::string_view kSelfClosingSiblings[] = {"p",      "li", "dt", "dd",
                                                     "option", "tr", "td", "th"};
// These close an open <p>.
constexpr std::string_view kClosesParagraph[] = {
    "p",  "div", "ul",      "ol",      "table",  "h1",     "h2",      "h3",         "h4",
    "h5", "h6",  "section", "article", "header", "footer", "form",    "blockquote", "pre",
    "dl", "nav", "aside",   "main",    "figure", "hr",     "address", "fieldset",   "details"};

template <size_t N>
bool OneOf(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

struct Attribute {
  std::string name;   // lower case
  std::string value;  // entities decoded
};

const std::string* Find(const std::vector<Attribute>& attrs, std::string_view name) {
  for (const Attribute& a : attrs) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

struct OpenElement {
  std::string name;
  bool hidden = false;
  std::string hidden_by;
  int link = -1;  // the link whose text this element's text belongs to
};

class Summariser {
 public:
  Summariser(std::string_view html, const SummaryLimits& limits)
      : html_(html.substr(0, limits.max_input_bytes)), limits_(limits) {
    out_.truncated = html.size() > limits.max_input_bytes;
  }

  PageSummary Run() {
    size_t text_start = 0;
    size_t i = 0;
    while (i < html_.size()) {
      const size_t lt = html_.find('<', i);
      if (lt == std::string_view::npos) break;
      if (!IsMarkup(lt)) {  // the '<' is text
        i = lt + 1;
        continue;
      }
      // The text before the tag belongs to the elements open before it.
      Text(html_.substr(text_start, lt - text_start));
      i = text_start = Tag(lt);
    }
    Text(html_.substr(text_start));
    for (std::string* s : {&out_.text, &out_.hidden_text, &out_.meta}) {
      while (!s->empty() && s->back() == ' ') s->pop_back();
    }
    for (PageLink& l : out_.links) {
      while (!l.text.empty() && l.text.back() == ' ') l.text.pop_back();
    }
    return std::move(out_);
  }

 private:
  bool hidden() const { return !stack_.empty() && stack_.back().hidden; }
  int link() const { return stack_.empty() ? -1 : stack_.back().link; }

  void Text(std::string_view raw) {
    if (raw.empty()) return;
    const std::string text = DecodeEntities(raw);
    std::string& to = hidden() ? out_.hidden_text : out_.text;
    if (!AppendText(to, text, limits_.max_text_bytes)) out_.truncated = true;
    if (const int l = link(); l >= 0) {
      AppendText(out_.links[static_cast<size_t>(l)].text, text, kMaxLinkTextBytes);
    }
  }

  void Break() {
    Separate(hidden() ? out_.hidden_text : out_.text);
    if (const int l = link(); l >= 0) Separate(out_.links[static_cast<size_t>(l)].text);
  }

  bool IsMarkup(size_t lt) const {
    if (lt + 1 >= html_.size()) return false;
    const char c = html_[lt + 1];
    return c == '!' || c == '?' || c == '/' || IsAlpha(c);
  }

  // Reads the markup at `lt`; where reading goes on. REQUIRES: IsMarkup(lt).
  size_t Tag(size_t lt) {
    const std::string_view h = html_;
    const char c = h[lt + 1];
    if (c == '!') {
      if (h.substr(lt, 4) == "<!--") {
        const size_t end = h.find("-->", lt + 4);
        return end == std::string_view::npos ? h.size() : end + 3;
      }
      const size_t end = h.find('>', lt);
      return end == std::string_view::npos ? h.size() : end + 1;
    }
    if (c == '?') {
      const size_t end = h.find('>', lt);
      return end == std::string_view::npos ? h.size() : end + 1;
    }
    if (c == '/') {
      size_t j = lt + 2;
      while (j < h.size() && (IsAlpha(h[j]) || IsDigit(h[j]) || h[j] == '-' || h[j] == ':')) ++j;
      const std::string name = Lower(h.substr(lt + 2, j - lt - 2));
      const size_t end = h.find('>', j);
      if (!name.empty()) EndTag(name);
      return end == std::string_view::npos ? h.size() : end + 1;
    }
    size_t j = lt + 1;
    while (j < h.size() && !IsSpace(h[j]) && h[j] != '/' && h[j] != '>') ++j;
    const std::string name = Lower(h.substr(lt + 1, j - lt - 1));
    std::vector<Attribute> attrs;
    j = Attributes(j, attrs);
    if (j >= h.size()) return h.size();  // a tag cut off by the end of the page shows nothing
    return StartTag(name, attrs, j + 1);
  }

  // Reads attributes from `j` up to the tag's '>'; its position, or the page's end.
  size_t Attributes(size_t j, std::vector<Attribute>& attrs) {
    const std::string_view h = html_;
    while (j < h.size()) {
      while (j < h.size() && (IsSpace(h[j]) || h[j] == '/')) ++j;
      if (j >= h.size() || h[j] == '>') return j;
      const size_t name_start = j;
      ++j;  // a name may start with '='
      while (j < h.size() && !IsSpace(h[j]) && h[j] != '/' && h[j] != '>' && h[j] != '=') ++j;
      std::string_view name = h.substr(name_start, j - name_start);
      while (j < h.size() && IsSpace(h[j])) ++j;
      std::string_view value;
      if (j < h.size() && h[j] == '=') {
        ++j;
        while (j < h.size() && IsSpace(h[j])) ++j;
        if (j < h.size() && (h[j] == '"' || h[j] == '\'')) {
          const size_t close = h.find(h[j], j + 1);
          const size_t end = close == std::string_view::npos ? h.size() : close;
          value = h.substr(j + 1, end - j - 1);
          j = close == std::string_view::npos ? h.size() : close + 1;
        } else {
          const size_t start = j;
          while (j < h.size() && !IsSpace(h[j]) && h[j] != '>') ++j;
          value = h.substr(start, j - start);
        }
      }
      if (attrs.size() < kMaxAttributes) {
        std::string lower = Lower(name.substr(0, 64));
        if (Find(attrs, lower) == nullptr) {  // the first of a repeated attribute counts
          attrs.push_back(
              {std::move(lower), DecodeEntities(value.substr(0, limits_.max_attribute_bytes))});
        }
      }
    }
    return j;
  }

  // The content of a raw-text element (<script>, <style>, <title>...) from `from` to its end tag;
  // `next` is where reading goes on.
  std::string_view RawContent(std::string_view name, size_t from, size_t& next) {
    const std::string close = "</" + std::string(name);
    size_t at = from;
    while (true) {
      at = FindNoCase(html_, close, at);
      if (at == std::string_view::npos) {
        next = html_.size();
        return html_.substr(from);
      }
      const size_t after = at + close.size();
      // "</scripts" does not end a <script>.
      if (after >= html_.size() || IsSpace(html_[after]) || html_[after] == '>' ||
          html_[after] == '/') {
        const size_t gt = html_.find('>', after);
        next = gt == std::string_view::npos ? html_.size() : gt + 1;
        return html_.substr(from, at - from);
      }
      at = after;
    }
  }

  void AddSource(std::vector<std::string>& list, const std::string* src) {
    if (src == nullptr) return;
    const std::string_view s = Trim(*src);
    if (s.empty() || std::find(list.begin(), list.end(), s) != list.end()) return;
    if (list.size() >= limits_.max_sources) {
      out_.truncated = true;
      return;
    }
    list.emplace_back(s);
  }

  // Why this element hides what it holds, or "".
  std::string OwnHiding(std::string_view name, const std::vector<Attribute>& attrs) const {
    if (name == "noscript") return "noscript";
    if (name == "template") return "template";
    if (Find(attrs, "hidden") != nullptr) return "hidden attribute";
    if (const std::string* style = Find(attrs, "style")) {
      std::string why = HidingStyle(*style);
      if (!why.empty()) return why;
    }
    if (const std::string* classes = Find(attrs, "class"); classes && !hiding_classes_.empty()) {
      std::string_view rest = *classes;
      while (!rest.empty()) {
        while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
        size_t end = 0;
        while (end < rest.size() && !IsSpace(rest[end])) ++end;
        const std::string_view one = rest.substr(0, end);
        rest.remove_prefix(end);
        if (!one.empty() && hiding_classes_.count(std::string(one)) > 0) {
          return "class '" + std::string(one) + "' hidden by the page's style";
        }
      }
    }
    return "";
  }

  void Push(std::string name, std::string own_hiding, int link) {
    if (stack_.size() >= limits_.max_depth) {
      out_.truncated = true;
      return;
    }
    OpenElement e;
    e.name = std::move(name);
    e.hidden = hidden();
    e.hidden_by = e.hidden ? stack_.back().hidden_by : "";
    if (!e.hidden && !own_hiding.empty()) {
      e.hidden = true;
      e.hidden_by = std::move(own_hiding);
    }
    e.link = link;
    ++open_count_[e.name];
    stack_.push_back(std::move(e));
  }

  void Pop() {
    auto it = open_count_.find(stack_.back().name);
    if (it != open_count_.end() && --it->second == 0) open_count_.erase(it);
    stack_.pop_back();
  }

  // Closes the nearest open `name` and everything opened inside it; nothing when none is open.
  void PopTo(std::string_view name) {
    if (open_count_.find(std::string(name)) == open_count_.end()) return;
    while (!stack_.empty()) {
      const bool found = stack_.back().name == name;
      Pop();
      if (found) return;
    }
  }

  size_t StartTag(const std::string& name, const std::vector<Attribute>& attrs, size_t next) {
    if (name == "script" || name == "style" || name == "title" || name == "textarea" ||
        name == "xmp" || name == "iframe" || name == "noembed" || name == "noframes") {
      size_t after = next;
      const std::string_view content = RawContent(name, next, after);
      if (name == "script") {
        AddSource(out_.scripts, Find(attrs, "src"));
      } else if (name == "iframe") {
        AddSource(out_.iframes, Find(attrs, "src"));
      } else if (name == "style") {
        for (std::string& c : HidingClasses(content)) {
          if (hiding_classes_.size() >= kMaxHidingClasses) break;
          hiding_classes_.insert(std::move(c));
        }
      } else if (name == "title") {
        if (out_.title.empty()) out_.title = Collapsed(content, kMaxTitleBytes);
      } else {
        // The text of a textarea shows; that of the others only where the browser lacks a
        // feature, so it counts as hidden.
        Break();
        const std::string own = name == "textarea" ? OwnHiding(name, attrs) : name;
        Push(name, own, link());
        Text(content);
        PopTo(name);
        Break();
      }
      return after;
    }
    if (name == "plaintext") {  // the rest of the page is text
      Break();
      Text(html_.substr(next));
      return html_.size();
    }
    if (OneOf(kSelfClosingSiblings, name) && !stack_.empty() && stack_.back().name == name) Pop();
    if (OneOf(kClosesParagraph, name) && !stack_.empty() && stack_.back().name == "p") Pop();
    if (name == "a") PopTo("a");  // links do not nest
    if (!OneOf(kInlineElements, name)) Break();

    const std::string own = OwnHiding(name, attrs);
    const bool is_hidden = hidden() || !own.empty();
    int link_index = link();
    if (name == "a") {
      link_index = -1;
      if (const std::string* href = Find(attrs, "href")) {
        if (out_.links.size() < limits_.max_links) {
          PageLink l;
          l.href = std::string(Trim(*href));
          l.hidden = is_hidden;
          if (is_hidden) l.hidden_by = hidden() ? stack_.back().hidden_by : own;
          out_.links.push_back(std::move(l));
          link_index = static_cast<int>(out_.links.size() - 1);
        } else {
          out_.truncated = true;
        }
      }
    } else if (name == "frame") {
      AddSource(out_.iframes, Find(attrs, "src"));
    } else if (name == "meta") {
      const std::string* content = Find(attrs, "content");
      const std::string* meta_name = Find(attrs, "name");
      const std::string* equiv = Find(attrs, "http-equiv");
      if (content != nullptr && meta_name != nullptr) {
        const std::string n = Lower(*meta_name);
        if (n == "description" || n == "keywords") {
          Separate(out_.meta);
          AppendText(out_.meta, *content, kMaxMetaBytes);
        }
      }
      if (content != nullptr && equiv != nullptr && Lower(Trim(*equiv)) == "refresh" &&
          out_.refresh.empty()) {
        out_.refresh = Collapsed(content->substr(0, 2048), 2048);
      }
    }
    if (!OneOf(kVoidElements, name)) Push(name, own, link_index);
    return next;
  }

  void EndTag(const std::string& name) {
    if (!OneOf(kInlineElements, name)) Break();
    PopTo(name);
  }

  std::string_view html_;
  const SummaryLimits& limits_;
  PageSummary out_;
  std::vector<OpenElement> stack_;
  std::unordered_map<std::string, int> open_count_;  // open elements by name
  std::unordered_set<std::string> hiding_classes_;
};

}  // namespace

std::string HidingStyle(std::string_view style) {
  std::string display, visibility, opacity, font, offscreen, size, clip;
  bool positioned = false, overflow_hidden = false, zero_height = false, zero_width = false;
  std::string_view rest = style;
  while (!rest.empty()) {
    size_t semi = rest.find(';');
    if (semi == std::string_view::npos) semi = rest.size();
    const std::string_view decl = rest.substr(0, semi);
    rest.remove_prefix(std::min(rest.size(), semi + 1));
    const size_t colon = decl.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string prop = Lower(Trim(decl.substr(0, colon)));
    std::string value;
    for (char c : decl.substr(colon + 1)) {
      if (!IsSpace(c)) value += LowerAscii(c);
    }
    if (const size_t bang = value.find("!important"); bang != std::string::npos) {
      value.erase(bang);
    }
    if (prop == "display") {
      display = value == "none" ? "display:none" : "";
    } else if (prop == "visibility") {
      visibility = value == "hidden" || value == "collapse" ? "visibility:" + value : "";
    } else if (prop == "opacity") {
      opacity = IsZeroLength(value) ? "opacity:0" : "";
    } else if (prop == "font-size") {
      font = IsTinyFont(value) ? "font-size:" + value : "";
    } else if (prop == "position") {
      positioned = value == "absolute" || value == "fixed";
    } else if (prop == "left" || prop == "top" || prop == "right" || prop == "bottom") {
      if (IsFarNegative(value)) offscreen = prop + ":" + value;
    } else if (prop == "margin-left" || prop == "margin-top" || prop == "text-indent") {
      offscreen = IsFarNegative(value) ? prop + ":" + value : offscreen;
    } else if (prop == "overflow") {
      overflow_hidden = value == "hidden" || value == "clip";
    } else if (prop == "height" || prop == "max-height") {
      zero_height = IsZeroLength(value);
    } else if (prop == "width" || prop == "max-width") {
      zero_width = IsZeroLength(value);
    } else if (prop == "clip") {
      clip = value.starts_with("rect(0") ? "clip:" + value : "";
    }
  }
  if (!display.empty()) return display;
  if (!visibility.empty()) return visibility;
  if (!opacity.empty()) return opacity;
  if (!font.empty()) return font;
  // left, top, right and bottom move only a positioned element; margins and indents any.
  const bool needs_position = offscreen.starts_with("left") || offscreen.starts_with("top") ||
                              offscreen.starts_with("right") || offscreen.starts_with("bottom");
  if (!offscreen.empty() && (positioned || !needs_position)) {
    return "off-screen (" + offscreen + ")";
  }
  if ((zero_height || zero_width) && overflow_hidden) return "zero size with overflow:hidden";
  if (!clip.empty() && positioned) return clip;
  return "";
}

std::vector<std::string> HidingClasses(std::string_view css) {
  std::vector<std::string> out;
  // Comments out first, so that braces inside them do not count.
  std::string text;
  text.reserve(css.size());
  for (size_t i = 0; i < css.size();) {
    if (css.substr(i, 2) == "/*") {
      const size_t end = css.find("*/", i + 2);
      i = end == std::string_view::npos ? css.size() : end + 2;
      continue;
    }
    text += css[i++];
  }
  // Rules inside an at-rule (@media, @supports) hide only sometimes: a menu hidden on small
  // screens is not spam. They are skipped.
  int at_depth = 0;
  size_t i = 0;
  while (i < text.size() && out.size() < kMaxHidingClasses) {
    const size_t open = text.find_first_of("{}", i);
    if (open == std::string::npos) break;
    if (text[open] == '}') {
      if (at_depth > 0) --at_depth;
      i = open + 1;
      continue;
    }
    const std::string_view selectors = Trim(std::string_view(text).substr(i, open - i));
    if (selectors.starts_with("@")) {
      ++at_depth;
      i = open + 1;
      continue;
    }
    const size_t close = text.find('}', open + 1);
    const size_t end = close == std::string::npos ? text.size() : close;
    const std::string_view decls = std::string_view(text).substr(open + 1, end - open - 1);
    i = end + 1;
    if (at_depth > 0 || HidingStyle(decls).empty()) continue;
    std::string_view rest = selectors;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      if (comma == std::string_view::npos) comma = rest.size();
      const std::string_view one = Trim(rest.substr(0, comma));
      rest.remove_prefix(std::min(rest.size(), comma + 1));
      if (one.size() < 2 || one[0] != '.') continue;
      const bool simple = std::all_of(one.begin() + 1, one.end(), [](char c) {
        return IsAlpha(c) || IsDigit(c) || c == '-' || c == '_';
      });
      if (simple) out.emplace_back(one.substr(1));
    }
  }
  return out;
}

PageSummary SummarisePage(std::string_view html, const SummaryLimits& limits) {
  return Summariser(html, limits).Run();
}

}  // namespace pantau
