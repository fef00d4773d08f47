// Who signs the documents, with which certificate (docs/documents.md "Signatures"):
//
//   1. a person in documents.signers with a PKCS#12 file (their BSrE certificate in production);
//   2. else DATA/signers/<user>.p12, made for trials by `pantau cert dev --user NAME`;
//   3. else the installation's own certificate, DATA/signers/installation.p12, made on first use.
//
// Only the first, and only with a certificate that is not self-signed, counts as certified: the
// document says plainly when its signature is not a certified (BSrE) one.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cases/workflow.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/status.h"
#include "docs/case_content.h"
#include "docs/signing_identity.h"

namespace pantau::docs {

struct Signer {
  std::string user;
  std::string full_name;  // as printed under the signature
  std::string position;   // jabatan
  std::string nip;        // may be empty
  bool certified = false;
  std::shared_ptr<const SigningIdentity> identity;
};

class SignerDirectory {
 public:
  SignerDirectory(Config::Documents settings, std::string data_dir, const Clock& clock)
      : settings_(std::move(settings)), dir_(std::move(data_dir) + "/signers"), clock_(clock) {}

  // How documents name `actor`: documents.signers' entry, else their user name and a position
  // from their role.
  Person Profile(const Actor& actor) const;
  // The signer for `actor`, loading their certificate (or making the installation's).
  Result<Signer> For(const Actor& actor);

  // Makes DATA/signers/<user>.p12 (self-signed, CN = `full_name`) and its password file, both
  // mode 0600, replacing any there; the certificate's SHA-256 fingerprint.
  Result<std::string> MakeTrialCertificate(std::string_view user, std::string_view full_name);

 private:
  Result<std::shared_ptr<const SigningIdentity>> Installation();

  const Config::Documents settings_;
  const std::string dir_;
  const Clock& clock_;
  std::mutex mu_;
  std::shared_ptr<const SigningIdentity> installation_;  // GUARDED_BY(mu_)
};

// A user name fit for a file name: letters, digits, '.', '_' and '-' only.
Status CheckSignerUser(std::string_view user);

}  // namespace pantau::docs
