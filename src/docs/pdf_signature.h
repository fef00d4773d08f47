// PDF signatures: signing a PDF (PAdES baseline B, an invisible signature field) and verifying
// the signatures in one, for the documents of a case and the public verify page.
//
// Signing appends an incremental update: the original bytes stay as they are, followed by the
// signature dictionary (/ETSI.CAdES.detached), the signature field's widget, the first page and
// the catalog rewritten to point at them, a classic xref section with /Prev, and a new trailer.
// A signed PDF can be signed again; earlier signatures stay valid, each covering its revision.
// The CMS is a detached SignedData over the /ByteRange with SHA-256, signed attributes
// content-type, message-digest and signing-certificate-v2, no signing-time (the time is the
// dictionary's /M), and the signer's certificate and chain.
//
// Inputs are untrusted. Supported are PDFs whose cross-references are classic xref tables (what
// Cairo 1.16 writes, and what this code appends); cross-reference streams (compressed PDF 1.5
// files) and encrypted files are refused with an InvalidArgument that says so.
//
// Thread-safety: pure functions; safe from many threads, with the same identity too.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "docs/signing_identity.h"

namespace pantau {

struct SignatureRequest {
  std::string signer_name;                     // /Name: who signs, as shown by readers
  std::string reason;                          // /Reason, may be empty
  std::string location;                        // /Location, may be empty
  std::chrono::system_clock::time_point time;  // /M, the claimed signing time
  // /T of the new field; empty picks "Signature1", "Signature2", ... whichever is free.
  std::string field_name;
};

// The result for one signature field. `valid` says the signature is mathematically sound over
// the bytes it covers, made by the key of the certificate it carries; it says nothing about
// whether that certificate is trusted (no trust store is consulted).
struct SignatureCheck {
  bool valid = false;
  std::string reason_if_invalid;  // empty when valid

  std::string field_name;
  std::string signer_name;  // /Name of the signature dictionary
  std::string reason;
  std::string location;
  std::string sub_filter;  // "ETSI.CAdES.detached" or "adbe.pkcs7.detached"
  // /M; the epoch when the dictionary has none or it cannot be read.
  std::chrono::system_clock::time_point time;

  // The signer's certificate, when the CMS could be read.
  std::string signer_common_name;
  std::string subject;  // RFC 2253, e.g. "CN=Ana,O=CSIRT"
  std::string issuer;
  std::string serial_hex;
  std::string certificate_sha256;  // lowercase hex of the DER's SHA-256
  std::chrono::system_clock::time_point not_before;
  std::chrono::system_clock::time_point not_after;
  bool self_signed = false;

  // The signed bytes end where the file ends (trailing whitespace aside); false when a later
  // revision was appended after this signature.
  bool covers_whole_document = false;
  size_t signed_revision_end = 0;  // offset where the covered revision ends
};

// Signs `pdf` with `identity`; returns the whole signed file. InvalidArgument for a PDF this
// code cannot read or update (the message says what is wrong), AlreadyExists when the field
// name is taken, Internal for OpenSSL failures.
Result<std::string> SignPdf(std::string_view pdf, const SigningIdentity& identity,
                            const SignatureRequest& request);

// Checks every signed signature field of `pdf`, in the order of the form's fields. A damaged or
// forged signature gives a check with valid == false and the reason; a file that cannot be read
// as a PDF at all gives an InvalidArgument. A PDF without signatures gives an empty list.
Result<std::vector<SignatureCheck>> VerifyPdf(std::string_view pdf);

}  // namespace pantau
