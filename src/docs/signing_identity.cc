#include "docs/signing_identity.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "core/files.h"
#include "fmt/format.h"

namespace pantau {
namespace {

// A PKCS#12 file holds one key and a few certificates; anything larger is not one.
constexpr size_t kMaxPkcs12Bytes = 1 << 20;
// PBKDF2 rounds for the key bag and MAC rounds: about 50 ms on a server core, far more than
// OpenSSL's default of 2048.
constexpr int kPkcs12Iterations = 100'000;
// X.520 upper bound for common and organisation names.
constexpr size_t kMaxNameBytes = 64;

Status AddExtension(X509* cert, X509V3_CTX& ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return OpenSslError(fmt::format("certificate: extension {}", value));
  const int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (added != 1) return OpenSslError("certificate: adding an extension");
  return Status::Ok();
}

}  // namespace

Result<SigningIdentity> SigningIdentity::Make(X509Ptr certificate, EvpPkeyPtr key,
                                              std::vector<X509Ptr> chain) {
  if (certificate == nullptr || key == nullptr) {
    return InvalidArgument("signing identity: a certificate and its private key are needed");
  }
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    if (EVP_PKEY_get_bits(key.get()) < 2048) {
      return InvalidArgument(
          fmt::format("signing identity: the RSA key has {} bits; 2048 or "
                      "more are needed",
                      EVP_PKEY_get_bits(key.get())));
    }
  } else if (!EVP_PKEY_is_a(key.get(), "EC")) {
    return InvalidArgument(
        "signing identity: the key is neither RSA nor ECDSA, which PDF readers cannot verify");
  }
  if (X509_check_private_key(certificate.get(), key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("signing identity: the private key does not match the certificate");
  }
  return SigningIdentity(std::move(certificate), std::move(key), std::move(chain));
}

std::string SigningIdentity::CommonName() const {
  const X509_NAME* name = X509_get_subject_name(certificate_.get());
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return "";
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, data);
  if (length < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

std::string SigningIdentity::CertificatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), certificate_.get()) != 1) return "";
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

std::string SigningIdentity::FingerprintSha256() const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate_.get(), EVP_sha256(), md, &length) != 1) return "";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

Result<SigningIdentity> ParsePkcs12(std::string_view der, std::string_view password) {
  if (der.size() > kMaxPkcs12Bytes) return InvalidArgument("pkcs12: the file is too large");
  const std::string pass(password);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  if (p12 == nullptr) {
    ERR_clear_error();
    return InvalidArgument("pkcs12: not a PKCS#12 file");
  }
  if (PKCS12_mac_present(p12.get()) && PKCS12_verify_mac(p12.get(), pass.c_str(), -1) != 1) {
    ERR_clear_error();
    return InvalidArgument("pkcs12: wrong password (or the file is damaged)");
  }
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12.get(), pass.c_str(), &key, &cert, &ca) != 1) {
    return OpenSslError("pkcs12: reading the key and certificate");
  }
  EvpPkeyPtr key_owner(key);
  X509Ptr cert_owner(cert);
  std::vector<X509Ptr> chain;
  for (int i = 0; ca != nullptr && i < sk_X509_num(ca); ++i) {
    chain.emplace_back(sk_X509_value(ca, i));
  }
  sk_X509_free(ca);  // the certificates are owned by `chain` now
  if (key_owner == nullptr || cert_owner == nullptr) {
    return InvalidArgument("pkcs12: the file holds no private key with its certificate");
  }
  return SigningIdentity::Make(std::move(cert_owner), std::move(key_owner), std::move(chain));
}

Result<SigningIdentity> LoadPkcs12(const std::string& path, std::string_view password) {
  ASSIGN_OR_RETURN(const std::string der, ReadFileText(path));
  Result<SigningIdentity> identity = ParsePkcs12(der, password);
  if (!identity.ok()) {
    return Status(identity.status().code(),
                  fmt::format("{} ({})", identity.status().message(), path));
  }
  return identity;
}

