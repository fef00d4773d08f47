// `pantau import FILE...`: decode and store files, with a progress bar on a terminal and a
// one-line summary otherwise.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "app/commands.h"
#include "ingest/file_import.h"
#include "ingest/pipeline.h"
#include "store/event_store.h"

namespace pantau {
namespace {

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  return fmt::format("{:.1f} {}", b, units[u]);
}

std::string Duration(double s) {
  const int t = static_cast<int>(s + 0.5);
  return fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
}

}  // namespace

int RunImport(const Config& config, const ImportFlags& flags) {
  auto format = ParseFormat(flags.format);
  if (!format.ok()) return Fail(format.status());
  const Clock& clock = SystemClock::Get();
  auto store = OpenStore(config, clock);
  if (!store.ok()) return Fail(store.status());
  Metrics metrics;
  Pipeline pipeline(**store, metrics, PipelineOptionsFrom(config));
  pipeline.Start();

  const bool tty = isatty(STDERR_FILENO) == 1;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  double last_draw = -1;
  ImportOptions options;
  options.format = *format;
  options.max_line_bytes = config.syslog.max_line_bytes;
  if (tty) {
    options.on_progress = [&](const ImportProgress& p) {
      const double t = elapsed();
      if (t - last_draw < 0.2) return;
      last_draw = t;
      const double frac = p.bytes_total ? static_cast<double>(p.bytes_done) / p.bytes_total : 1;
      const int width = 30;
      const int filled = static_cast<int>(frac * width);
      const double rate = t > 0 ? pipeline.stored() / t : 0;
      const double eta = frac > 0 ? t / frac - t : 0;
      std::fprintf(stderr, "\r[%s%s] %3d%% %s / %s  %s events/s  ETA %s ",
                   std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(),
                   static_cast<int>(frac * 100), HumanBytes(p.bytes_done).c_str(),
                   HumanBytes(p.bytes_total).c_str(), fmt::format("{:.0f}", rate).c_str(),
                   Duration(eta).c_str());
    };
  }
  auto result = ImportFiles(flags.files, options, pipeline, clock);
  pipeline.Stop();  // everything read is stored before the summary
  const double t = elapsed();
  if (tty) std::fprintf(stderr, "\n");
  if (!result.ok()) return Fail(result.status());
  const auto decode_failed = metrics.GetCounter("pantau_events_decode_failed_total", "").value();
  const auto truncated = pipeline.counters(Input::kFile).truncated->value();
  std::printf(
      "imported %llu events from %zu file%s (%s) in %.2f s: %.0f events/s; "
      "%llu not decoded (stored raw), %llu truncated\n",
      static_cast<unsigned long long>(pipeline.stored()), flags.files.size(),
      flags.files.size() == 1 ? "" : "s", HumanBytes(result->bytes_total).c_str(), t,
      t > 0 ? pipeline.stored() / t : 0.0, static_cast<unsigned long long>(decode_failed),
      static_cast<unsigned long long>(truncated));
  // Leave the store as the server would: old days closed and indexed, retention applied. Timed
  // apart, since it depends on which days the files covered.
  const double before_maintain = elapsed();
  if (Status s = (*store)->Maintain(); !s.ok()) return Fail(s);
  std::fprintf(stderr, "closed and indexed past days in %.2f s\n", elapsed() - before_maintain);
  if (pipeline.stored() != result->lines) {
    return Fail(Internal("read " + std::to_string(result->lines) + " lines but stored " +
                         std::to_string(pipeline.stored()) + "; see the errors above"));
  }
  return kExitOk;
}

}  // namespace pantau
