// Signs PDFs that Cairo makes and checks them with our verifier and with poppler's pdfsig and
// pdftotext (poppler-utils must be installed: the tests fail, loudly, without them).
#include "docs/pdf_signature.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <gtest/gtest.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "docs/pdf_file.h"

namespace pantau {
namespace {

using std::chrono::system_clock;

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// A small A4 PDF as the report renderer makes them: one line of text per page, and on the first
// page a link when `link` is set (so the page already has /Annots).
std::string MakeCairoPdf(const std::vector<std::string>& pages, bool link = false) {
  std::string out;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(AppendToString, &out, 595, 842);
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 14);
  for (const std::string& text : pages) {
    if (link) cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='https://csirt.example/verify'");
    cairo_move_to(cr, 72, 72);
    cairo_show_text(cr, text.c_str());
    if (link) cairo_tag_end(cr, CAIRO_TAG_LINK);
    link = false;
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

// Cairo's toy fonts come from fontconfig, which keeps caches for the life of the process; freed
// at the end so that LeakSanitizer (the dev preset) reports only our leaks.
class FontCacheRelease : public ::testing::Environment {
 public:
  void TearDown() override {
    cairo_debug_reset_static_data();
    FcFini();
  }
};
[[maybe_unused]] const auto* const kFontCacheRelease =
    ::testing::AddGlobalTestEnvironment(new FontCacheRelease);

// A PDF 1.4 file of `objects` (numbered from 1, object 1 the catalog) with a correct xref table.
std::string BuildPdf(const std::vector<std::string>& objects) {
  std::string out = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (const size_t o : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof(entry), "%010zu 00000 n \n", o);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

struct ToolRun {
  int exit_code = -1;
  std::string output;
};

// Runs `tool args` with stderr folded into stdout. Fails the test when the tool is missing.
ToolRun RunTool(const std::string& tool, const std::string& args) {
  ToolRun run;
  if (std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) != 0) {
    ADD_FAILURE() << tool << " is not installed; these tests need poppler-utils "
                  << "(apt-get install poppler-utils)";
    return run;
  }
  FILE* pipe = popen((tool + " " + args + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << tool;
    return run;
  }
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

size_t Count(std::string_view haystack, std::string_view needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

class PdfSignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ana_ = new SigningIdentity(
        MakeSelfSignedIdentity("Ana Wijaya", "CSIRT Test", 30, SystemClock::Get()).value());
    budi_ = new SigningIdentity(
        MakeSelfSignedIdentity("Budi Santoso", "CSIRT Test", 30, SystemClock::Get()).value());
  }
  static void TearDownTestSuite() {
    delete ana_;
    delete budi_;
  }

  void SetUp() override {
    char pattern[] = "/tmp/pantau_sign_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  std::string Write(const std::string& name, std::string_view bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  static SignatureRequest Request(std::string name) {
    SignatureRequest r;
    r.signer_name = std::move(name);
    r.reason = "Approved incident report";
    r.location = "Jakarta";
    r.time = system_clock::time_point(std::chrono::seconds(1'735'732'800));  // 2025-01-01 12:00Z
    return r;
  }

  static SigningIdentity* ana_;
  static SigningIdentity* budi_;
  std::string dir_;
};

SigningIdentity* PdfSignatureTest::ana_ = nullptr;
SigningIdentity* PdfSignatureTest::budi_ = nullptr;

TEST_F(PdfSignatureTest, SignedCairoPdfIsValidForPdfsigAndUs) {
  const std::string original = MakeCairoPdf({"Laporan insiden 2025-001", "Halaman dua"});
  Result<std::string> signed_pdf = SignPdf(original, *ana_, Request("Ana Wijaya"));
  ASSERT_TRUE(signed_pdf.ok()) << signed_pdf.status().ToString();
  ASSERT_EQ(signed_pdf->substr(0, original.size()), original) << "the original bytes changed";

  const std::string path = Write("signed.pdf", *signed_pdf);
  const ToolRun sig = RunTool("pdfsig", "'" + path + "'");
  EXPECT_EQ(sig.exit_code, 0) << sig.output;
  EXPECT_EQ(Count(sig.output, "Signature Validation: Signature is Valid."), 1u) << sig.output;
  EXPECT_NE(sig.output.find("Signer Certificate Common Name: Ana Wijaya"), std::string::npos)
      << sig.output;
  EXPECT_NE(sig.output.find("Signature Type: ETSI.CAdES.detached"), std::string::npos)
      << sig.output;
  const ToolRun text = RunTool("pdftotext", "'" + path + "' -");
  EXPECT_NE(text.output.find("Laporan insiden 2025-001"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("Halaman dua"), std::string::npos) << text.output;

  Result<std::vector<SignatureCheck>> checks = VerifyPdf(*signed_pdf);
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 1u);
  const SignatureCheck& c = (*checks)[0];
  EXPECT_TRUE(c.valid) << c.reason_if_invalid;
  EXPECT_TRUE(c.covers_whole_document);
  EXPECT_TRUE(c.self_signed);
  EXPECT_EQ(c.field_name, "Signature1");
  EXPECT_EQ(c.signer_name, "Ana Wijaya");
  EXPECT_EQ(c.signer_common_name, "Ana Wijaya");
  EXPECT_EQ(c.subject, "CN=Ana Wijaya,O=CSIRT Test");
  EXPECT_EQ(c.issuer, c.subject);
  EXPECT_EQ(c.reason, "Approved incident report");
  EXPECT_EQ(c.location, "Jakarta");
  EXPECT_EQ(c.sub_filter, "ETSI.CAdES.detached");
  EXPECT_EQ(c.time, Request("").time);
  EXPECT_EQ(c.certificate_sha256, ana_->FingerprintSha256());
  EXPECT_FALSE(c.serial_hex.empty());
  EXPECT_LT(c.not_before, c.not_after);
  EXPECT_EQ(c.signed_revision_end, signed_pdf->size());
}

TEST_F(PdfSignatureTest, SecondSignatureKeepsTheFirstValid) {
  const std::string original = MakeCairoPdf({"Laporan kerja"});
  const std::string once = SignPdf(original, *ana_, Request("Ana Wijaya")).value();
  Result<std::string> twice = SignPdf(once, *budi_, Request("Budi Santoso"));
  ASSERT_TRUE(twice.ok()) << twice.status().ToString();
  ASSERT_EQ(twice->substr(0, once.size()), once);

  const ToolRun sig = RunTool("pdfsig", "'" + Write("twice.pdf", *twice) + "'");
  EXPECT_EQ(Count(sig.output, "Signature Validation: Signature is Valid."), 2u) << sig.output;
  EXPECT_NE(sig.output.find("Common Name: Budi Santoso"), std::string::npos) << sig.output;

  Result<std::vector<SignatureCheck>> checks = VerifyPdf(*twice);
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 2u);
  EXPECT_TRUE((*checks)[0].valid) << (*checks)[0].reason_if_invalid;
  EXPECT_TRUE((*checks)[1].valid) << (*checks)[1].reason_if_invalid;
  EXPECT_EQ((*checks)[0].signer_common_name, "Ana Wijaya");
  EXPECT_EQ((*checks)[1].signer_common_name, "Budi Santoso");
  EXPECT_EQ((*checks)[0].field_name, "Signature1");
  EXPECT_EQ((*checks)[1].field_name, "Signature2");
  EXPECT_FALSE((*checks)[0].covers_whole_document);
  EXPECT_EQ((*checks)[0].signed_revision_end, once.size());
  EXPECT_TRUE((*checks)[1].covers_whole_document);
}

TEST_F(PdfSignatureTest, AByteChangedInTheFirstRevisionInvalidatesBoth) {
  const std::string original = MakeCairoPdf({"Surat pemberitahuan"});
  const std::string once = SignPdf(original, *ana_, Request("Ana Wijaya")).value();
  std::string twice = SignPdf(once, *budi_, Request("Budi Santoso")).value();
  // The binary comment on the second line: signed, but no reader needs it.
  ASSERT_EQ(twice.substr(0, 10), "%PDF-1.5\n%");
  twice[11] = static_cast<char>(twice[11] ^ 0x01);

  const ToolRun sig = RunTool("pdfsig", "'" + Write("altered.pdf", twice) + "'");
  EXPECT_EQ(Count(sig.output, "Signature is Valid."), 0u) << sig.output;
  EXPECT_EQ(Count(sig.output, "Signature Validation: Digest Mismatch."), 2u) << sig.output;

  Result<std::vector<SignatureCheck>> checks = VerifyPdf(twice);
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 2u);
  for (const SignatureCheck& c : *checks) {
    EXPECT_FALSE(c.valid);
    EXPECT_NE(c.reason_if_invalid.find("changed after signing"), std::string::npos)
        << c.reason_if_invalid;
    EXPECT_FALSE(c.signer_common_name.empty()) << "the certificate is still described";
  }
}

TEST_F(PdfSignatureTest, AppendedRevisionIsReportedNotHidden) {
  const std::string signed_pdf =
      SignPdf(MakeCairoPdf({"Laporan"}), *ana_, Request("Ana Wijaya")).value();
  // A later update that changes nothing the verifier looks at still shows.
  const std::string appended = signed_pdf + "% appended\n%%EOF\n";
  Result<std::vector<SignatureCheck>> checks = VerifyPdf(appended);
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_TRUE((*checks)[0].valid);
  EXPECT_FALSE((*checks)[0].covers_whole_document);
}

TEST_F(PdfSignatureTest, NonAsciiNamesAndChosenFieldName) {
  SignatureRequest request = Request("Siti Nurhaliza Ünal");
  request.field_name = "Kepala CSIRT";
  request.location = "Yogyakarta — DIY";
  const std::string signed_pdf = SignPdf(MakeCairoPdf({"x"}), *ana_, request).value();
  Result<std::vector<SignatureCheck>> checks = VerifyPdf(signed_pdf);
  ASSERT_TRUE(checks.ok());
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_TRUE((*checks)[0].valid);
  EXPECT_EQ((*checks)[0].signer_name, "Siti Nurhaliza Ünal");
  EXPECT_EQ((*checks)[0].location, "Yogyakarta — DIY");
  EXPECT_EQ((*checks)[0].field_name, "Kepala CSIRT");

  Result<std::string> again = SignPdf(signed_pdf, *budi_, request);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  request.signer_name = "\xff\xfe";
  request.field_name.clear();
  EXPECT_EQ(SignPdf(signed_pdf, *budi_, request).status().code(), StatusCode::kInvalidArgument);
}

// PAdES baseline B: no signing-time in the CMS, a signing-certificate-v2, the certificate.
TEST_F(PdfSignatureTest, CmsHasThePadesAttributes) {
  const std::string signed_pdf = SignPdf(MakeCairoPdf({"x"}), *ana_, Request("Ana")).value();
  const size_t at = signed_pdf.find("/Contents <");
  ASSERT_NE(at, std::string::npos);
  Result<pdf::PdfValue> contents = pdf::ParseValueAt(signed_pdf, at + 10);
  ASSERT_TRUE(contents.ok());
  const auto* p = reinterpret_cast<const unsigned char*>(contents->text.data());
  CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(contents->text.size()));
  ASSERT_NE(cms, nullptr);
  EXPECT_EQ(CMS_is_detached(cms), 1);
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
  EXPECT_LT(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1), 0);
  EXPECT_GE(CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, -1), 0);
  EXPECT_GE(CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1), 0);
  EXPECT_GE(CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1), 0);
  STACK_OF(X509)* certs = CMS_get1_certs(cms);
  EXPECT_EQ(sk_X509_num(certs), 1);
  sk_X509_pop_free(certs, X509_free);
  CMS_ContentInfo_free(cms);
}

