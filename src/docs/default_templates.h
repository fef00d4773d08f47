// The SOP's three documents (incident report, work report for a false positive, notification
// letter to the PSE) in Indonesian and English: the default templates, kept as files in
// src/docs/templates/ and carried by the binary, and an admin's own versions in a configured
// folder that take their place.
//
// Thread-safety: pure functions; LoadTemplate reads files and may run on any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace pantau {

enum class DocumentKind { kIncidentReport, kWorkReport, kLetter };

// "incident_report", "work_report", "letter": the first part of a template's file name.
std::string_view DocumentKindName(DocumentKind kind);
std::optional<DocumentKind> ParseDocumentKind(std::string_view name);

// The built-in template; InvalidArgument for a language other than "id" and "en".
Result<std::string_view> DefaultTemplate(DocumentKind kind, std::string_view language);

// `dir`/<kind>.<language>.md (e.g. letter.id.md) when `dir` is set and holds that file, else the
// default. An admin's file that does not parse is an error naming the file, line and column,
// rather than a silent fallback.
Result<std::string> LoadTemplate(const std::string& dir, DocumentKind kind,
                                 std::string_view language);

}  // namespace pantau
