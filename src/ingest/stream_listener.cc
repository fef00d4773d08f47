// Syslog over TCP (RFC 6587) and TLS (RFC 5425) on one Asio event loop thread.
//
// Back-pressure: after each read the session hands its complete frames to the pipeline; when the
// pipeline is full it waits (a short timer, retried) before reading again, so the kernel's
// buffers fill and the sender slows down. Other sessions go on meanwhile.
// Limits: a peer that stays inside one frame longer than frame_timeout, sends nothing for
// idle_timeout, or sends a stream that is not syslog (see SyslogFramer) is disconnected.
#include <spdlog/spdlog.h>

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include "ingest/framing.h"
#include "ingest/listener.h"

namespace pantau {
namespace {

using asio::ip::tcp;
using TlsStream = asio::ssl::stream<tcp::socket>;

// At shutdown, a session reads at most this much more of what its peer already sent (for TLS,
// what the kernel holds is decrypted as far as whole records allow).
constexpr size_t kShutdownDrainBytes = 16u << 20;

class StreamServer;

// What a server needs of a session without knowing its stream type.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Shutdown() = 0;
};

class StreamServer final : public Listener {
 public:
  StreamServer(Input input, const ListenerOptions& options, Pipeline& pipeline, Metrics& metrics,
               const Clock& clock)
      : input_(input),
        options_(options),
        pipeline_(pipeline),
        clock_(clock),
        acceptor_(io_),
        accept_retry_(io_) {
    const std::string label = std::string("input=\"") + InputName(input) + "\"";
    for (const char* reason : {"closed", "idle_timeout", "frame_timeout", "garbage", "error",
                               "connection_limit", "tls_handshake", "shutdown"}) {
      disconnects_.push_back(&metrics.GetCounter(
          "pantau_disconnects_total", "Closed syslog stream connections, per input and reason.",
          label + ",reason=\"" + reason + "\""));
    }
    metrics.AddGauge("pantau_connections", "Open syslog stream connections, per input.", label,
                     [this] { return static_cast<double>(open_.load()); });
  }

  ~StreamServer() override { Stop(); }

  Status Bind(const ListenAddress& address) {
    asio::error_code ec;
    const auto ip = asio::ip::make_address(address.host, ec);
    if (ec)
      return InvalidArgument(std::string(InputName(input_)) + ": '" + address.host +
                             "' is not an IP address");
    const tcp::endpoint endpoint(ip, address.port);
    if (input_ == Input::kSyslogTls) RETURN_IF_ERROR(SetUpTls());
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Unavailable(std::string(InputName(input_)) + ": cannot listen on " +
                         address.ToString() + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint(ec).port();
    return Status::Ok();
  }

  void Start() override {
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    if (thread_.joinable()) {
      // Shut down on the loop's own thread: sessions are only ever touched there.
      asio::post(io_, [this] {
        asio::error_code ec;
        acceptor_.close(ec);
        accept_retry_.cancel();
        auto sessions = sessions_;
        for (const auto& s : sessions) s->Shutdown();
        io_.stop();
      });
      thread_.join();
    }
  }

  uint16_t port() const override { return port_; }
  Input input() const override { return input_; }

  // Used by sessions, on the loop thread.
  enum Reason { kClosed, kIdle, kFrameTimeout, kGarbage, kError, kLimit, kHandshake, kShutdown };
  void Closed(const std::shared_ptr<SessionBase>& s, Reason reason) {
    if (sessions_.erase(s) > 0) {
      --open_;
      disconnects_[reason]->Add();
    }
  }
  asio::io_context& io() { return io_; }
  Pipeline& pipeline() { return pipeline_; }
  const ListenerOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }

 private:
  Status SetUpTls() {
    asio::error_code ec;
    tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                          asio::ssl::context::no_tlsv1_1,
                      ec);
    tls_->use_certificate_chain_file(options_.tls_cert, ec);
    if (ec)
      return InvalidArgument("syslog TLS: certificate " + options_.tls_cert + ": " + ec.message());
    tls_->use_private_key_file(options_.tls_key, asio::ssl::context::pem, ec);
    if (ec) return InvalidArgument("syslog TLS: key " + options_.tls_key + ": " + ec.message());
    return Status::Ok();
  }

  void Accept();

