#include "notify/mail_message.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace pantau {
namespace {

constexpr TimeNs kDate = 1'772'348'400LL * kNsPerSecond;  // 2026-03-01T07:00:00Z, a Sunday
constexpr std::string_view kToken = "0123456789abcdef0123456789abcdef";

std::string GoldenPath(std::string_view name) {
  const char* root = std::getenv("PANTAU_SOURCE_DIR");
  return std::string(root ? root : ".") + "/src/notify/testdata/mail/" + std::string(name);
}

// Compares with testdata/mail/NAME; PANTAU_UPDATE_GOLDEN=1 rewrites it.
void ExpectGolden(std::string_view name, const std::string& actual) {
  const std::string path = GoldenPath(name);
  if (std::getenv("PANTAU_UPDATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden " << path << " (run with PANTAU_UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "golden " << path;
}

MailMessage Letter() {
  MailMessage m;
  m.from = {"CSIRT Kabupaten Kukar", "csirt@kukarkab.go.id"};
  m.to = {{"Admin Portal", "admin@portal.kukarkab.go.id"}, {"", "it@diskominfo.kukarkab.go.id"}};
  m.cc = {{"Kepala Dinas", "kadis@diskominfo.kukarkab.go.id"}};
  m.subject = "Notification of incident INS-2026-0042";
  m.body =
      "Dear operator,\n\nWe found online-gambling content on your portal. The signed letter is "
      "attached; please remove the content and report back within 3 x 24 hours.\n\n"
      ".Regards\nFrom the CSIRT\n";
  return m;
}

TEST(MailMessage, PlainTextGolden) {
  auto built = BuildMail(Letter(), kDate, kToken);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->message_id, "<0123456789abcdef0123456789abcdef@kukarkab.go.id>");
  EXPECT_EQ(built->envelope_from, "csirt@kukarkab.go.id");
  EXPECT_EQ(built->recipients,
            (std::vector<std::string>{"admin@portal.kukarkab.go.id", "it@diskominfo.kukarkab.go.id",
                                      "kadis@diskominfo.kukarkab.go.id"}));
  ExpectGolden("plain.eml", built->data);
}

TEST(MailMessage, Utf8SubjectNamesAndAttachmentsGolden) {
  MailMessage m = Letter();
  m.subject =
      "Pemberitahuan insiden keamanan siber — konten judi daring pada portal resmi Pemerintah "
      "Kabupaten Kutai Kartanegara";
  m.from.name = "CSIRT \"Kukar\", Diskominfo";
  m.to[0].name = "Pengelola Situs Dinas Pendidikan (Ibu Ratna Sari Dewi Ningrum)";
  m.to[1].name = "Ángel Ñúñez";
  m.body = "Dengan hormat,\n\nTerlampir surat pemberitahuan — mohon ditindaklanjuti.\n";
  std::string pdf = "%PDF-1.7\n";
  for (int i = 0; i < 256; ++i) pdf += static_cast<char>(i);
  pdf += "\n%%EOF\n";
  m.attachments = {{"surat-pemberitahuan.pdf", "application/pdf", pdf},
                   {"Laporan insiden – INS-2026-0042 (final, ditandatangani kepala dinas).pdf",
                    "application/pdf", "%PDF-1.7\n%%EOF\n"}};
  auto built = BuildMail(m, kDate, kToken);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  ExpectGolden("attachments.eml", built->data);
  // Every line within 78 columns except none; and nothing but ASCII.
  std::istringstream lines(built->data);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(line.size(), 79u) << line;  // 78 + the \r getline leaves
    for (char c : line) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << line;
  }
}

TEST(MailMessage, HeaderInjectionIsRefusedNamingTheField) {
  struct Case {
    std::string what;
    void (*edit)(MailMessage&);
    std::string field;
  };
  const Case cases[] = {
      {"CRLF in subject", [](MailMessage& m) { m.subject = "Hello\r\nBcc: victim@example.org"; },
       "subject:"},
      {"LF in subject", [](MailMessage& m) { m.subject = "Hello\nX: y"; }, "subject:"},
      {"tab in subject", [](MailMessage& m) { m.subject = "a\tb"; }, "subject:"},
      {"NUL in subject", [](MailMessage& m) { m.subject = std::string("a\0b", 3); }, "subject:"},
      {"C1 in subject",
       [](MailMessage& m) {
         m.subject =
             "a\xC2\x85"
             "b";
       },
       "subject:"},
      {"bad UTF-8 subject", [](MailMessage& m) { m.subject = "a\xC3("; }, "subject:"},
      {"CR in a name", [](MailMessage& m) { m.to[1].name = "X\rBcc: a@b.org"; }, "to[1].name:"},
      {"LF in from name", [](MailMessage& m) { m.from.name = "A\nB"; }, "from.name:"},
      {"CRLF in an address", [](MailMessage& m) { m.cc[0].address = "a@b.org\r\nBcc: c@d.org"; },
       "cc[0].address:"},
      {"two addresses in one", [](MailMessage& m) { m.to[0].address = "a@b.org, c@d.org"; },
       "to[0].address:"},
      {"angle brackets", [](MailMessage& m) { m.to[0].address = "<a@b.org>"; }, "to[0].address:"},
      {"CRLF in a file name",
       [](MailMessage& m) {
         m.attachments = {{"a.pdf\r\nContent-Type: text/html", "application/pdf", "x"}};
       },
       "attachments[0].filename:"},
      {"a path as file name",
       [](MailMessage& m) {
         m.attachments = {{"../etc/passwd", "text/plain", "x"}};
       },
       "attachments[0].filename:"},
      {"content type with a parameter",
       [](MailMessage& m) {
         m.attachments = {{"a.pdf", "text/html; charset=x", "x"}};
       },
       "attachments[0].content_type:"},
      {"no recipient", [](MailMessage& m) { m.to.clear(); }, "to:"},
      {"bad UTF-8 body", [](MailMessage& m) { m.body = "\xFF"; }, "body:"},
  };
  for (const Case& c : cases) {
    MailMessage m = Letter();
    c.edit(m);
    auto built = BuildMail(m, kDate, kToken);
    ASSERT_FALSE(built.ok()) << c.what;
    EXPECT_EQ(built.status().code(), StatusCode::kInvalidArgument) << c.what;
    EXPECT_TRUE(built.status().message().starts_with(c.field))
        << c.what << ": " << built.status().message();
  }
}

TEST(MailMessage, AddressRule) {
  for (std::string_view good : {"csirt@kukarkab.go.id", "a.b+tag@x.co",
                                "x_y-z@sub-domain.example.org", "1@2.id", "o'brien@example.ie"}) {
    EXPECT_TRUE(IsMailAddress(good)) << good;
  }
  for (std::string_view bad :
       {"",
        "a",
        "@b.org",
        "a@",
        "a@b",
        "a@@b.org",
        ".a@b.org",
        "a.@b.org",
        "a..b@c.org",
        "a@-b.org",
        "a@b-.org",
        "a@b..org",
        "a@.b.org",
        "a@b.org.",
        "a b@c.org",
        "\"a\"@b.org",
        "a@[192.0.2.1]",
        "ägen@b.org",
        "a@bü.org",
        "a@b.org\r\n",
        "a@b_c.org",
        "12345678901234567890123456789012345678901234567890123456789012345@b.org"}) {
    EXPECT_FALSE(IsMailAddress(bad)) << bad;
  }
}

TEST(MailMessage, ParseMailboxOfASetting) {
  auto a = ParseMailbox("CSIRT Kukar <csirt@kukarkab.go.id>", "notify.smtp.from");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->name, "CSIRT Kukar");
  EXPECT_EQ(a->address, "csirt@kukarkab.go.id");
  a = ParseMailbox("\"Diskominfo, CSIRT\" <csirt@kukarkab.go.id>", "f");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "Diskominfo, CSIRT");
  a = ParseMailbox("csirt@kukarkab.go.id", "f");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "");
  EXPECT_FALSE(ParseMailbox("CSIRT <csirt>", "f").ok());
  EXPECT_FALSE(ParseMailbox("A\r\nBcc: x@y.org <csirt@kukarkab.go.id>", "f").ok());
}