TEST_F(PdfSignatureTest, GarbageAndTruncatedFilesGiveErrors) {
  for (const std::string& bad : std::vector<std::string>{
           "", "hello", "%PDF-1.4\n", "%PDF-1.4\nstartxref\n99999\n%%EOF\n",
           "%PDF-1.4\nxref\n0 99999999\ntrailer<<>>\nstartxref\n9\n%%EOF",
           "%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer<</Size 1/Root 1 0 R/Prev 9>>\n"
           "startxref\n9\n%%EOF",
           "%PDF-1.4\n1 0 obj<</Type/XRef>>stream\nendstream\nstartxref\n9\n%%EOF",
           "%PDF-1.4\nxref\n0 2\n0000000000 65535 f \n0000000000 00000 n \ntrailer<</Size 2"
           "/Root 1 0 R>>\nstartxref\n9\n%%EOF",
           "%PDF-1.4\n" + std::string(100, '[') + "\nstartxref\n9\n%%EOF"}) {
    EXPECT_FALSE(VerifyPdf(bad).ok()) << bad;
    EXPECT_FALSE(SignPdf(bad, *ana_, Request("x")).ok()) << bad;
  }
  const Result<std::vector<SignatureCheck>> no_startxref = VerifyPdf("%PDF-1.4\n");
  EXPECT_EQ(no_startxref.status().message(),
            "pdf: no startxref at the end (the file is truncated or not a PDF)");
  const Result<std::vector<SignatureCheck>> stream =
      VerifyPdf("%PDF-1.4\n1 0 obj<</Type/XRef>>stream\nendstream\nstartxref\n9\n%%EOF");
  EXPECT_NE(stream.status().message().find("only classic xref tables are supported"),
            std::string::npos)
      << stream.status().message();

  // Every prefix of a signed file, and every single-byte change in its last kilobyte: errors
  // or invalid signatures, never a crash or a valid one.
  const std::string signed_pdf = SignPdf(MakeCairoPdf({"x"}), *ana_, Request("Ana")).value();
  for (size_t n = 0; n < signed_pdf.size(); n += 37) {
    const Result<std::vector<SignatureCheck>> r = VerifyPdf(signed_pdf.substr(0, n));
    if (r.ok()) {
      for (const SignatureCheck& c : *r) EXPECT_FALSE(c.valid && c.covers_whole_document) << n;
    }
  }
  for (size_t i = signed_pdf.size() - 1024; i < signed_pdf.size(); i += 3) {
    std::string changed = signed_pdf;
    changed[i] = static_cast<char>(changed[i] ^ 0x20);
    const Result<std::vector<SignatureCheck>> r = VerifyPdf(changed);
    if (!r.ok()) continue;
    for (const SignatureCheck& c : *r) {
      // Flipping case in the trailing whitespace or a name's spelling may leave it intact.
      if (c.valid) {
        EXPECT_EQ(c.signed_revision_end, signed_pdf.size()) << i;
      }
    }
  }
}

