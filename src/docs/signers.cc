#include "docs/signers.h"

#include <fcntl.h>
#include <openssl/x509.h>
#include <unistd.h>

#include <filesystem>

#include "auth/secrets.h"
#include "core/files.h"

namespace pantau::docs {
namespace {

// A password file's first line.
Result<std::string> ReadPassword(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  if (const size_t nl = text.find_first_of("\r\n"); nl != std::string::npos) text.resize(nl);
  return text;
}

Status WriteSecretFile(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot write " + path);
  const ssize_t n = ::write(fd, text.data(), text.size());
  const bool ok = n == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Internal("cannot write " + path);
}

// At most `max` bytes of `s`, not cutting a UTF-8 character (certificate names are short).
std::string Clip(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return std::string(s.substr(0, max));
}

bool SelfSigned(const SigningIdentity& identity) {
  X509* cert = identity.certificate();
  return X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0;
}

std::string DefaultPosition(const Actor& actor, const Config::Documents& settings) {
  switch (actor.role) {
    case Role::kHead:
      return "Ketua " + settings.team_name;
    case Role::kCoordinator:
      return "Koordinator " + settings.team_name;
    default:
      return "Analis " + settings.team_name;
  }
}

}  // namespace

Status CheckSignerUser(std::string_view user) {
  if (user.empty() || user.size() > 64 || user.front() == '.') {
    return InvalidArgument("user: 1 to 64 characters, not starting with '.'");
  }
  for (char ch : user) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
    if (!ok) return InvalidArgument("user: only letters, digits, '.', '_' and '-'");
  }
  return Status::Ok();
}

Person SignerDirectory::Profile(const Actor& actor) const {
  Person p{actor.name, DefaultPosition(actor, settings_), ""};
  for (const auto& s : settings_.signers) {
    if (s.user != actor.name) continue;
    if (!s.full_name.empty()) p.name = s.full_name;
    if (!s.position.empty()) p.position = s.position;
    p.nip = s.nip;
  }
  return p;
}

Result<Signer> SignerDirectory::For(const Actor& actor) {
  const Person profile = Profile(actor);
  Signer signer;
  signer.user = actor.name;
  signer.full_name = profile.name;
  signer.position = profile.position;
  signer.nip = profile.nip;
  const Config::Documents::Signer* configured = nullptr;
  for (const auto& s : settings_.signers) {
    if (s.user == actor.name) configured = &s;
  }
  if (configured != nullptr && !configured->pkcs12.empty()) {
    std::string password;
    if (!configured->password_file.empty()) {
      ASSIGN_OR_RETURN(password, ReadPassword(configured->password_file));
    }
    auto identity = LoadPkcs12(configured->pkcs12, password);
    if (!identity.ok()) {
      return FailedPrecondition("the certificate of '" + actor.name + "' (" + configured->pkcs12 +
                                ") cannot be used: " + identity.status().message());
    }
    signer.certified = !SelfSigned(*identity);
    signer.identity = std::make_shared<const SigningIdentity>(std::move(*identity));
    return signer;
  }
  if (CheckSignerUser(actor.name).ok()) {
    const std::string p12 = dir_ + "/" + actor.name + ".p12";
    if (std::filesystem::exists(p12)) {
      ASSIGN_OR_RETURN(const std::string password, ReadPassword(dir_ + "/" + actor.name + ".pass"));
      auto identity = LoadPkcs12(p12, password);
      if (!identity.ok()) {
        return FailedPrecondition("the trial certificate " + p12 +
                                  " cannot be used: " + identity.status().message());
      }
      signer.identity = std::make_shared<const SigningIdentity>(std::move(*identity));
      return signer;
    }
  }
  ASSIGN_OR_RETURN(signer.identity, Installation());
  return signer;
}

Result<std::shared_ptr<const SigningIdentity>> SignerDirectory::Installation() {
  std::lock_guard lock(mu_);
  if (installation_) return installation_;
  const std::string p12 = dir_ + "/installation.p12", pass = dir_ + "/installation.pass";
  if (std::filesystem::exists(p12)) {
    ASSIGN_OR_RETURN(const std::string password, ReadPassword(pass));
    ASSIGN_OR_RETURN(SigningIdentity identity, LoadPkcs12(p12, password));
    installation_ = std::make_shared<const SigningIdentity>(std::move(identity));
    return installation_;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Internal("cannot create " + dir_ + ": " + ec.message());
  ASSIGN_OR_RETURN(SigningIdentity identity,
                   MakeSelfSignedIdentity(Clip("Pantau " + settings_.team_name, 64),
                                          Clip(settings_.office, 64), 3650, clock_));
  const std::string password = RandomHex(16);
  RETURN_IF_ERROR(WriteSecretFile(pass, password + "\n"));
  RETURN_IF_ERROR(WritePkcs12(identity, p12, password));
  installation_ = std::make_shared<const SigningIdentity>(std::move(identity));
  return installation_;
}

Result<std::string> SignerDirectory::MakeTrialCertificate(std::string_view user,
                                                          std::string_view full_name) {
  RETURN_IF_ERROR(CheckSignerUser(user));
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Internal("cannot create " + dir_ + ": " + ec.message());
  const std::string name = full_name.empty() ? std::string(user) : std::string(full_name);
  ASSIGN_OR_RETURN(SigningIdentity identity,
                   MakeSelfSignedIdentity(Clip(name, 64), Clip(settings_.office, 64), 365, clock_));
  const std::string password = RandomHex(16);
  const std::string base = dir_ + "/" + std::string(user);
  RETURN_IF_ERROR(WriteSecretFile(base + ".pass", password + "\n"));
  RETURN_IF_ERROR(WritePkcs12(identity, base + ".p12", password));
  return identity.FingerprintSha256();
}

}  // namespace pantau::docs
