// MailMessage: an email as Pantau sends it (the SOP's notification letter to a system's operator),
// and BuildMail, which turns it into RFC 5322 / MIME bytes ready for SMTP's DATA: headers, a
// UTF-8 text/plain body in quoted-printable and, when there are attachments, a multipart/mixed
// body with each attachment in base64 (76-column lines).
//
// Names, addresses, subjects and file names come partly from what people typed (a system's
// contacts in the registry, a case's title). BuildMail refuses, with an error naming the field,
// any header value holding a control character (CR, LF, NUL, TAB, DEL, C1) or bytes that are not
// UTF-8, so that no input can add a header or a recipient. Non-ASCII text in a header is written
// as RFC 2047 encoded words; a non-ASCII or long file name as RFC 2231 parameters.
//
// Addresses follow one simple rule (IsMailAddress): local@domain, ASCII only, where the local
// part is a dot-atom (letters, digits and !#$%&'*+-/=?^_`{|}~, dots between them, at most 64
// bytes) and the domain is at least two dot-separated labels of letters, digits and inner hyphens
// (at most 63 bytes each, 253 in all). No quoted local parts, no address literals, no
// internationalised addresses: the rare address outside this rule is refused, never mangled.
//
// Thread-safety: pure functions over values (NewMessageToken reads the system's random source).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace pantau {

struct MailAddress {
  std::string name;     // display name, UTF-8; may be empty
  std::string address;  // local@domain
};

struct MailAttachment {
  std::string filename;      // UTF-8; a path separator is refused
  std::string content_type;  // type/subtype, e.g. application/pdf
  std::string data;          // the bytes
};

struct MailMessage {
  MailAddress from;
  std::vector<MailAddress> to;  // at least one
  std::vector<MailAddress> cc;
  std::string subject;  // UTF-8
  std::string body;     // UTF-8 text; lines end in \n or \r\n
  std::vector<MailAttachment> attachments;
};

// The message as it goes over SMTP.
struct BuiltMail {
  std::string message_id;               // "<token@domain-of-from>"
  std::string envelope_from;            // the From address
  std::vector<std::string> recipients;  // To then Cc addresses, each once
  std::string data;                     // the whole message, CRLF line ends
};

// The rule above. `address` without angle brackets.
bool IsMailAddress(std::string_view address);

// "Name <local@domain>" or "local@domain", as a setting gives a sender; `what` names the setting
// in errors.
Result<MailAddress> ParseMailbox(std::string_view text, std::string_view what);

// 32 random hex digits, for Message-ID and the MIME boundary.
std::string NewMessageToken();

// Builds the message dated `date`, with Message-ID <token@domain of from> and a boundary made from
// `token` (REQUIRES: token is letters, digits, '.', '-' or '_'; NewMessageToken's are). The same
// inputs give the same bytes, so tests compare with goldens. InvalidArgument names the field
// ("to[1].address", "subject", "attachments[0].filename") of any value it refuses.
Result<BuiltMail> BuildMail(const MailMessage& message, TimeNs date, std::string_view token);

// The RFC 5322 date, e.g. "Sun, 01 Mar 2026 07:00:00 +0000" (always UTC).
std::string MailDate(TimeNs t);

// The encodings, exposed for tests.
std::string EncodeBase64Lines(std::string_view data);  // 76-column lines, each ending in CRLF
std::string EncodeQuotedPrintable(std::string_view utf8_text);

}  // namespace pantau