  const Input input_;
  const ListenerOptions options_;
  Pipeline& pipeline_;
  const Clock& clock_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::unique_ptr<asio::ssl::context> tls_;  // TLS listeners only
  uint16_t port_ = 0;
  std::set<std::shared_ptr<SessionBase>> sessions_;  // loop thread only
  std::atomic<size_t> open_{0};
  std::vector<Counter*> disconnects_;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

template <typename Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  Session(StreamServer& server, Stream stream, std::string peer)
      : server_(server),
        stream_(std::move(stream)),
        peer_(std::move(peer)),
        framer_(server.options().max_line_bytes),
        timer_(server.io()),
        watchdog_(server.io()),
        counters_(server.pipeline().counters(server.input())) {
    last_activity_ = server.clock().Now();
    // Until its first frame is complete (and through a TLS handshake) a peer is held to the frame
    // timeout, so silent connections cannot fill the connection limit for long.
    frame_started_ = last_activity_;
  }

  void Begin() {
    Watch();
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const asio::error_code& ec) {
                                if (ec) return self->Close(StreamServer::kHandshake);
                                self->Read();
                              });
    } else {
      Read();
    }
  }

  void Shutdown() override {
    // The peer is still sending, but what it sent is kept: what the kernel holds already, and the
    // partial line too.
    std::vector<RawLine> lines;
    const TimeNs now = server_.clock().Now();
    // Only a session that is reading: a TLS peer still in its handshake has sent no message.
    if (reading_) {
      asio::error_code ec;
      stream_.lowest_layer().non_blocking(true, ec);
      for (size_t drained = 0; !ec && drained < kShutdownDrainBytes;) {
        const size_t n = stream_.read_some(asio::buffer(buf_), ec);
        if (n == 0) break;
        drained += n;
        counters_.bytes->Add(n);
        if (!framer_.Feed(std::string_view(buf_.data(), n), now, lines).ok()) break;
      }
    }
    framer_.Finish(now, lines);
    AddPending(std::move(lines));
    Close(StreamServer::kShutdown);
  }

 private:
  void Read() {
    reading_ = true;
    stream_.async_read_some(asio::buffer(buf_),
                            [self = this->shared_from_this()](const asio::error_code& ec,
                                                              size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(const asio::error_code& ec, size_t n) {
    if (closed_) return;
    const TimeNs now = server_.clock().Now();
    last_activity_ = now;
    std::vector<RawLine> lines;
    Status framing;
    if (n > 0) {
      counters_.bytes->Add(n);
      const bool was_in_frame = framer_.InFrame();
      framing = framer_.Feed(std::string_view(buf_.data(), n), now, lines);
      if (!framer_.InFrame()) {
        frame_started_ = 0;
      } else if (!was_in_frame || !lines.empty()) {
        frame_started_ = now;
      }
    }
    if (ec || !framing.ok()) framer_.Finish(now, lines);
    AddPending(std::move(lines));
    if (!framing.ok()) {
      spdlog::warn("{} {}: disconnecting: {}", InputName(server_.input()), peer_,
                   framing.message());
      next_close_ = StreamServer::kGarbage;
    } else if (ec) {
      next_close_ = (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated)
                        ? StreamServer::kClosed
                        : StreamServer::kError;
    }
    DeliverThenContinue();
  }

  void AddPending(std::vector<RawLine> lines) {
    if (lines.empty()) return;
    uint64_t truncated = 0;
    for (const auto& l : lines) truncated += (l.flags & kTruncated) ? 1 : 0;
    counters_.truncated->Add(truncated);
    if (pending_.lines.empty()) {
      pending_.input = server_.input();
      pending_.format = server_.options().format;
      pending_.source_address = peer_;
      pending_.lines = std::move(lines);
    } else {
      for (auto& l : lines) pending_.lines.push_back(std::move(l));
    }
  }

  // Hands pending lines to the pipeline, then reads on (or closes). While the pipeline is full,
  // nothing is read: that is the back-pressure.
  void DeliverThenContinue() {
    if (!pending_.lines.empty()) {
      const size_t n = pending_.lines.size();
      if (!server_.pipeline().TrySubmit(pending_)) {
        timer_.expires_after(std::chrono::milliseconds(5));
        timer_.async_wait([self = this->shared_from_this()](const asio::error_code& ec) {
          if (!ec && !self->closed_) self->DeliverThenContinue();
        });
        return;
      }
      counters_.received->Add(n);
      pending_ = RawBatch{};
    }
    if (next_close_ >= 0) return Close(static_cast<StreamServer::Reason>(next_close_));
    Read();
  }

  void Watch() {
    watchdog_.expires_after(std::chrono::seconds(1));
    watchdog_.async_wait([self = this->shared_from_this()](const asio::error_code& ec) {
      if (ec || self->closed_) return;
      const TimeNs now = self->server_.clock().Now();
      // While the pipeline pushes back, the session is not reading: that is not the peer's fault.
      if (!self->pending_.lines.empty()) {
        self->last_activity_ = now;
        if (self->frame_started_ != 0) self->frame_started_ = now;
        return self->Watch();
      }
      const auto& o = self->server_.options();
      if (self->frame_started_ != 0 &&
          now - self->frame_started_ > o.frame_timeout_s * kNsPerSecond) {
        spdlog::warn("{} {}: disconnecting: a frame was left unfinished for {} s",
                     InputName(self->server_.input()), self->peer_, o.frame_timeout_s);
        std::vector<RawLine> lines;
        self->framer_.Finish(now, lines);
        self->AddPending(std::move(lines));
        return self->Close(StreamServer::kFrameTimeout);
      }
      if (now - self->last_activity_ > o.idle_timeout_s * kNsPerSecond) {
        return self->Close(StreamServer::kIdle);
      }
      self->Watch();
    });
  }

  void Close(StreamServer::Reason reason) {
    if (closed_) return;
    closed_ = true;
    // Whatever was read is delivered, waiting if it must: a close is rare and nothing is lost.
    if (!pending_.lines.empty()) {
      const size_t n = pending_.lines.size();
      if (server_.pipeline().Submit(std::move(pending_))) {
        counters_.received->Add(n);
      } else {
        counters_.dropped->Add(n);
      }
      pending_ = RawBatch{};
    }
    asio::error_code ignored;
    timer_.cancel();
    watchdog_.cancel();
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
    server_.Closed(this->shared_from_this(), reason);
  }

  StreamServer& server_;
  Stream stream_;
  const std::string peer_;
  SyslogFramer framer_;
  asio::steady_timer timer_;
  asio::steady_timer watchdog_;
  InputCounters& counters_;
  std::array<char, 64 * 1024> buf_;
  RawBatch pending_;
  TimeNs last_activity_ = 0;
  TimeNs frame_started_ = 0;
  int next_close_ = -1;
  bool closed_ = false;
  bool reading_ = false;  // the session got past the TLS handshake and reads messages
};

void StreamServer::Accept() {
  acceptor_.async_accept([this](const asio::error_code& ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of file descriptors and the like: retrying at once would spin the loop thread.
      spdlog::warn("{}: accept failed: {}; retrying in 200 ms", InputName(input_), ec.message());
      accept_retry_.expires_after(std::chrono::milliseconds(200));
      accept_retry_.async_wait([this](const asio::error_code& wait_ec) {
        if (!wait_ec) Accept();
      });
      return;
    }
    asio::error_code peer_ec;
    const auto remote = socket.remote_endpoint(peer_ec);
    std::string peer = peer_ec ? std::string() : remote.address().to_string();
    if (remote.address().is_v6() && remote.address().to_v6().is_v4_mapped()) {
      peer = asio::ip::make_address_v4(asio::ip::v4_mapped, remote.address().to_v6()).to_string();
    }
    if (sessions_.size() >= options_.max_connections) {
      socket.close(peer_ec);
      disconnects_[kLimit]->Add();
    } else if (input_ == Input::kSyslogTls) {
      auto s = std::make_shared<Session<TlsStream>>(*this, TlsStream(std::move(socket), *tls_),
                                                    std::move(peer));
      sessions_.insert(s);
      ++open_;
      s->Begin();
    } else {
      auto s = std::make_shared<Session<tcp::socket>>(*this, std::move(socket), std::move(peer));
      sessions_.insert(s);
      ++open_;
      s->Begin();
    }
    Accept();
  });
}

}  // namespace

Result<std::unique_ptr<Listener>> OpenStreamListener(Input input, const ListenAddress& address,
                                                     const ListenerOptions& options,
                                                     Pipeline& pipeline, Metrics& metrics,
                                                     const Clock& clock) {
  auto server = std::make_unique<StreamServer>(input, options, pipeline, metrics, clock);
  RETURN_IF_ERROR(server->Bind(address));
  return std::unique_ptr<Listener>(std::move(server));
}

}  // namespace pantau
