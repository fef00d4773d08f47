#include "notify/mail_message.h"

#include <fmt/format.h>
#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "core/time.h"

namespace pantau {
namespace {

constexpr size_t kFoldAt = 78;            // RFC 5322's recommended line length
constexpr size_t kEncodedWordBytes = 42;  // 56 base64 characters: a 68-character encoded word
constexpr size_t kMaxRecipients = 100;
constexpr size_t kMaxFilenameBytes = 255;
constexpr char kHex[] = "0123456789ABCDEF";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext.
bool IsAtext(char c) {
  return IsAsciiAlnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string::npos;
}

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The length of the UTF-8 sequence starting at s[i] and its code point, or 0 when it is not
// well-formed (overlong forms, surrogates and values past U+10FFFF are not).
size_t Utf8Sequence(std::string_view s, size_t i, uint32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  size_t n = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

Status CheckUtf8(std::string_view field, std::string_view s) {
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8Sequence(s, i, cp);
    if (n == 0) {
      return InvalidArgument(fmt::format("{}: is not valid UTF-8 (at byte {})", field, i));
    }
    i += n;
  }
  return Status::Ok();
}

// A header value must be one line of UTF-8 text: no CR or LF (which would start a new header or
// the body), nor any other control character.
Status CheckHeaderText(std::string_view field, std::string_view s) {
  uint32_t cp = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8Sequence(s, i, cp);
    if (n == 0) {
      return InvalidArgument(fmt::format("{}: is not valid UTF-8 (at byte {})", field, i));
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
      return InvalidArgument(fmt::format(
          "{}: holds a control character (U+{:04X}, at byte {}); a header value must be one line "
          "of text without line breaks or tabs",
          field, cp, i));
    }
    i += n;
  }
  return Status::Ok();
}

// `s` with every byte that is not printable ASCII shown as '?', for error messages.
std::string Printable(std::string_view s) {
  std::string out(s.substr(0, 200));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
  }
  return out;
}

std::string_view DomainOf(std::string_view address) {
  return address.substr(address.rfind('@') + 1);
}

// Joins `atoms` with single spaces after "Name: ", replacing a space by CRLF SP (folding) where
// the line would pass 78 columns. Unfolding (removing the CRLFs) gives back the joined atoms.
std::string FoldedHeader(std::string_view name, const std::vector<std::string>& atoms) {
  std::string out = std::string(name) + ":";
  size_t line = out.size();
  for (size_t i = 0; i < atoms.size(); ++i) {
    if (i > 0 && line + 1 + atoms[i].size() > kFoldAt) {
      out += "\r\n";
      line = 0;
    }
    out += ' ';
    out += atoms[i];
    line += 1 + atoms[i].size();
  }
  return out + "\r\n";
}

