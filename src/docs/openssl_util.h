// Owning pointers for the OpenSSL objects the signature code uses, and the one way an OpenSSL
// failure becomes a Status (with OpenSSL's own error text, so the operator sees why).
//
// Thread-safety: free functions; OpenSslError reads and clears this thread's OpenSSL error queue.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string_view>

#include "core/status.h"

// Not in <openssl/types.h>; declared as cms.h and pkcs12.h do, to keep this header light.
typedef struct CMS_ContentInfo_st CMS_ContentInfo;  // NOLINT(modernize-use-using)
typedef struct PKCS12_st PKCS12;                    // NOLINT(modernize-use-using)

namespace pantau {

struct OpenSslFree {
  void operator()(X509* p) const;
  void operator()(EVP_PKEY* p) const;
  void operator()(BIO* p) const;
  void operator()(CMS_ContentInfo* p) const;
  void operator()(PKCS12* p) const;
  void operator()(EVP_MD_CTX* p) const;
  void operator()(BIGNUM* p) const;
  void operator()(ASN1_INTEGER* p) const;
};

using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, OpenSslFree>;
using Pkcs12Ptr = std::unique_ptr<PKCS12, OpenSslFree>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslFree>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OpenSslFree>;

// Internal(`what`: the queued OpenSSL errors), and clears the queue.
Status OpenSslError(std::string_view what);

}  // namespace pantau