// A certificate issued by `issuer_cert` (or self-signed when null) for `key`.
X509Ptr IssueCertificate(const char* cn, EVP_PKEY* key, bool ca, X509* issuer_cert,
                         EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ca ? 1 : 2);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer_cert != nullptr ? X509_get_subject_name(issuer_cert)
                                                          : X509_get_subject_name(cert.get()));
  X509_set_pubkey(cert.get(), key);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer_cert != nullptr ? issuer_cert : cert.get(), cert.get(), nullptr,
                 nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints,
                                            ca ? "critical,CA:TRUE" : "CA:FALSE");
  X509_add_ext(cert.get(), ext, -1);
  X509_EXTENSION_free(ext);
  X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256());
  return cert;
}

// An RSA signer under a CA, as a PKCS#12 from a real CA would give: the chain goes into the CMS.
TEST_F(PdfSignatureTest, RsaSignerWithChain) {
  EvpPkeyPtr ca_key(EVP_EC_gen("P-256"));
  X509Ptr ca = IssueCertificate("Test CA", ca_key.get(), true, nullptr, nullptr);
  EvpPkeyPtr key(EVP_RSA_gen(2048));
  X509Ptr leaf = IssueCertificate("Citra Dewi", key.get(), false, ca.get(), ca_key.get());
  std::vector<X509Ptr> chain;
  chain.push_back(std::move(ca));
  Result<SigningIdentity> citra =
      SigningIdentity::Make(std::move(leaf), std::move(key), std::move(chain));
  ASSERT_TRUE(citra.ok()) << citra.status().ToString();

  const std::string original = MakeCairoPdf({"Dengan tautan"}, /*link=*/true);
  const std::string signed_pdf = SignPdf(original, *citra, Request("Citra Dewi")).value();
  const ToolRun sig = RunTool("pdfsig", "'" + Write("rsa.pdf", signed_pdf) + "'");
  EXPECT_EQ(Count(sig.output, "Signature Validation: Signature is Valid."), 1u) << sig.output;
  Result<std::vector<SignatureCheck>> checks = VerifyPdf(signed_pdf);
  ASSERT_TRUE(checks.ok());
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_TRUE((*checks)[0].valid) << (*checks)[0].reason_if_invalid;
  EXPECT_FALSE((*checks)[0].self_signed);
  EXPECT_EQ((*checks)[0].issuer, "CN=Test CA");
  EXPECT_EQ((*checks)[0].serial_hex, "02");

  // The link Cairo put on the first page is still there, beside the signature widget.
  Result<pdf::PdfFile> file = pdf::PdfFile::Open(signed_pdf);
  ASSERT_TRUE(file.ok());
  const pdf::PdfObject catalog = file->Read(file->trailer().Find("Root")->ref).value();
  const pdf::PdfValue pages = file->Resolve(*catalog.value.Find("Pages")).value();
  const pdf::PdfValue page = file->Resolve(pages.Find("Kids")->items[0]).value();
  const pdf::PdfValue annots = file->Resolve(*page.Find("Annots")).value();
  ASSERT_EQ(annots.items.size(), 2u);
  EXPECT_TRUE(file->Resolve(annots.items[0]).value().Find("Subtype")->IsName("Link"));
  EXPECT_TRUE(file->Resolve(annots.items[1]).value().Find("FT")->IsName("Sig"));
  EXPECT_EQ(ParsePkcs12(ToPkcs12(*citra, "pw").value(), "pw").value().chain().size(), 1u);
}