std::string Base64(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  const auto byte = [&](size_t k) {
    return static_cast<uint32_t>(static_cast<unsigned char>(data[k]));
  };
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
  }
  if (i + 1 == data.size()) {
    const uint32_t v = byte(i) << 16;
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// RFC 2047 "B" encoded words of UTF-8 text, each whole characters of at most 42 bytes.
std::vector<std::string> EncodedWords(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  uint32_t cp = 0;
  while (start < text.size()) {
    size_t end = start;
    while (end < text.size()) {
      const size_t n = std::max<size_t>(1, Utf8Sequence(text, end, cp));
      if (end + n - start > kEncodedWordBytes) break;
      end += n;
    }
    words.push_back("=?UTF-8?B?" + Base64(text.substr(start, end - start)) + "?=");
    start = end;
  }
  return words;
}

// Whether ASCII text may appear as is in an unstructured header: no word so long that it could
// not be folded, and nothing a reader would take for an encoded word.
bool PlainUnstructured(std::string_view text) {
  if (!IsAscii(text) || text.find("=?") != std::string_view::npos) return false;
  size_t word = 0;
  for (char c : text) {
    word = c == ' ' ? 0 : word + 1;
    if (word > 900) return false;
  }
  return true;
}

// The atoms of a subject: its words (splitting at each space keeps runs of spaces), or encoded
// words when it is not plain ASCII.
std::vector<std::string> SubjectAtoms(std::string_view subject) {
  if (!PlainUnstructured(subject)) return EncodedWords(subject);
  std::vector<std::string> atoms;
  size_t start = 0;
  while (true) {
    const size_t space = subject.find(' ', start);
    atoms.emplace_back(subject.substr(start, space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  return atoms;
}

// A display name as atoms of a phrase: as is when it is atext words, a quoted string when it is
// other printable ASCII, encoded words otherwise.
std::vector<std::string> PhraseAtoms(std::string_view name) {
  if (!PlainUnstructured(name)) return EncodedWords(name);
  const bool atext_words =
      std::all_of(name.begin(), name.end(), [](char c) { return IsAtext(c) || c == ' '; }) &&
      !name.starts_with(' ') && !name.ends_with(' ') && name.find("  ") == std::string::npos;
  if (atext_words) return SubjectAtoms(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return {quoted + "\""};
}

Status CheckAddress(std::string_view field, const MailAddress& a) {
  RETURN_IF_ERROR(CheckHeaderText(std::string(field) + ".name", a.name));
  if (!IsMailAddress(a.address)) {
    return InvalidArgument(fmt::format(
        "{}.address: '{}' is not an email address Pantau sends to (local@domain.tld, ASCII only; "
        "see notify/mail_message.h)",
        field, Printable(a.address)));
  }
  return Status::Ok();
}

void AppendMailboxAtoms(const MailAddress& a, bool last, std::vector<std::string>& atoms) {
  std::string addr = a.name.empty() ? a.address : "<" + a.address + ">";
  if (!last) addr += ',';
  if (!a.name.empty()) {
    for (std::string& atom : PhraseAtoms(a.name)) atoms.push_back(std::move(atom));
  }
  atoms.push_back(std::move(addr));
}

std::string AddressHeader(std::string_view name, const std::vector<MailAddress>& list) {
  std::vector<std::string> atoms;
  for (size_t i = 0; i < list.size(); ++i) AppendMailboxAtoms(list[i], i + 1 == list.size(), atoms);
  return FoldedHeader(name, atoms);
}

bool IsTokenChar(char c) {
  return c > 0x20 && c < 0x7F && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string::npos;
}

bool IsMimeType(std::string_view t) {
  const size_t slash = t.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == t.size() || t.size() > 127) {
    return false;
  }
  for (size_t i = 0; i < t.size(); ++i) {
    if (i != slash && !IsTokenChar(t[i])) return false;
  }
  return true;
}

// RFC 2231 attribute-char: what a parameter value may hold without percent-encoding.
bool IsAttributeChar(char c) {
  return IsAsciiAlnum(c) || std::string_view("!#$&+-.^_`|~").find(c) != std::string::npos;
}

// `; name="value"` when the value is short, simple ASCII; otherwise RFC 2231's
// `; name*0*=UTF-8''...` continuations of at most about 60 characters each.
std::string FilenameParameter(std::string_view name, std::string_view value) {
  const bool simple = value.size() <= 60 && std::all_of(value.begin(), value.end(), [](char c) {
                        return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
                      });
  if (simple) return fmt::format(";\r\n {}=\"{}\"", name, value);
  std::string encoded;
  for (char c : value) {
    if (IsAttributeChar(c)) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[static_cast<unsigned char>(c) >> 4];
      encoded += kHex[static_cast<unsigned char>(c) & 15];
    }
  }
  if (encoded.size() <= 50) return fmt::format(";\r\n {}*=UTF-8''{}", name, encoded);
  std::string out;
  size_t start = 0;
  for (int part = 0; start < encoded.size(); ++part) {
    size_t end = std::min(encoded.size(), start + 50);
    // Never cut a %XX in two.
    if (end < encoded.size() && end >= 1 && encoded[end - 1] == '%') end -= 1;
    if (end < encoded.size() && end >= 2 && encoded[end - 2] == '%') end -= 2;
    out += fmt::format(";\r\n {}*{}*={}{}", name, part, part == 0 ? "UTF-8''" : "",
                       encoded.substr(start, end - start));
    start = end;
  }
  return out;
}

Status CheckAttachment(std::string_view field, const MailAttachment& a) {
  const std::string name_field = std::string(field) + ".filename";
  RETURN_IF_ERROR(CheckHeaderText(name_field, a.filename));
  if (a.filename.empty() || a.filename.size() > kMaxFilenameBytes) {
    return InvalidArgument(name_field + ": must be 1 to 255 bytes");
  }
  if (a.filename.find_first_of("/\\") != std::string::npos || a.filename == "." ||
      a.filename == "..") {
    return InvalidArgument(name_field + ": must be a file name, not a path");
  }
  if (!IsMimeType(a.content_type)) {
    return InvalidArgument(fmt::format("{}.content_type: '{}' is not a MIME type (type/subtype)",
                                       field, Printable(a.content_type)));
  }
  return Status::Ok();
}

bool IsToken(std::string_view token) {
  return !token.empty() && token.size() <= 60 &&
         std::all_of(token.begin(), token.end(),
                     [](char c) { return IsAsciiAlnum(c) || c == '.' || c == '-' || c == '_'; });
}

}  // namespace

bool IsMailAddress(std::string_view address) {
  if (address.size() > 254) return false;
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!IsAtext(c) && c != '.') return false;
  }
  if (domain.empty() || domain.size() > 253) return false;
  int labels = 0;
  size_t start = 0;
  while (start <= domain.size()) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    const std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-') return false;
    }
    ++labels;
    start = dot + 1;
  }
  return labels >= 2;
}

Result<MailAddress> ParseMailbox(std::string_view text, std::string_view what) {
  MailAddress a;
  const size_t lt = text.rfind('<');
  if (lt != std::string_view::npos && text.ends_with('>')) {
    std::string_view name = text.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
      name = name.substr(1, name.size() - 2);
    }
    a.name = std::string(name);
    a.address = std::string(text.substr(lt + 1, text.size() - lt - 2));
  } else {
    a.address = std::string(text);
  }
  RETURN_IF_ERROR(CheckAddress(what, a));
  return a;
}

