#include "docs/default_templates.h"

#include <filesystem>
#include <system_error>

#include "core/files.h"
#include "docs/default_templates_text.h"
#include "docs/document_template.h"

namespace pantau {

std::string_view DocumentKindName(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::kIncidentReport:
      return "incident_report";
    case DocumentKind::kWorkReport:
      return "work_report";
    case DocumentKind::kLetter:
      return "letter";
  }
  return "";
}

std::optional<DocumentKind> ParseDocumentKind(std::string_view name) {
  for (DocumentKind k :
       {DocumentKind::kIncidentReport, DocumentKind::kWorkReport, DocumentKind::kLetter}) {
    if (DocumentKindName(k) == name) return k;
  }
  return std::nullopt;
}

Result<std::string_view> DefaultTemplate(DocumentKind kind, std::string_view language) {
  if (language != "id" && language != "en") {
    return InvalidArgument("no template in language '" + std::string(language) +
                           "'; the languages are id and en");
  }
  return BuiltinTemplateText(std::string(DocumentKindName(kind)) + "." + std::string(language));
}

Result<std::string> LoadTemplate(const std::string& dir, DocumentKind kind,
                                 std::string_view language) {
  ASSIGN_OR_RETURN(std::string_view builtin, DefaultTemplate(kind, language));
  if (dir.empty()) return std::string(builtin);
  const std::filesystem::path path =
      std::filesystem::path(dir) /
      (std::string(DocumentKindName(kind)) + "." + std::string(language) + ".md");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::string(builtin);
  ASSIGN_OR_RETURN(std::string text, ReadFileText(path.string()));
  Result<DocumentTemplate> parsed = DocumentTemplate::Parse(text);
  if (!parsed.ok()) return InvalidArgument(path.string() + ": " + parsed.status().message());
  return text;
}

}  // namespace pantau
