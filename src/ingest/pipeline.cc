#include "ingest/pipeline.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace pantau {

const char* InputName(Input input) {
  switch (input) {
    case Input::kSyslogUdp:
      return "syslog-udp";
    case Input::kSyslogTcp:
      return "syslog-tcp";
    case Input::kSyslogTls:
      return "syslog-tls";
    case Input::kHttp:
      return "http";
    case Input::kFile:
      return "file";
    case Input::kDemo:
      return "demo";
  }
  return "unknown";
}

Pipeline::Pipeline(EventStore& store, Metrics& metrics, PipelineOptions options)
    : store_(store),
      options_(options),
      raw_queue_(options.queue_bytes),
      store_queue_(options.queue_bytes) {
  for (int i = 0; i < kInputCount; ++i) {
    const std::string label = std::string("input=\"") + InputName(static_cast<Input>(i)) + "\"";
    counters_[i].received = &metrics.GetCounter(
        "pantau_events_received_total", "Lines accepted into the pipeline, per input.", label);
    counters_[i].bytes = &metrics.GetCounter("pantau_received_bytes_total",
                                             "Bytes of accepted lines, per input.", label);
    counters_[i].dropped = &metrics.GetCounter(
        "pantau_events_dropped_total", "Lines lost before the pipeline (UDP, queue full).", label);
    counters_[i].truncated = &metrics.GetCounter("pantau_events_truncated_total",
                                                 "Lines cut to the maximum line size.", label);
  }
  decoded_ = &metrics.GetCounter("pantau_events_decoded_total", "Lines decoded by a decoder.");
  decode_failed_ = &metrics.GetCounter("pantau_events_decode_failed_total",
                                       "Lines no decoder understood; stored raw with a mark.");
  stored_ = &metrics.GetCounter("pantau_events_stored_total", "Events durably stored.");
  store_errors_ =
      &metrics.GetCounter("pantau_store_errors_total", "Failed store transactions (retried).");
  lost_ = &metrics.GetCounter("pantau_events_lost_total",
                              "Accepted events not stored: the store failed during shutdown.");
  metrics.AddGauge("pantau_queue_bytes", "Bytes of events waiting in a pipeline queue.",
                   "queue=\"decode\"", [this] { return static_cast<double>(raw_queue_.size()); });
  metrics.AddGauge("pantau_queue_bytes", "Bytes of events waiting in a pipeline queue.",
                   "queue=\"store\"", [this] { return static_cast<double>(store_queue_.size()); });
  metrics.AddGauge("pantau_queue_capacity_bytes", "Bytes a pipeline queue holds at most.", "",
                   [this] { return static_cast<double>(raw_queue_.capacity()); });
}

Pipeline::~Pipeline() { Stop(); }

void Pipeline::Start() {
  if (started_.exchange(true)) return;
  decoder_ = std::thread([this] { DecodeLoop(); });
  writer_ = std::thread([this] { WriteLoop(); });
  maintainer_ = std::thread([this] { MaintainLoop(); });
}

// What an item weighs in its queue: its text, plus a fixed overhead per event for the objects
// around it, so that many tiny events are bounded too.
constexpr size_t kEventOverhead = 256;

size_t Pipeline::BytesOf(const RawBatch& batch) {
  size_t bytes = 0;
  for (const auto& line : batch.lines) bytes += line.bytes.size() + kEventOverhead;
  return bytes;
}

size_t Pipeline::BytesOf(const std::vector<EventRow>& rows) {
  size_t bytes = 0;
  for (const auto& r : rows) {
    bytes += r.raw.size() + r.message.size() + r.fields_json.size() + r.dataset.size() +
             r.error.size() + kEventOverhead;
    for (const auto& h : r.hot) bytes += h.size();
  }
  return bytes;
}

bool Pipeline::Submit(RawBatch batch) {
  const size_t bytes = BytesOf(batch);
  return raw_queue_.Push(std::move(batch), bytes);
}

bool Pipeline::TrySubmit(RawBatch& batch) { return raw_queue_.TryPush(batch, BytesOf(batch)); }

Pipeline::StoreItem Pipeline::Encode(std::vector<Event> events) {
  StoreItem item;
  if (options_.enricher != nullptr) options_.enricher->Enrich(events);
  if (options_.hook != nullptr) item.pending = options_.hook->Inspect(events);
  // Encoding here, not in the writer, keeps the single writer thread to inserting only.
  item.rows.reserve(events.size());
  for (auto& e : events) item.rows.push_back(EncodeEvent(std::move(e)));
  return item;
}

Result<std::future<Status>> Pipeline::SubmitDecoded(std::vector<Event> events,
                                                    std::string_view peer) {
  // Counted once accepted: a request refused here is sent again.
  SourceTally tally = SourceStats::Count(InputName(Input::kHttp), peer, events);
  StoreItem item = Encode(std::move(events));
  item.done = std::make_shared<std::promise<Status>>();
  auto future = item.done->get_future();
  const size_t bytes = BytesOf(item.rows);
  if (!store_queue_.TryPush(item, bytes)) {
    {
      std::lock_guard lock(stop_mu_);
      if (stopping_) return Unavailable("the server is shutting down");
    }
    return ResourceExhausted("the ingest queue is full; retry later");
  }
  sources_.Add(tally);
  return future;
}

void Pipeline::BeginStop() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
}

