#include "docs/pdf_signature.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>
#include <set>

#include "docs/pdf_file.h"
#include "fmt/format.h"

namespace pantau {
namespace {

using pdf::ObjRef;
using pdf::PdfFile;
using pdf::PdfObject;
using pdf::PdfValue;
using Kind = PdfValue::Kind;

// Room for the CMS beyond the certificates: signer info, attributes, an RSA-4096 signature.
constexpr size_t kCmsOverheadBytes = 4096;
// "0 a b c]" with three offsets of up to 15 digits, padded with spaces.
constexpr size_t kByteRangeWidth = 56;
// A form with more fields than this is not one of ours, nor a reasonable upload.
constexpr int kMaxFormNodes = 10'000;
constexpr int kMaxFormDepth = 16;
constexpr int kMaxPageTreeDepth = 32;
// Each signature costs a digest of up to the whole file; more than this is an attack.
constexpr size_t kMaxSignatures = 64;

// ---------------------------------------------------------------------------------------------
// Dates

std::string PdfDate(std::chrono::system_clock::time_point time) {
  const time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("(D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00')", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// "D:YYYYMMDDHHmmSSOHH'mm'" with everything after the year optional.
std::optional<std::chrono::system_clock::time_point> ParsePdfDate(std::string_view s) {
  if (s.substr(0, 2) == "D:") s.remove_prefix(2);
  size_t pos = 0;
  const auto take = [&](size_t width, int fallback) -> std::optional<int> {
    if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return fallback;
    if (pos + width > s.size()) return std::nullopt;
    int v = 0;
    for (size_t i = 0; i < width; ++i) {
      const char c = s[pos + i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    pos += width;
    return v;
  };
  const auto year = take(4, -1);
  const auto month = take(2, 1);
  const auto day = take(2, 1);
  const auto hour = take(2, 0);
  const auto minute = take(2, 0);
  const auto second = take(2, 0);
  if (!year || *year < 0 || !month || !day || !hour || !minute || !second) return std::nullopt;
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    const auto oh = take(2, 0);
    if (pos < s.size() && s[pos] == '\'') ++pos;
    const auto om = take(2, 0);
    if (!oh || !om) return std::nullopt;
    offset_minutes = sign * (*oh * 60 + *om);
  }
  using namespace std::chrono;
  const year_month_day ymd{std::chrono::year{*year},
                           std::chrono::month{static_cast<unsigned>(*month)},
                           std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  return system_clock::time_point(sys_days(ymd) + hours(*hour) + minutes(*minute) +
                                  seconds(*second) - minutes(offset_minutes));
}

std::chrono::system_clock::time_point FromAsn1Time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// ---------------------------------------------------------------------------------------------
// Reading the document's structure

const PdfValue* FindOfKind(const PdfValue& dict, std::string_view key, Kind kind) {
  const PdfValue* v = dict.Find(key);
  return v != nullptr && v->kind == kind ? v : nullptr;
}

std::string TextOf(const PdfValue& dict, std::string_view key) {
  const PdfValue* v = FindOfKind(dict, key, Kind::kString);
  return v == nullptr ? "" : pdf::DecodeTextString(v->text);
}

Result<PdfObject> ReadDict(const PdfFile& file, ObjRef ref, std::string_view what) {
  ASSIGN_OR_RETURN(PdfObject object, file.Read(ref));
  if (object.value.kind != Kind::kDict) {
    return InvalidArgument(
        fmt::format("pdf: the {} (object {}) is not a dictionary", what, ref.num));
  }
  return object;
}

// An optional array entry, resolved through one reference; empty when absent or null.
Result<std::vector<PdfValue>> ArrayOf(const PdfFile& file, const PdfValue& dict,
                                      std::string_view key, std::string_view what) {
  const PdfValue* v = dict.Find(key);
  if (v == nullptr) return std::vector<PdfValue>{};
  ASSIGN_OR_RETURN(PdfValue resolved, file.Resolve(*v));
  if (resolved.kind == Kind::kNull) return std::vector<PdfValue>{};
  if (resolved.kind != Kind::kArray) {
    return InvalidArgument(fmt::format("pdf: the {} /{} is not an array", what, key));
  }
  return std::move(resolved.items);
}

Result<PdfObject> FirstPage(const PdfFile& file, const PdfValue& catalog) {
  const PdfValue* pages = catalog.Find("Pages");
  if (pages == nullptr) return InvalidArgument("pdf: the catalog has no /Pages");
  PdfValue node = *pages;
  for (int depth = 0; depth < kMaxPageTreeDepth; ++depth) {
    if (node.kind != Kind::kRef) {
      return InvalidArgument("pdf: a page tree node is not an indirect object");
    }
    ASSIGN_OR_RETURN(PdfObject object, ReadDict(file, node.ref, "page tree node"));
    const PdfValue* type = object.value.Find("Type");
    if (type != nullptr && type->IsName("Page")) return object;
    ASSIGN_OR_RETURN(std::vector<PdfValue> kids, ArrayOf(file, object.value, "Kids", "page tree"));
    if (kids.empty()) {
      return InvalidArgument(fmt::format("pdf: page tree node {} has no pages", node.ref.num));
    }
    node = std::move(kids.front());
  }
  return InvalidArgument("pdf: the page tree is too deep");
}

// A dictionary with `replacements` set (added or replacing the old values) and every other
// entry copied byte for byte.
std::string RewriteDict(std::string_view bytes, const PdfValue& dict,
                        const std::vector<std::pair<std::string, std::string>>& replacements) {
  std::string out = "<<";
  for (const PdfValue::Entry& e : dict.entries) {
    const bool replaced = std::any_of(replacements.begin(), replacements.end(),
                                      [&e](const auto& r) { return r.first == e.key; });
    if (replaced) continue;
    out += "\n";
    out += bytes.substr(e.key_begin, e.value.end - e.key_begin);
  }
  for (const auto& [key, raw] : replacements) out += fmt::format("\n/{} {}", key, raw);
  out += "\n>>";
  return out;
}

std::string JoinRaw(std::string_view bytes, const std::vector<PdfValue>& items) {
  std::string out;
  for (const PdfValue& item : items) {
    out += item.Raw(bytes);
    out += ' ';
  }
  return out;
}

// One signature field with a value, found by walking the form.
struct SignedField {
  std::string name;
  PdfValue value;  // /V: usually a reference to the signature dictionary
};

// Walks the form's field tree (fields may nest with /Kids and inherit /FT), bounded in depth and
// in the number of nodes visited.
Status CollectSignedFields(const PdfFile& file, const PdfValue& node, const std::string& prefix,
                           bool inherited_sig, int depth, int& budget,
                           std::vector<SignedField>& out) {
  if (depth > kMaxFormDepth) return InvalidArgument("pdf: the form's fields nest too deeply");
  if (--budget < 0) return InvalidArgument("pdf: the form has too many fields");
  ASSIGN_OR_RETURN(PdfValue field, file.Resolve(node));
  if (field.kind != Kind::kDict) return Status::Ok();  // not a field: nothing to check
  const PdfValue* ft = field.Find("FT");
  const bool is_sig = ft != nullptr ? ft->IsName("Sig") : inherited_sig;
  std::string name = TextOf(field, "T");
  if (!prefix.empty()) name = name.empty() ? prefix : prefix + "." + name;
  if (const PdfValue* v = field.Find("V"); is_sig && v != nullptr && v->kind != Kind::kNull) {
    out.push_back({name, *v});
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(std::vector<PdfValue> kids, ArrayOf(file, field, "Kids", "form field"));
  for (const PdfValue& kid : kids) {
    RETURN_IF_ERROR(CollectSignedFields(file, kid, name, is_sig, depth + 1, budget, out));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// CMS

Result<std::string> Der(CMS_ContentInfo* cms) {
  unsigned char* der = nullptr;
  const int length = i2d_CMS_ContentInfo(cms, &der);
  if (length <= 0) return OpenSslError("cms: encoding");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

// The DER of the signed attributes as a SET OF, which is what the signature covers: each
// attribute encoded, sorted as DER requires for a SET OF, behind a SET tag.
Result<std::string> SignedAttributesDer(CMS_SignerInfo* si) {
  std::vector<std::string> encoded;
  const int count = CMS_signed_get_attr_count(si);
  for (int i = 0; i < count; ++i) {
    unsigned char* der = nullptr;
    const int length = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &der);
    if (length <= 0) return OpenSslError("cms: encoding an attribute");
    encoded.emplace_back(reinterpret_cast<char*>(der), static_cast<size_t>(length));
    OPENSSL_free(der);
  }
  // DER orders a SET OF by the unsigned bytes of the encodings.
  std::sort(encoded.begin(), encoded.end(), [](const std::string& a, const std::string& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
    });
  });
  std::string body;
  for (const std::string& e : encoded) body += e;
  std::string out = "\x31";
  if (body.size() < 0x80) {
    out.push_back(static_cast<char>(body.size()));
  } else {
    std::string length;
    for (size_t n = body.size(); n > 0; n >>= 8)
      length.insert(length.begin(), static_cast<char>(n & 0xff));
    out.push_back(static_cast<char>(0x80 | length.size()));
    out += length;
  }
  return out + body;
}

// A detached CMS SignedData over content whose SHA-256 is `digest`, PAdES baseline B: signed
// attributes content-type, message-digest and signing-certificate-v2, and no signing-time, which
// OpenSSL's CMS_final would add, so the signer info is signed here.
Result<std::string> MakeCms(const SigningIdentity& identity, std::string_view digest) {
  const unsigned int flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  if (cms == nullptr) return OpenSslError("cms: new SignedData");
  for (const X509Ptr& c : identity.chain()) {
    if (CMS_add1_cert(cms.get(), c.get()) != 1) return OpenSslError("cms: adding the chain");
  }
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), identity.certificate(), identity.private_key(),
                                       EVP_sha256(), flags | CMS_CADES);
  if (si == nullptr) return OpenSslError("cms: adding the signer");
  if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                  OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest.data(),
                                  static_cast<int>(digest.size())) != 1) {
    return OpenSslError("cms: adding the signed attributes");
  }
  ASSIGN_OR_RETURN(const std::string attributes, SignedAttributesDer(si));

  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t signature_length = 0;
  const auto* tbs = reinterpret_cast<const unsigned char*>(attributes.data());
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, identity.private_key()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &signature_length, tbs, attributes.size()) != 1) {
    return OpenSslError("cms: signing");
  }
  std::string signature(signature_length, '\0');
  auto* sig = reinterpret_cast<unsigned char*>(signature.data());
  if (EVP_DigestSign(ctx.get(), sig, &signature_length, tbs, attributes.size()) != 1 ||
      ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), sig, static_cast<int>(signature_length)) !=
          1) {
    return OpenSslError("cms: signing");
  }
  return Der(cms.get());
}