TEST(MailMessage, QuotedPrintableWrapsLongLinesAndKeepsBytes) {
  const std::string line(200, 'a');
  const std::string qp = EncodeQuotedPrintable(line + "\n= trailing space \nlast");
  std::istringstream lines(qp);
  std::string all;
  for (std::string l; std::getline(lines, l);) {
    if (l != "last") {
      ASSERT_TRUE(l.ends_with('\r')) << "lines end in CRLF";
      l.pop_back();
    }
    EXPECT_LE(l.size(), 76u);
    all += l + "\n";
  }
  EXPECT_EQ(qp.substr(0, 77), std::string(75, 'a') + "=\r");
  EXPECT_NE(qp.find("=3D trailing space=20\r\nlast"), std::string::npos) << qp;
  EXPECT_EQ(EncodeQuotedPrintable("caf\xC3\xA9"), "caf=C3=A9");
  EXPECT_EQ(EncodeQuotedPrintable(".\nFrom here\nFrom"), "=2E\r\n=46rom here\r\nFrom");
  // An =XX is never cut by a soft break.
  const std::string qp2 = EncodeQuotedPrintable(std::string(74, 'a') + "\xC3\xA9");
  EXPECT_EQ(qp2, std::string(74, 'a') + "=\r\n=C3=A9");
}

TEST(MailMessage, Base64LinesOf76Columns) {
  EXPECT_EQ(EncodeBase64Lines(""), "");
  EXPECT_EQ(EncodeBase64Lines("f"), "Zg==\r\n");
  EXPECT_EQ(EncodeBase64Lines("fo"), "Zm8=\r\n");
  EXPECT_EQ(EncodeBase64Lines("foo"), "Zm9v\r\n");
  const std::string lines = EncodeBase64Lines(std::string(58, '\xFF'));
  EXPECT_EQ(lines, std::string(76, '/') + "\r\n/w==\r\n");
}

TEST(MailMessage, DateIsRfc5322) {
  EXPECT_EQ(MailDate(kDate), "Sun, 01 Mar 2026 07:00:00 +0000");
  EXPECT_EQ(MailDate(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(MailDate(951'782'400LL * kNsPerSecond + 59 * kNsPerSecond),
            "Tue, 29 Feb 2000 00:00:59 +0000");
}

TEST(MailMessage, TokensAreRandomHex) {
  const std::string a = NewMessageToken(), b = NewMessageToken();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  MailMessage m = Letter();
  EXPECT_FALSE(BuildMail(m, kDate, "bad token").ok());
}

}  // namespace
}  // namespace pantau