Result<SigningIdentity> MakeSelfSignedIdentity(std::string_view common_name,
                                               std::string_view organisation, int valid_days,
                                               const Clock& clock) {
  if (common_name.empty() || common_name.size() > kMaxNameBytes ||
      organisation.size() > kMaxNameBytes) {
    return InvalidArgument(
        "certificate: the common name must have 1 to 64 bytes and the "
        "organisation at most 64");
  }
  if (valid_days < 1 || valid_days > 36500) {
    return InvalidArgument("certificate: validity must be 1 to 36500 days");
  }
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpenSslError("certificate: making a P-256 key");

  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return OpenSslError("certificate: new");
  }
  // 127 random bits: unique without a registry, positive as RFC 5280 requires.
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return OpenSslError("certificate: serial");
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7f) | 0x40);
  BignumPtr serial_bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  if (serial_bn == nullptr ||
      BN_to_ASN1_INTEGER(serial_bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return OpenSslError("certificate: serial");
  }

  time_t now = static_cast<time_t>(clock.Now() / kNsPerSecond);
  if (X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, 0, &now) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), valid_days, 0, &now) == nullptr) {
    return OpenSslError("certificate: validity");
  }

  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto add_name = [name](const char* field, std::string_view value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.data()),
                                      static_cast<int>(value.size()), -1, 0) == 1;
  };
  // Broadest first, so that the name reads "CN=..., O=..." in RFC 2253 order.
  if ((!organisation.empty() && !add_name("O", organisation)) || !add_name("CN", common_name)) {
    return OpenSslError("certificate: subject name (is it valid UTF-8?)");
  }
  if (X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
    return OpenSslError("certificate: issuer and key");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  RETURN_IF_ERROR(AddExtension(cert.get(), ctx, NID_basic_constraints, "critical,CA:FALSE"));
  RETURN_IF_ERROR(
      AddExtension(cert.get(), ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation"));
  RETURN_IF_ERROR(AddExtension(cert.get(), ctx, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(AddExtension(cert.get(), ctx, NID_authority_key_identifier, "keyid:always"));

  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return OpenSslError("certificate: signing");
  }
  return SigningIdentity::Make(std::move(cert), std::move(key), {});
}

Result<std::string> ToPkcs12(const SigningIdentity& identity, std::string_view password) {
  if (password.empty()) return InvalidArgument("pkcs12: a password is needed");
  STACK_OF(X509)* ca = sk_X509_new_null();
  if (ca == nullptr) return OpenSslError("pkcs12: certificate list");
  for (const X509Ptr& c : identity.chain()) {
    if (sk_X509_push(ca, c.get()) <= 0) {
      sk_X509_free(ca);
      return OpenSslError("pkcs12: certificate list");
    }
  }
  const std::string pass(password);
  const std::string friendly = identity.CommonName();
  // nid 0 picks OpenSSL 3's defaults: AES-256-CBC with PBKDF2 for both bags, SHA-256 MAC.
  Pkcs12Ptr p12(PKCS12_create(pass.c_str(), friendly.empty() ? nullptr : friendly.c_str(),
                              identity.private_key(), identity.certificate(), ca, 0, 0,
                              kPkcs12Iterations, kPkcs12Iterations, 0));
  sk_X509_free(ca);  // borrowed certificates: free only the list
  if (p12 == nullptr) return OpenSslError("pkcs12: making the file");
  unsigned char* der = nullptr;
  const int length = i2d_PKCS12(p12.get(), &der);
  if (length <= 0) return OpenSslError("pkcs12: encoding");
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

Status WritePkcs12(const SigningIdentity& identity, const std::string& path,
                   std::string_view password) {
  ASSIGN_OR_RETURN(const std::string der, ToPkcs12(identity, password));
  std::string temp = path + ".XXXXXX";
  const int fd = mkstemp(temp.data());  // mode 0600
  if (fd < 0) {
    return Internal(
        fmt::format("pkcs12: cannot create a file beside {}: {}", path, std::strerror(errno)));
  }
  size_t written = 0;
  int error = 0;
  while (written < der.size()) {
    const ssize_t n = write(fd, der.data() + written, der.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = errno;
      break;
    }
    written += static_cast<size_t>(n);
  }
  if (error == 0 && (fchmod(fd, 0600) != 0 || fsync(fd) != 0)) error = errno;
  if (close(fd) != 0 && error == 0) error = errno;
  if (error == 0 && std::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    unlink(temp.c_str());
    return Internal(fmt::format("pkcs12: cannot write {}: {}", path, std::strerror(error)));
  }
  return Status::Ok();
}

}  // namespace pantau