std::string NameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    ERR_clear_error();
    return "";
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string CommonNameOf(const X509_NAME* name) {
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return "";
  unsigned char* utf8 = nullptr;
  const int length =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (length < 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

void DescribeCertificate(X509* cert, SignatureCheck& check) {
  check.subject = NameText(X509_get_subject_name(cert));
  check.issuer = NameText(X509_get_issuer_name(cert));
  check.signer_common_name = CommonNameOf(X509_get_subject_name(cert));
  if (BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)); bn != nullptr) {
    if (char* hex = BN_bn2hex(bn.get()); hex != nullptr) {
      check.serial_hex = hex;
      OPENSSL_free(hex);
    }
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_length = 0;
  if (X509_digest(cert, EVP_sha256(), md, &md_length) == 1) {
    for (unsigned int i = 0; i < md_length; ++i)
      check.certificate_sha256 += fmt::format("{:02x}", md[i]);
  }
  check.not_before = FromAsn1Time(X509_get0_notBefore(cert));
  check.not_after = FromAsn1Time(X509_get0_notAfter(cert));
  check.self_signed = X509_self_signed(cert, 1) == 1;
  ERR_clear_error();
}

// The bytes [a, a+n) and [b, b+m) hashed with `md`.
Result<std::string> DigestRanges(std::string_view bytes, const EVP_MD* md, size_t a, size_t n,
                                 size_t b, size_t m) {
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data() + a, n) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data() + b, m) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &length) != 1) {
    return OpenSslError("digest");
  }
  return std::string(reinterpret_cast<char*>(out), length);
}