std::string NewMessageToken() {
  std::array<unsigned char, 16> bytes{};
  size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n <= 0) continue;  // EINTR; getrandom does not fail otherwise once the pool is ready
    got += static_cast<size_t>(n);
  }
  std::string out;
  for (unsigned char b : bytes) {
    out += static_cast<char>(std::tolower(kHex[b >> 4]));
    out += static_cast<char>(std::tolower(kHex[b & 15]));
  }
  return out;
}

std::string MailDate(TimeNs t) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = t / kNsPerSecond;
  if (t % kNsPerSecond < 0) --secs;
  int64_t days = secs / 86400;
  int64_t in_day = secs % 86400;
  if (in_day < 0) {
    in_day += 86400;
    --days;
  }
  const CivilDate d = CivilFromDays(days);
  const int64_t weekday = ((days % 7) + 7) % 7;  // 1970-01-01 was a Thursday
  return fmt::format("{}, {:02d} {} {} {:02d}:{:02d}:{:02d} +0000", kDays[weekday], d.day,
                     kMonths[d.month - 1], d.year, in_day / 3600, in_day / 60 % 60, in_day % 60);
}

std::string EncodeBase64Lines(std::string_view data) {
  std::string out;
  for (size_t i = 0; i < data.size(); i += 57) {
    out += Base64(data.substr(i, 57));
    out += "\r\n";
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    // Encode the line, then cut it into pieces of at most 75 characters plus a soft break '='.
    std::vector<std::string> units;
    for (size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      const bool at_end = i + 1 == line.size();
      const bool literal =
          (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_end);
      // A leading '.' (SMTP's end of data, if a relay forgets to dot-stuff) and the 'F' of a
      // leading "From " (mbox) are encoded too.
      const bool guarded = i == 0 && (c == '.' || (c == 'F' && line.starts_with("From ")));
      if (literal && !guarded) {
        units.emplace_back(1, c);
      } else {
        const auto b = static_cast<unsigned char>(c);
        units.push_back({'=', kHex[b >> 4], kHex[b & 15]});
      }
    }
    size_t width = 0;
    for (const std::string& u : units) {
      if (width + u.size() > 75) {
        out += "=\r\n";
        width = 0;
      }
      out += u;
      width += u.size();
    }
    if (last) break;
    out += "\r\n";
    start = end + 1;
  }
  return out;
}

Result<BuiltMail> BuildMail(const MailMessage& m, TimeNs date, std::string_view token) {
  if (!IsToken(token)) {
    return InvalidArgument("message token: must be 1 to 60 letters, digits, '.', '-' or '_'");
  }
  RETURN_IF_ERROR(CheckAddress("from", m.from));
  if (m.to.empty()) return InvalidArgument("to: a message needs at least one recipient");
  if (m.to.size() + m.cc.size() > kMaxRecipients) {
    return InvalidArgument(fmt::format("to, cc: at most {} recipients", kMaxRecipients));
  }
  BuiltMail built;
  built.envelope_from = m.from.address;
  for (const auto& [list, name] : {std::pair{&m.to, "to"}, std::pair{&m.cc, "cc"}}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const MailAddress& a = (*list)[i];
      RETURN_IF_ERROR(CheckAddress(fmt::format("{}[{}]", name, i), a));
      if (std::find(built.recipients.begin(), built.recipients.end(), a.address) ==
          built.recipients.end()) {
        built.recipients.push_back(a.address);
      }
    }
  }
  RETURN_IF_ERROR(CheckHeaderText("subject", m.subject));
  RETURN_IF_ERROR(CheckUtf8("body", m.body));
  for (size_t i = 0; i < m.attachments.size(); ++i) {
    RETURN_IF_ERROR(CheckAttachment(fmt::format("attachments[{}]", i), m.attachments[i]));
  }

  built.message_id = fmt::format("<{}@{}>", token, DomainOf(m.from.address));
  std::string& out = built.data;
  out += "Date: " + MailDate(date) + "\r\n";
  out += AddressHeader("From", {m.from});
  out += AddressHeader("To", m.to);
  if (!m.cc.empty()) out += AddressHeader("Cc", m.cc);
  out += m.subject.empty() ? std::string("Subject:\r\n")
                           : FoldedHeader("Subject", SubjectAtoms(m.subject));
  out += "Message-ID: " + built.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";

  const std::string text_headers =
      "Content-Type: text/plain; charset=UTF-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n";
  std::string body = EncodeQuotedPrintable(m.body);
  if (!body.ends_with("\r\n")) body += "\r\n";
  if (m.attachments.empty()) {
    out += text_headers + "\r\n" + body;
    return built;
  }
  const std::string boundary = "=_pantau_" + std::string(token);
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is a MIME message with attachments.\r\n";
  out += "\r\n--" + boundary + "\r\n" + text_headers + "\r\n" + body;
  for (const MailAttachment& a : m.attachments) {
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: " + a.content_type + "\r\n";
    out += "Content-Disposition: attachment" + FilenameParameter("filename", a.filename) + "\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += EncodeBase64Lines(a.data);
  }
  out += "\r\n--" + boundary + "--\r\n";
  return built;
}

}  // namespace pantau
