// SigningIdentity: what signs a PDF on behalf of a person or of the installation: an X.509
// certificate, its private key, and the certificates between it and a root (the chain, possibly
// empty). It comes from a PKCS#12 file (LoadPkcs12) or is made self-signed for development and
// for the installation's own certificate on first use (MakeSelfSignedIdentity), and is saved as
// PKCS#12 (WritePkcs12).
//
// Self-signed identities use ECDSA on P-256 with SHA-256: fast to make, short signatures, and
// verified by poppler (NSS), OpenSSL and Adobe Reader alike. Loaded identities may be RSA (2048
// bits or more) or ECDSA.
//
// Thread-safety: immutable once made; const methods and signing with it are safe from many
// threads at once. Move-only (it owns OpenSSL objects).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "docs/openssl_util.h"

namespace pantau {

class SigningIdentity {
 public:
  // Checks that `key` is the private key of `certificate` and is RSA (>= 2048 bits) or EC.
  static Result<SigningIdentity> Make(X509Ptr certificate, EvpPkeyPtr key,
                                      std::vector<X509Ptr> chain);

  SigningIdentity(SigningIdentity&&) = default;
  SigningIdentity& operator=(SigningIdentity&&) = default;

  X509* certificate() const { return certificate_.get(); }
  EVP_PKEY* private_key() const { return key_.get(); }
  // Issuer first, up to the root when the file carried it.
  const std::vector<X509Ptr>& chain() const { return chain_; }

  // The certificate's subject common name (UTF-8), empty when it has none.
  std::string CommonName() const;
  // The certificate in PEM, to show or hand out for verification.
  std::string CertificatePem() const;
  // SHA-256 of the certificate's DER, lowercase hex: how people compare certificates.
  std::string FingerprintSha256() const;

 private:
  SigningIdentity(X509Ptr certificate, EvpPkeyPtr key, std::vector<X509Ptr> chain)
      : certificate_(std::move(certificate)), key_(std::move(key)), chain_(std::move(chain)) {}

  X509Ptr certificate_;
  EvpPkeyPtr key_;
  std::vector<X509Ptr> chain_;
};

// Reads a PKCS#12 (.p12/.pfx) file holding one key, its certificate and optionally the chain.
// NotFound when the file cannot be read; InvalidArgument when the password is wrong or the
// file is not PKCS#12 or holds no key and certificate.
Result<SigningIdentity> LoadPkcs12(const std::string& path, std::string_view password);
// The same from the file's bytes (an upload).
Result<SigningIdentity> ParsePkcs12(std::string_view der, std::string_view password);

// A new P-256 key and a self-signed certificate for it, CN=`common_name`, O=`organisation`
// (UTF-8, at most 64 bytes each; the organisation may be empty), valid from the clock's now for
// `valid_days` (1 to 36500) days, with key usage digitalSignature and nonRepudiation.
Result<SigningIdentity> MakeSelfSignedIdentity(std::string_view common_name,
                                               std::string_view organisation, int valid_days,
                                               const Clock& clock);

// The identity as PKCS#12 bytes (AES-256-CBC with PBKDF2, HMAC-SHA-256 MAC), for a download.
// REQUIRES: `password` not empty (InvalidArgument otherwise).
Result<std::string> ToPkcs12(const SigningIdentity& identity, std::string_view password);
// Writes ToPkcs12's bytes to `path` with mode 0600, atomically (a temporary file in the same
// folder, then rename), replacing any file there.
Status WritePkcs12(const SigningIdentity& identity, const std::string& path,
                   std::string_view password);

}  // namespace pantau