// Thousands of fields that all point at one large object: bounded work, then an error.
TEST_F(PdfSignatureTest, RepeatedReferencesToAHugeObjectAreCut) {
  std::string fields;
  for (int i = 0; i < 5000; ++i) fields += "4 0 R ";
  const std::string pdf = BuildPdf({
      "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + fields + "] >> >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
      "<< /FT /Tx /T (padding) /V (" + std::string(300'000, 'x') + ") >>",
  });
  const auto start = std::chrono::steady_clock::now();
  const Result<std::vector<SignatureCheck>> checks = VerifyPdf(pdf);
  EXPECT_NE(checks.status().message().find("too much work"), std::string::npos)
      << checks.status().ToString();
  EXPECT_NE(SignPdf(pdf, *ana_, Request("x")).status().message().find("too much work"),
            std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST_F(PdfSignatureTest, UnsignedPdfHasNoSignatures) {
  Result<std::vector<SignatureCheck>> checks = VerifyPdf(MakeCairoPdf({"x"}));
  ASSERT_TRUE(checks.ok()) << checks.status().ToString();
  EXPECT_TRUE(checks->empty());
}

TEST_F(PdfSignatureTest, Pkcs12RoundTrip) {
  const std::string path = dir_ + "/ana.p12";
  ASSERT_TRUE(WritePkcs12(*ana_, path, "rahasia").ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  Result<SigningIdentity> loaded = LoadPkcs12(path, "rahasia");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->FingerprintSha256(), ana_->FingerprintSha256());
  EXPECT_EQ(loaded->CommonName(), "Ana Wijaya");
  const std::string signed_pdf = SignPdf(MakeCairoPdf({"x"}), *loaded, Request("Ana")).value();
  const Result<std::vector<SignatureCheck>> checks = VerifyPdf(signed_pdf);
  ASSERT_TRUE(checks.ok());
  ASSERT_EQ(checks->size(), 1u);
  EXPECT_TRUE((*checks)[0].valid);

  const Result<SigningIdentity> wrong = LoadPkcs12(path, "salah");
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("wrong password"), std::string::npos);
  EXPECT_EQ(LoadPkcs12(dir_ + "/missing.p12", "x").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ParsePkcs12("not pkcs12", "x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(WritePkcs12(*ana_, path, "").code(), StatusCode::kInvalidArgument);
}

TEST(SigningIdentityTest, SelfSignedFollowsTheClock) {
  ManualClock clock(1'735'732'800LL * kNsPerSecond);
  Result<SigningIdentity> id = MakeSelfSignedIdentity("Pantau CSIRT", "", 365, clock);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->CommonName(), "Pantau CSIRT");
  EXPECT_NE(id->CertificatePem().find("BEGIN CERTIFICATE"), std::string::npos);
  EXPECT_EQ(id->FingerprintSha256().size(), 64u);
  EXPECT_FALSE(MakeSelfSignedIdentity("", "x", 1, clock).ok());
  EXPECT_FALSE(MakeSelfSignedIdentity("x", "x", 0, clock).ok());
  EXPECT_FALSE(MakeSelfSignedIdentity(std::string(65, 'x'), "", 1, clock).ok());
}

TEST(PdfFileTest, ParsesValuesWithTheirSpans) {
  const std::string text = "<< /A [1 2 0 R (a\\)b) <414> /N#20x] /B -3.5 /C true % c\n >>";
  Result<pdf::PdfValue> v = pdf::ParseValueAt(text, 0);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->entries.size(), 3u);
  const pdf::PdfValue& a = *v->Find("A");
  ASSERT_EQ(a.items.size(), 5u);
  EXPECT_EQ(a.items[1].kind, pdf::PdfValue::Kind::kRef);
  EXPECT_EQ(a.items[1].ref.num, 2);
  EXPECT_EQ(a.items[2].text, "a)b");
  EXPECT_EQ(a.items[3].text, "A@");
  EXPECT_EQ(a.items[4].text, "N x");
  EXPECT_EQ(a.Raw(text), "[1 2 0 R (a\\)b) <414> /N#20x]");
  EXPECT_FALSE(v->Find("B")->is_integer);
  EXPECT_TRUE(v->Find("C")->boolean);
  EXPECT_FALSE(pdf::ParseValueAt(std::string(10000, '['), 0).ok());
  EXPECT_FALSE(pdf::ParseValueAt("(unterminated", 0).ok());
  EXPECT_FALSE(pdf::ParseValueAt("<< /A >>", 0).ok());
  EXPECT_EQ(pdf::EncodeTextString("a(b)").value(), "(a\\(b\\))");
  EXPECT_EQ(pdf::EncodeTextString("Ü").value(), "<FEFF00DC>");
  EXPECT_EQ(pdf::DecodeTextString(std::string("\xfe\xff\x00\xdc\xd8\x3d\xde\x00", 8)),
            "Ü\xf0\x9f\x98\x80");
}

}  // namespace
}  // namespace pantau