// Checks the CMS in /Contents over the covered bytes; fills the certificate part of `check`.
// An empty string means valid; otherwise the reason it is not.
std::string CheckCms(std::string_view bytes, const std::string& contents, size_t len1,
                     size_t start2, size_t len2, SignatureCheck& check) {
  const auto* p = reinterpret_cast<const unsigned char*>(contents.data());
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(contents.size())));
  ERR_clear_error();
  if (cms == nullptr) return "/Contents is not a CMS (PKCS#7) structure";
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    return "/Contents is not a CMS SignedData";
  }
  if (CMS_is_detached(cms.get()) != 1) return "the CMS is not detached";
  STACK_OF(CMS_SignerInfo)* signers = CMS_get0_SignerInfos(cms.get());
  if (sk_CMS_SignerInfo_num(signers) != 1) return "the CMS has not exactly one signer";
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  // Binds the signer info to its certificate among those the CMS carries.
  CMS_set1_signers_certs(cms.get(), nullptr, 0);
  ERR_clear_error();
  EVP_PKEY* pkey = nullptr;
  X509* signer = nullptr;
  X509_ALGOR* digest_alg = nullptr;
  X509_ALGOR* signature_alg = nullptr;
  CMS_SignerInfo_get0_algs(si, &pkey, &signer, &digest_alg, &signature_alg);
  if (signer == nullptr) return "the CMS does not carry the signer's certificate";
  DescribeCertificate(signer, check);

  const ASN1_OBJECT* digest_oid = nullptr;
  X509_ALGOR_get0(&digest_oid, nullptr, nullptr, digest_alg);
  const int digest_nid = OBJ_obj2nid(digest_oid);
  if (digest_nid != NID_sha256 && digest_nid != NID_sha384 && digest_nid != NID_sha512) {
    return fmt::format("digest algorithm {} is not accepted (SHA-256/384/512 are)",
                       digest_nid == NID_undef ? "unknown" : OBJ_nid2sn(digest_nid));
  }
  if (CMS_signed_get_attr_count(si) <= 0) return "the CMS has no signed attributes";
  const auto* content_type = static_cast<const ASN1_OBJECT*>(
      CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT));
  if (content_type == nullptr || OBJ_obj2nid(content_type) != NID_pkcs7_data) {
    return "the content-type attribute is missing or not id-data";
  }
  const auto* message_digest = static_cast<const ASN1_OCTET_STRING*>(CMS_signed_get0_data_by_OBJ(
      si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
  if (message_digest == nullptr) return "the message-digest attribute is missing";
  Result<std::string> digest =
      DigestRanges(bytes, EVP_get_digestbynid(digest_nid), 0, len1, start2, len2);
  if (!digest.ok()) return digest.status().message();
  if (static_cast<size_t>(ASN1_STRING_length(message_digest)) != digest->size() ||
      std::memcmp(ASN1_STRING_get0_data(message_digest), digest->data(), digest->size()) != 0) {
    return "the document was changed after signing (its digest does not match the signed one)";
  }
  if (CMS_SignerInfo_verify(si) != 1) {
    ERR_clear_error();
    return "the signature over the signed attributes does not verify with the certificate's key";
  }
  // signing-certificate-v2 (or v1), when present, must name this certificate; CAdES needs one.
  const auto* v2 = static_cast<const ASN1_STRING*>(CMS_signed_get0_data_by_OBJ(
      si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE));
  const auto* v1 = static_cast<const ASN1_STRING*>(CMS_signed_get0_data_by_OBJ(
      si, OBJ_nid2obj(NID_id_smime_aa_signingCertificate), -3, V_ASN1_SEQUENCE));
  if (v2 == nullptr && v1 == nullptr && check.sub_filter == "ETSI.CAdES.detached") {
    return "the signing-certificate attribute that CAdES requires is missing";
  }
  if (v2 != nullptr || v1 != nullptr) {
    ESS_SIGNING_CERT_V2* ess2 = nullptr;
    ESS_SIGNING_CERT* ess1 = nullptr;
    if (v2 != nullptr) {
      const unsigned char* q = ASN1_STRING_get0_data(v2);
      ess2 = d2i_ESS_SIGNING_CERT_V2(nullptr, &q, ASN1_STRING_length(v2));
    }
    if (v1 != nullptr) {
      const unsigned char* q = ASN1_STRING_get0_data(v1);
      ess1 = d2i_ESS_SIGNING_CERT(nullptr, &q, ASN1_STRING_length(v1));
    }
    STACK_OF(X509)* chain = sk_X509_new_null();
    const bool matches = chain != nullptr && sk_X509_push(chain, signer) > 0 &&
                         (ess1 != nullptr || ess2 != nullptr) &&
                         OSSL_ESS_check_signing_certs(ess1, ess2, chain, 1) > 0;
    sk_X509_free(chain);
    ESS_SIGNING_CERT_V2_free(ess2);
    ESS_SIGNING_CERT_free(ess1);
    ERR_clear_error();
    if (!matches) return "the signing-certificate attribute does not name the signer's certificate";
  }
  return "";
}

bool IsEol(char c) { return c == '\n' || c == '\r'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0' || c == '\f';
}

SignatureCheck CheckSignature(const PdfFile& file, const SignedField& field) {
  const std::string_view bytes = file.bytes();
  SignatureCheck check;
  check.field_name = field.name;
  const auto invalid = [&check](std::string reason) {
    check.valid = false;
    check.reason_if_invalid = std::move(reason);
    return check;
  };
  Result<PdfValue> sig = file.Resolve(field.value);
  if (!sig.ok()) return invalid(sig.status().message());
  if (sig->kind != Kind::kDict) return invalid("the signature value is not a dictionary");
  check.signer_name = TextOf(*sig, "Name");
  check.reason = TextOf(*sig, "Reason");
  check.location = TextOf(*sig, "Location");
  if (const PdfValue* m = FindOfKind(*sig, "M", Kind::kString); m != nullptr) {
    check.time = ParsePdfDate(m->text).value_or(std::chrono::system_clock::time_point{});
  }
  if (const PdfValue* sf = FindOfKind(*sig, "SubFilter", Kind::kName); sf != nullptr) {
    check.sub_filter = sf->text;
  }
  if (check.sub_filter != "ETSI.CAdES.detached" && check.sub_filter != "adbe.pkcs7.detached") {
    return invalid(
        fmt::format("signature format /SubFilter /{} is not supported", check.sub_filter));
  }

  const PdfValue* range = FindOfKind(*sig, "ByteRange", Kind::kArray);
  const PdfValue* contents = FindOfKind(*sig, "Contents", Kind::kString);
  if (range == nullptr || contents == nullptr) {
    return invalid("the signature dictionary has no /ByteRange or no /Contents");
  }
  if (range->items.size() != 4 ||
      !std::all_of(range->items.begin(), range->items.end(), [](const PdfValue& v) {
        return v.kind == Kind::kNumber && v.is_integer && v.integer >= 0;
      })) {
    return invalid("/ByteRange is not four offsets");
  }
  const auto br = [&range](int i) { return static_cast<uint64_t>(range->items[i].integer); };
  const uint64_t size = bytes.size();
  // The gap must be exactly this dictionary's /Contents string, brackets included; so the rest
  // of the dictionary (/M, /Name, the ranges themselves) is covered by the signature.
  if (br(0) != 0 || br(1) != contents->begin || br(2) != contents->end ||
      bytes[contents->begin] != '<' || br(2) > size || br(3) > size - br(2)) {
    return invalid("/ByteRange does not cover the file except exactly the /Contents string");
  }
  const size_t end = static_cast<size_t>(br(2) + br(3));
  check.signed_revision_end = end;
  size_t eof = end;
  for (int i = 0; i < 2 && eof > 0 && IsEol(bytes[eof - 1]); ++i) --eof;
  if (eof < 5 || bytes.substr(eof - 5, 5) != "%%EOF") {
    return invalid("/ByteRange does not end at the end of a revision (%%EOF)");
  }
  check.covers_whole_document =
      std::all_of(bytes.begin() + static_cast<std::ptrdiff_t>(end), bytes.end(), IsSpace);

  std::string reason = CheckCms(bytes, contents->text, static_cast<size_t>(br(1)),
                                static_cast<size_t>(br(2)), static_cast<size_t>(br(3)), check);
  if (!reason.empty()) return invalid(std::move(reason));
  check.valid = true;
  return check;
}

}  // namespace