void Pipeline::Stop() {
  BeginStop();
  if (stopped_.exchange(true)) return;
  // Order matters: the decoder drains the raw queue into the store queue, then the writer drains
  // the store queue. Closing a queue lets its consumer finish what it holds and then stop.
  raw_queue_.Close();
  if (decoder_.joinable()) decoder_.join();
  store_queue_.Close();
  if (writer_.joinable()) writer_.join();
  if (maintainer_.joinable()) maintainer_.join();
  // Everything accepted has been enriched now: keep what the enricher learned.
  if (options_.enricher != nullptr) {
    if (Status s = options_.enricher->Maintain(); !s.ok()) {
      spdlog::error("event enrichment: {}", s.ToString());
    }
  }
}

namespace {

// Decoders throw nothing by design; should a library under them throw anyway (bad_alloc), the
// line is kept raw rather than losing the batch or the thread.
Event DecodeOrKeepRaw(std::string_view line, Format format, const DecodeContext& ctx) {
  try {
    return Decode(line, format, ctx);
  } catch (const std::exception& e) {
    return Decode(line, Format::kRaw, ctx);
  }
}

}  // namespace

void Pipeline::DecodeLoop() {
  std::vector<RawBatch> batches;
  while (true) {
    batches.clear();
    if (!raw_queue_.PopBatch(batches, 64, std::chrono::milliseconds(200))) break;
    // Rows are handed over one batch at a time, so this thread holds at most what it took out of
    // the raw queue (within that queue's bound) plus the rows of one batch.
    for (const auto& b : batches) {
      DecodeContext ctx;
      ctx.source_address = b.source_address;
      ctx.input = InputName(b.input);
      std::vector<Event> events;
      events.reserve(b.lines.size());
      uint64_t failed = 0;
      for (const auto& line : b.lines) {
        ctx.received = line.received;
        Event& e = events.emplace_back(DecodeOrKeepRaw(line.bytes, b.format, ctx));
        e.flags |= line.flags;
        if (e.flags & kDecodeError) ++failed;
      }
      decoded_->Add(b.lines.size() - failed);
      decode_failed_->Add(failed);
      sources_.Add(SourceStats::Count(ctx.input, b.source_address, events));
      StoreItem item = Encode(std::move(events));
      const size_t bytes = BytesOf(item.rows);
      // The store queue is only closed after this thread has ended, so Push cannot fail here.
      store_queue_.Push(std::move(item), bytes);
    }
  }
}

Status Pipeline::AppendWithRetry(std::span<const EventRow> rows, std::vector<std::string>& ids) {
  auto delay = std::chrono::milliseconds(100);
  ids.clear();
  for (int attempt = 1;; ++attempt) {
    Status s = store_.Append(rows, &ids);
    if (s.ok()) return s;
    store_errors_->Add();
    bool stopping;
    {
      std::lock_guard lock(stop_mu_);
      stopping = stopping_;
    }
    // While running, retry without end: the queues fill and push back on the senders. When
    // stopping, give up after a few attempts (at once after the first time) and say loudly
    // what was lost.
    if (stopping && (attempt >= 5 || gave_up_)) {
      gave_up_ = true;
      lost_->Add(rows.size());
      spdlog::error("store: giving up on {} events after {} attempts: {}", rows.size(), attempt,
                    s.ToString());
      return s;
    }
    spdlog::warn("store: append of {} events failed (attempt {}), retrying in {} ms: {}",
                 rows.size(), attempt, delay.count(), s.ToString());
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, std::chrono::milliseconds(5000));
  }
}

void Pipeline::WriteLoop() {
  std::vector<StoreItem> items;
  std::vector<EventRow> rows;
  std::vector<std::string> ids;
  while (true) {
    items.clear();
    if (!store_queue_.PopBatch(items, 4096, std::chrono::milliseconds(200))) break;
    // Gather items until the batch is full; one transaction covers them all, and a request from
    // HTTP ingest is never split across transactions.
    size_t begin = 0;
    while (begin < items.size()) {
      size_t end = begin;
      size_t count = 0;
      while (end < items.size() &&
             (end == begin || count + items[end].rows.size() <= options_.batch_events)) {
        count += items[end].rows.size();
        ++end;
      }
      rows.clear();
      rows.reserve(count);
      for (size_t i = begin; i < end; ++i) {
        for (auto& r : items[i].rows) {
          r.seq = ++next_seq_;
          rows.push_back(std::move(r));
        }
      }
      Status s;
      try {
        s = AppendWithRetry(rows, ids);
      } catch (
          const std::exception& e) {  // the store throws nothing by design; see DecodeOrKeepRaw
        s = Internal(std::string("store: ") + e.what());
        lost_->Add(rows.size());
        spdlog::error("{}; {} events lost", s.message(), rows.size());
      }
      if (s.ok()) stored_->Add(rows.size());
      size_t first_row = 0;
      for (size_t i = begin; i < end; ++i) {
        const size_t n = items[i].rows.size();
        if (s.ok() && items[i].pending) {
          items[i].pending->Stored(std::span(ids).subspan(first_row, n));
        }
        first_row += n;
        if (items[i].done) items[i].done->set_value(s);
      }
      begin = end;
    }
  }
}

void Pipeline::MaintainLoop() {
  std::unique_lock lock(stop_mu_);
  while (!stopping_) {
    lock.unlock();
    if (Status s = store_.Maintain(); !s.ok()) spdlog::error("store maintenance: {}", s.ToString());
    if (options_.enricher != nullptr) {
      if (Status s = options_.enricher->Maintain(); !s.ok()) {
        spdlog::error("event enrichment: {}", s.ToString());
      }
    }
    lock.lock();
    stop_cv_.wait_for(lock, options_.maintain_every, [this] { return stopping_; });
  }
}

}  // namespace pantau
