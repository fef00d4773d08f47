// What smtp_sender.cc and webhook_sender.cc share of libcurl: the one global init, owners of an
// easy handle and of a string list, and reading a secret from a file.
//
// Thread-safety: InitCurl may be called from any thread (once is done); handles belong to the
// thread that made them.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#include "core/status.h"

namespace pantau::notify_internal {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlList = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init, once per process; then a new easy handle (null when out of memory).
CurlHandle NewCurlHandle();

// Appends to a string list; false when out of memory.
bool Append(CurlList& list, const std::string& item);

// The first line of a secret file (a password, a bot token), without its line end. `what` names
// the setting in errors, which never hold the file's content.
Result<std::string> ReadSecretFile(const std::string& path, std::string_view what);

}  // namespace pantau::notify_internal
