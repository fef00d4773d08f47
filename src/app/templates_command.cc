// `pantau templates FILE...`: the log template of every line, as the online miner assigns it, so
// its grouping can be read, searched and scored against a ground truth (bench/
// template_accuracy.py). One miner learns over all files in order, as it would in the pipeline.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <unordered_map>

#include "app/commands.h"
#include "app/terminal_text.h"
#include "core/csv.h"
#include "detect/anomaly/log_format.h"
#include "detect/anomaly/template_miner.h"

namespace pantau {
namespace {

using anomaly::TemplateId;

struct LineResult {
  uint32_t file = 0;
  uint64_t line = 0;
  TemplateId id = 0;
  std::string content;  // only with --content
};

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int RunTemplates(const TemplatesFlags& flags) {
  auto format = anomaly::LogFormat::Make(flags.format);
  if (!format.ok()) return Fail(format.status());
  anomaly::MinerOptions options;
  if (flags.similarity > 0) options.similarity = flags.similarity;
  if (flags.prefix_tokens > 0) options.prefix_tokens = flags.prefix_tokens;
  auto loaded = flags.state.empty()
                    ? Result<anomaly::TemplateMiner>(anomaly::TemplateMiner(options))
                    : anomaly::TemplateMiner::Load(flags.state, options);
  if (!loaded.ok()) return Fail(loaded.status());
  anomaly::TemplateMiner miner = std::move(*loaded);

  std::vector<LineResult> results;
  // The text a template had when last seen, for templates forgotten at a cap before the end.
  std::unordered_map<TemplateId, std::string> last_text;
  uint64_t headerless = 0;
  double miner_seconds = 0;
  for (uint32_t f = 0; f < flags.files.size(); ++f) {
    std::ifstream in(flags.files[f], std::ios::binary);
    if (!in) return Fail(NotFound(flags.files[f] + ": cannot read"));
    std::string line;
    uint64_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const double start = CpuSeconds();
      std::optional<std::string_view> content = format->Content(line);
      if (!content) {
        ++headerless;  // not this format's header: the whole line is the message
        content = line;
      }
      const anomaly::TemplateMatch m = miner.Add(*content);
      miner_seconds += CpuSeconds() - start;
      results.push_back({f, number, m.id, flags.content ? std::string(*content) : std::string()});
    }
    for (const anomaly::TemplateInfo& t : miner.Templates()) last_text[t.id] = t.text;
  }
  for (const anomaly::TemplateInfo& t : miner.Templates()) last_text[t.id] = t.text;

  std::string out;
  if (flags.csv) {
    out = flags.content ? "file,line,template_id,template,content\n"
                        : "file,line,template_id,template\n";
  }
  for (const LineResult& r : results) {
    const std::string& text = last_text[r.id];
    if (flags.csv) {
      AppendCsvCell(out, flags.files[r.file]);
      out += fmt::format(",{},{},", r.line, anomaly::FormatTemplateId(r.id));
      AppendCsvCell(out, text);
      if (flags.content) {
        out += ',';
        AppendCsvCell(out, r.content);
      }
      out += '\n';
    } else {
      out += fmt::format("{}:{}  {}  {}\n", TerminalSafe(flags.files[r.file]), r.line,
                         anomaly::FormatTemplateId(r.id), TerminalSafe(text));
    }
    if (out.size() > (1u << 20)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);

  if (!flags.state.empty()) {
    if (Status s = miner.Save(flags.state); !s.ok()) return Fail(s);
  }
  const anomaly::MinerStats stats = miner.stats();
  std::fprintf(stderr,
               "%zu lines, %zu templates (%zu forgotten at a cap), %lu lines without the "
               "format's header; miner: %.0f lines/s of CPU time\n",
               results.size(), stats.templates, static_cast<size_t>(stats.forgotten), headerless,
               miner_seconds > 0 ? static_cast<double>(results.size()) / miner_seconds : 0.0);
  return kExitOk;
}

}  // namespace pantau
