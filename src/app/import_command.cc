// `pantau import FILE...`: decode and store files, with a progress bar on a terminal and a
// one-line summary otherwise.
#include <fmt/format.h>

#include <cstdio>

#include "app/commands.h"
#include "app/progress_bar.h"
#include "ingest/file_import.h"
#include "ingest/pipeline.h"
#include "store/event_store.h"

namespace pantau {
int RunImport(const Config& config, const ImportFlags& flags) {
  auto format = ParseFormat(flags.format);
  if (!format.ok()) return Fail(format.status());
  const Clock& clock = SystemClock::Get();
  auto store = OpenStore(config, clock);
  if (!store.ok()) return Fail(store.status());
  auto templates = OpenTemplateIndex(config);
  if (!templates.ok()) return Fail(templates.status());
  Metrics metrics;
  PipelineOptions pipeline_options = PipelineOptionsFrom(config);
  pipeline_options.enricher = templates->get();  // saved by pipeline.Stop()
  Pipeline pipeline(**store, metrics, pipeline_options);
  pipeline.Start();

  ProgressBar bar;
  ImportOptions options;
  options.format = *format;
  options.max_line_bytes = config.syslog.max_line_bytes;
  options.on_progress = [&](const ImportProgress& p) {
    bar.Draw(p.bytes_done, p.bytes_total, static_cast<double>(pipeline.stored()), "events/s");
  };
  auto result = ImportFiles(flags.files, options, pipeline, clock);
  pipeline.Stop();  // everything read is stored before the summary
  const double t = bar.Elapsed();
  bar.Finish();
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
  const double before_maintain = bar.Elapsed();
  if (Status s = (*store)->Maintain(); !s.ok()) return Fail(s);
  std::fprintf(stderr, "closed and indexed past days in %.2f s\n", bar.Elapsed() - before_maintain);
  if (pipeline.stored() != result->lines) {
    return Fail(Internal("read " + std::to_string(result->lines) + " lines but stored " +
                         std::to_string(pipeline.stored()) + "; see the errors above"));
  }
  return kExitOk;
}

}  // namespace pantau