Result<std::string> SignPdf(std::string_view pdf, const SigningIdentity& identity,
                            const SignatureRequest& request) {
  ASSIGN_OR_RETURN(const PdfFile file, PdfFile::Open(pdf));
  const PdfValue& trailer = file.trailer();
  const ObjRef root = trailer.Find("Root")->ref;
  ASSIGN_OR_RETURN(const PdfObject catalog, ReadDict(file, root, "catalog"));
  ASSIGN_OR_RETURN(const PdfObject page, FirstPage(file, catalog.value));
  if (page.ref == root) return InvalidArgument("pdf: the first page is the catalog");

  PdfValue form;  // stays null when the document has no form yet
  if (const PdfValue* f = catalog.value.Find("AcroForm"); f != nullptr) {
    ASSIGN_OR_RETURN(form, file.Resolve(*f));
    if (form.kind != Kind::kDict && form.kind != Kind::kNull) {
      return InvalidArgument("pdf: the catalog's /AcroForm is not a dictionary");
    }
  }
  ASSIGN_OR_RETURN(const std::vector<PdfValue> fields, ArrayOf(file, form, "Fields", "form"));
  if (fields.size() > static_cast<size_t>(kMaxFormNodes)) {
    return InvalidArgument("pdf: the form has too many fields");
  }
  std::set<std::string> names;
  for (const PdfValue& f : fields) {
    ASSIGN_OR_RETURN(const PdfValue field, file.Resolve(f));
    if (field.kind == Kind::kDict) names.insert(TextOf(field, "T"));
  }
  std::string field_name = request.field_name;
  if (field_name.empty()) {
    for (size_t i = 1; field_name.empty() || names.contains(field_name); ++i) {
      field_name = fmt::format("Signature{}", i);
    }
  } else if (names.contains(field_name)) {
    return AlreadyExists(fmt::format("pdf: the form already has a field named '{}'", field_name));
  }
  ASSIGN_OR_RETURN(const std::vector<PdfValue> annots,
                   ArrayOf(file, page.value, "Annots", "first page's"));

  ASSIGN_OR_RETURN(const std::string t_field, pdf::EncodeTextString(field_name));
  ASSIGN_OR_RETURN(const std::string t_name, pdf::EncodeTextString(request.signer_name));
  ASSIGN_OR_RETURN(const std::string t_reason, pdf::EncodeTextString(request.reason));
  ASSIGN_OR_RETURN(const std::string t_location, pdf::EncodeTextString(request.location));

  size_t cms_room =
      kCmsOverheadBytes + static_cast<size_t>(i2d_X509(identity.certificate(), nullptr));
  for (const X509Ptr& c : identity.chain())
    cms_room += static_cast<size_t>(i2d_X509(c.get(), nullptr));

  const int64_t sig_num = file.next_object_number();
  const int64_t widget_num = sig_num + 1;
  std::vector<std::pair<ObjRef, size_t>> offsets;

  std::string out(pdf);
  if (!out.empty() && !IsEol(out.back())) out += '\n';

  offsets.push_back({{sig_num, 0}, out.size()});
  out += fmt::format(
      "{} 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n"
      "/ByteRange [",
      sig_num);
  const size_t range_at = out.size();
  out.append(kByteRangeWidth, ' ');
  out += "\n/Contents ";
  const size_t contents_begin = out.size();
  out += '<';
  out.append(2 * cms_room, '0');
  out += '>';
  const size_t contents_end = out.size();
  out += "\n/M " + PdfDate(request.time) + "\n/Name " + t_name;
  if (!request.reason.empty()) out += "\n/Reason " + t_reason;
  if (!request.location.empty()) out += "\n/Location " + t_location;
  out += "\n>>\nendobj\n";

  offsets.push_back({{widget_num, 0}, out.size()});
  out += fmt::format(
      "{} 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T {} /V {} 0 R /F 132 "
      "/Rect [0 0 0 0] /P {} {} R >>\nendobj\n",
      widget_num, t_field, sig_num, page.ref.num, page.ref.gen);

  offsets.push_back({page.ref, out.size()});
  out += fmt::format("{} {} obj\n", page.ref.num, page.ref.gen);
  out += RewriteDict(pdf, page.value,
                     {{"Annots", fmt::format("[{}{} 0 R]", JoinRaw(pdf, annots), widget_num)}});
  out += "\nendobj\n";

  // The form is written into the catalog (an older indirect /AcroForm is left unreferenced).
  std::vector<std::pair<std::string, std::string>> form_entries = {
      {"Fields", fmt::format("[{}{} 0 R]", JoinRaw(pdf, fields), widget_num)}, {"SigFlags", "3"}};
  const std::string new_form = form.kind == Kind::kDict
                                   ? RewriteDict(pdf, form, form_entries)
                                   : fmt::format("<< /Fields [{} 0 R] /SigFlags 3 >>", widget_num);
  offsets.push_back({root, out.size()});
  out += fmt::format("{} {} obj\n", root.num, root.gen);
  out += RewriteDict(pdf, catalog.value, {{"AcroForm", new_form}});
  out += "\nendobj\n";

  const size_t xref_at = out.size();
  std::sort(offsets.begin(), offsets.end(),
            [](const auto& a, const auto& b) { return a.first.num < b.first.num; });
  out += "xref\n";
  for (size_t i = 0; i < offsets.size();) {
    size_t j = i + 1;
    while (j < offsets.size() && offsets[j].first.num == offsets[j - 1].first.num + 1) ++j;
    out += fmt::format("{} {}\n", offsets[i].first.num, j - i);
    for (size_t k = i; k < j; ++k) {
      out += fmt::format("{:010} {:05} n \n", offsets[k].second, offsets[k].first.gen);
    }
    i = j;
  }
  out += fmt::format("trailer\n<< /Size {} /Root {} {} R", widget_num + 1, root.num, root.gen);
  for (const char* key : {"Info", "ID"}) {
    if (const PdfValue* v = trailer.Find(key); v != nullptr) {
      out += fmt::format(" /{} {}", key, v->Raw(pdf));
    }
  }
  out += fmt::format(" /Prev {} >>\nstartxref\n{}\n%%EOF\n", file.last_xref_offset(), xref_at);

  // Now that every offset is known: the byte range, its digest, the CMS into the gap.
  const std::string range =
      fmt::format("0 {} {} {}]", contents_begin, contents_end, out.size() - contents_end);
  if (range.size() > kByteRangeWidth) return InvalidArgument("pdf: the file is too large");
  out.replace(range_at, range.size(), range);
  ASSIGN_OR_RETURN(const std::string digest, DigestRanges(out, EVP_sha256(), 0, contents_begin,
                                                          contents_end, out.size() - contents_end));
  ASSIGN_OR_RETURN(const std::string cms, MakeCms(identity, digest));
  if (cms.size() > cms_room) {
    return Internal(
        fmt::format("pdf: the signature ({} bytes) is larger than the room kept for "
                    "it ({} bytes)",
                    cms.size(), cms_room));
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < cms.size(); ++i) {
    const auto b = static_cast<unsigned char>(cms[i]);
    out[contents_begin + 1 + 2 * i] = kHex[b >> 4];
    out[contents_begin + 2 + 2 * i] = kHex[b & 0xf];
  }
  return out;
}

