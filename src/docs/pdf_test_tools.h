// Test helpers around poppler's command-line tools (pdftotext, pdffonts, pdftoppm): a PDF's text
// per page, its fonts, and PNG renderings for people to look at. Tests only.
//
// Thread-safety: each call uses its own temporary files; safe to call from several threads.
#pragma once

#include <string>
#include <vector>

namespace pantau {

// The output of a shell command; fails the running test when it cannot run or exits non-zero.
std::string RunTool(const std::string& command);

// The PDF's text, one string per page (pdftotext -layout).
std::vector<std::string> PdfPages(const std::string& pdf);

// The PDF's text in content order (pdftotext -raw), white space collapsed to single spaces: a
// value wrapped over lines or table cells reads as one phrase.
std::string PdfPhrases(const std::string& pdf);

// pdfinfo's report (title, author, dates, pages).
std::string PdfInfo(const std::string& pdf);

// pdffonts' table.
std::string PdfFonts(const std::string& pdf);

// Writes NAME.pdf and NAME-<page>.png (pdftoppm -r 60) into $PANTAU_DOCS_RENDERINGS, or
// build/ci/docs-renderings under the source tree.
void WriteRendering(const std::string& name, const std::string& pdf);

}  // namespace pantau
