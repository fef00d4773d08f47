// Syslog listeners: UDP, TCP and TLS (RFC 5425), feeding the Pipeline.
//
// A listener binds in Open (so port 0 resolves to a real port before anything is announced),
// serves on its own thread after Start, and on Stop closes its sockets and hands everything it
// has read to the pipeline before returning: nothing received is lost on shutdown.
//
// Thread-safety: Start and Stop from the owning thread; the listener's work runs on its own.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/config.h"
#include "core/metrics.h"
#include "core/status.h"
#include "ingest/pipeline.h"

namespace pantau {

struct ListenerOptions {
  size_t max_line_bytes = 64 * 1024;
  Format format = Format::kAuto;
  int frame_timeout_s = 30;
  int idle_timeout_s = 600;
  size_t max_connections = 1000;
  std::string tls_cert, tls_key;  // PEM files; required for TLS
};

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void Start() = 0;
  virtual void Stop() = 0;
  // The bound port (the real one when 0 was asked for).
  virtual uint16_t port() const = 0;
  virtual Input input() const = 0;
};

Result<std::unique_ptr<Listener>> OpenUdpListener(const ListenAddress& address,
                                                  const ListenerOptions& options,
                                                  Pipeline& pipeline, const Clock& clock);
// `input` is kSyslogTcp or kSyslogTls.
Result<std::unique_ptr<Listener>> OpenStreamListener(Input input, const ListenAddress& address,
                                                     const ListenerOptions& options,
                                                     Pipeline& pipeline, Metrics& metrics,
                                                     const Clock& clock);

}  // namespace pantau
