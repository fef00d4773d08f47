// `pantau cert dev --user NAME`: a trial signing certificate (docs/documents.md "Signatures").
#include <cstdio>

#include "app/commands.h"
#include "docs/signers.h"

namespace pantau {

int RunCertDev(const Config& config, const CertFlags& flags) {
  std::string full_name = flags.full_name;
  for (const auto& s : config.documents.signers) {
    if (full_name.empty() && s.user == flags.user) full_name = s.full_name;
  }
  docs::SignerDirectory signers(config.documents, config.data_dir, SystemClock::Get());
  auto fingerprint = signers.MakeTrialCertificate(flags.user, full_name);
  if (!fingerprint.ok()) return Fail(fingerprint.status());
  std::printf(
      "%s/signers/%s.p12 made (password in %s.pass), SHA-256 %s\n"
      "Documents '%s' signs now carry this self-signed trial certificate and say that it is not a "
      "certified (BSrE) one.\n",
      config.data_dir.c_str(), flags.user.c_str(), flags.user.c_str(), fingerprint->c_str(),
      flags.user.c_str());
  return kExitOk;
}

}  // namespace pantau