Result<std::vector<SignatureCheck>> VerifyPdf(std::string_view pdf) {
  ASSIGN_OR_RETURN(const PdfFile file, PdfFile::Open(pdf));
  ASSIGN_OR_RETURN(const PdfObject catalog,
                   ReadDict(file, file.trailer().Find("Root")->ref, "catalog"));
  std::vector<SignatureCheck> checks;
  const PdfValue* f = catalog.value.Find("AcroForm");
  if (f == nullptr) return checks;
  ASSIGN_OR_RETURN(const PdfValue form, file.Resolve(*f));
  if (form.kind != Kind::kDict) return checks;
  ASSIGN_OR_RETURN(const std::vector<PdfValue> fields, ArrayOf(file, form, "Fields", "form"));
  std::vector<SignedField> signed_fields;
  int budget = kMaxFormNodes;
  for (const PdfValue& field : fields) {
    RETURN_IF_ERROR(CollectSignedFields(file, field, "", false, 0, budget, signed_fields));
  }
  if (signed_fields.size() > kMaxSignatures) {
    return InvalidArgument(fmt::format("pdf: more than {} signatures", kMaxSignatures));
  }
  for (const SignedField& field : signed_fields) checks.push_back(CheckSignature(file, field));
  return checks;
}

}  // namespace pantau
