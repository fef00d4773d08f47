// Pipeline: listeners -> decoder -> store writer, joined by bounded queues.
//
//   listeners (UDP, TCP, TLS, file) --RawBatch--> [raw queue] --> decoder thread (decode, encode)
//   HTTP ingest (already decoded)   --rows----+                        |
//                                             v                        v
//                                        [store queue] <---------------+
//                                             |
//                                             v
//                                   writer thread: EventStore::Append, one transaction per batch
//
// With an enricher (log template ids: detect/anomaly/template_index.h), every decoded batch is
// enriched first, wherever it came from: on the decoder thread for listener and file input, on
// the calling thread for HTTP ingest (SubmitDecoded). Then, with a hook (live detection), each
// batch is shown to it (on the same thread), and its work finished on the writer thread once the
// batch is durable. The enricher's Maintain runs on the maintenance thread and once more at Stop,
// after everything accepted has been enriched.
//
// Both queues are bounded in bytes of the events they hold, so memory is bounded whatever the
// sizes of lines and batches (each stage also holds what it took out last). When they are full,
// Submit waits (TCP reading pauses), TrySubmit fails (UDP counts a drop) and SubmitDecoded fails
// (HTTP answers 503). Stop() closes the queues and drains them: everything accepted before Stop is
// stored.
//
// Thread-safety: Submit*, metrics and Stop may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/bounded_queue.h"
#include "core/clock.h"
#include "core/event.h"
#include "core/event_enricher.h"
#include "core/metrics.h"
#include "decode/decoder.h"
#include "ingest/event_hook.h"
#include "ingest/source_stats.h"
#include "store/event_store.h"

namespace pantau {

// Where lines come from; each has its own metric labels.
// kDemo: the generated, fake events of `pantau serve --demo` (demo_feed.h).
enum class Input { kSyslogUdp, kSyslogTcp, kSyslogTls, kHttp, kFile, kDemo };
constexpr int kInputCount = 6;
// "syslog-udp", "syslog-tcp", "syslog-tls", "http", "file", "demo": the input.type field and the
// label.
const char* InputName(Input input);

struct RawLine {
  std::string bytes;  // without the line terminator
  TimeNs received = 0;
  uint32_t flags = 0;  // kTruncated when the framer cut it
};

// Lines from one peer or file, decoded in order.
struct RawBatch {
  Input input = Input::kFile;
  Format format = Format::kAuto;
  std::string source_address;
  std::vector<RawLine> lines;
};

struct PipelineOptions {
  size_t queue_bytes = 64u << 20;  // bound of each of the two queues
  size_t batch_events = 20'000;    // most events per store transaction
  std::chrono::milliseconds maintain_every{60'000};
  EventEnricher* enricher = nullptr;  // not owned; runs before the hook, when set
  EventHook* hook = nullptr;          // not owned; live detection, when set
};

// Counters per input, registered once; the listeners bump received/dropped/truncated.
struct InputCounters {
  Counter* received;  // lines accepted into the pipeline
  Counter* bytes;
  Counter* dropped;    // lines lost before the pipeline (UDP with a full queue)
  Counter* truncated;  // lines cut to the size limit
};

class Pipeline {
 public:
  Pipeline(EventStore& store, Metrics& metrics, PipelineOptions options);
  ~Pipeline();  // Stop()s
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  void Start();

  // Waits for room. False once stopping: the batch was not accepted.
  bool Submit(RawBatch batch);
  // Only if there is room now; on false the batch is still the caller's.
  bool TrySubmit(RawBatch& batch);
  // Decoded events (HTTP ingest, from `peer`) stored together in one transaction. The future
  // resolves once they are durable (or storing them failed). ResourceExhausted when the queue is
  // full, Unavailable when stopping.
  Result<std::future<Status>> SubmitDecoded(std::vector<Event> events, std::string_view peer = {});

  // The first step of stopping, taken before the listeners stop: decoded batches are refused from
  // now on, and a failing store is given up on after a few attempts instead of being retried
  // without end, so that shutdown cannot hang. Listeners can still hand over what they read.
  void BeginStop();
  // Stores everything accepted, and joins the threads. Idempotent.
  void Stop();

  InputCounters& counters(Input input) { return counters_[static_cast<int>(input)]; }
  // Events durably stored so far.
  uint64_t stored() const { return stored_->value(); }
  // Events accepted and then lost: the store kept failing while stopping.
  uint64_t lost() const { return lost_->value(); }
  // What each input, sender and dataset sent since the start.
  const SourceStats& sources() const { return sources_; }

 private:
  struct StoreItem {
    std::vector<EventRow> rows;
    std::shared_ptr<std::promise<Status>> done;   // null for listener input
    std::unique_ptr<EventHook::Pending> pending;  // the hook's work once stored
  };
  // Runs the enricher and the hook over decoded events and encodes them.
  StoreItem Encode(std::vector<Event> events);

  void DecodeLoop();
  void WriteLoop();
  void MaintainLoop();
  // Appends, retrying while the store fails (disk full, locked): accepted events are never
  // dropped while there is a chance to store them.
  // `ids` receives the stored rows' event ids.
  Status AppendWithRetry(std::span<const EventRow> rows, std::vector<std::string>& ids);

  EventStore& store_;
  const PipelineOptions options_;
  static size_t BytesOf(const RawBatch& batch);
  static size_t BytesOf(const std::vector<EventRow>& rows);

  BoundedQueue<RawBatch> raw_queue_;
  BoundedQueue<StoreItem> store_queue_;
  InputCounters counters_[kInputCount];
  Counter* decoded_;
  Counter* decode_failed_;
  Counter* stored_;
  Counter* store_errors_;
  Counter* lost_;
  SourceStats sources_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // GUARDED_BY(stop_mu_)
  std::atomic<bool> started_{false};
  std::atomic<bool> stopped_{false};
  std::thread decoder_, writer_, maintainer_;
  uint64_t next_seq_ = 0;  // writer thread only
  bool gave_up_ = false;   // writer thread only: once given up while stopping, fail fast
};

}  // namespace pantau
