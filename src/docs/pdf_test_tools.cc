#include "docs/pdf_test_tools.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace pantau {
namespace {

namespace fs = std::filesystem;

// A PDF written to a fresh temporary file, removed with the object.
class TempPdf {
 public:
  explicit TempPdf(const std::string& pdf) {
    char name[] = "/tmp/pantau-docs-XXXXXX";
    const int fd = mkstemp(name);
    if (fd >= 0) close(fd);
    path_ = std::string(name) + ".pdf";
    fs::rename(name, path_);
    std::ofstream(path_, std::ios::binary) << pdf;
  }
  ~TempPdf() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::string RunTool(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run: " << command;
    return "";
  }
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "failed (" << status << "): " << command
                  << "\n(poppler-utils installed? apt-get install poppler-utils)";
  }
  return out;
}

std::vector<std::string> PdfPages(const std::string& pdf) {
  TempPdf file(pdf);
  const std::string text = RunTool("pdftotext -layout -enc UTF-8 '" + file.path() + "' -");
  std::vector<std::string> pages;
  size_t start = 0;
  for (size_t ff; (ff = text.find('\f', start)) != std::string::npos; start = ff + 1) {
    pages.push_back(text.substr(start, ff - start));
  }
  if (start < text.size() && text.find_first_not_of(" \n", start) != std::string::npos) {
    pages.push_back(text.substr(start));
  }
  return pages;
}

std::string PdfPhrases(const std::string& pdf) {
  TempPdf file(pdf);
  const std::string text = RunTool("pdftotext -raw -enc UTF-8 '" + file.path() + "' -");
  std::string out;
  for (char c : text) {
    const bool space = c == ' ' || c == '\n' || c == '\f' || c == '\t' || c == '\r';
    if (space) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string PdfInfo(const std::string& pdf) {
  TempPdf file(pdf);
  return RunTool("pdfinfo '" + file.path() + "'");
}

std::string PdfFonts(const std::string& pdf) {
  TempPdf file(pdf);
  return RunTool("pdffonts '" + file.path() + "'");
}

void WriteRendering(const std::string& name, const std::string& pdf) {
  fs::path dir;
  if (const char* env = std::getenv("PANTAU_DOCS_RENDERINGS")) {
    dir = env;
  } else {
    const char* src = std::getenv("PANTAU_SOURCE_DIR");
    dir = (src ? fs::path(src) : fs::current_path()) / "build/ci/docs-renderings";
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  ASSERT_FALSE(ec) << dir << ": " << ec.message();
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind(name + "-", 0) == 0 && e.path().extension() == ".png") fs::remove(e.path(), ec);
  }
  const fs::path pdf_path = dir / (name + ".pdf");
  std::ofstream(pdf_path, std::ios::binary) << pdf;
  RunTool("pdftoppm -r 60 -png '" + pdf_path.string() + "' '" + (dir / name).string() + "'");
}

}  // namespace pantau
