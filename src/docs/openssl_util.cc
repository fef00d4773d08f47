#include "docs/openssl_util.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <string>

namespace pantau {

void OpenSslFree::operator()(X509* p) const { X509_free(p); }
void OpenSslFree::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
void OpenSslFree::operator()(BIO* p) const { BIO_free_all(p); }
void OpenSslFree::operator()(CMS_ContentInfo* p) const { CMS_ContentInfo_free(p); }
void OpenSslFree::operator()(PKCS12* p) const { PKCS12_free(p); }
void OpenSslFree::operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
void OpenSslFree::operator()(BIGNUM* p) const { BN_free(p); }
void OpenSslFree::operator()(ASN1_INTEGER* p) const { ASN1_INTEGER_free(p); }

Status OpenSslError(std::string_view what) {
  std::string message(what);
  // At most a few entries: the queue is per thread and bounded, but say only what helps.
  for (int i = 0; i < 4; ++i) {
    const unsigned long code = ERR_get_error();
    if (code == 0) break;
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    message += i == 0 ? ": " : "; ";
    message += buffer;
  }
  ERR_clear_error();
  return Internal(std::move(message));
}

}  // namespace pantau
