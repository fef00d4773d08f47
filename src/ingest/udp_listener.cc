// Syslog over UDP (RFC 5426): one datagram, one message. A dedicated thread reads many
// datagrams per system call (recvmmsg) and hands them over in one batch; when the pipeline is
// full the batch is dropped and counted, since UDP has no way to push back.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "ingest/listener.h"

namespace pantau {
namespace {

constexpr int kDatagramsPerCall = 64;
constexpr int kStopDrainCalls = 1024;

std::string PeerAddress(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(ss).sin_addr, buf, sizeof buf);
  } else if (ss.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(ss).sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a6)) {
      inet_ntop(AF_INET, &a6.s6_addr[12], buf, sizeof buf);
    } else {
      inet_ntop(AF_INET6, &a6, buf, sizeof buf);
    }
  }
  return buf;
}

class UdpListener final : public Listener {
 public:
  UdpListener(int fd, uint16_t port, const ListenerOptions& options, Pipeline& pipeline,
              const Clock& clock)
      : fd_(fd), port_(port), options_(options), pipeline_(pipeline), clock_(clock) {}
  ~UdpListener() override {
    Stop();
    close(fd_);
  }

  void Start() override {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() override {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint16_t port() const override { return port_; }
  Input input() const override { return Input::kSyslogUdp; }

 private:
  void Run() {
    // One byte more than the limit tells a datagram that was cut; no datagram exceeds 65,535.
    size_ = std::min<size_t>(options_.max_line_bytes, 65535) + 1;
    buffers_.resize(size_ * kDatagramsPerCall);
    iov_.resize(kDatagramsPerCall);
    msgs_.resize(kDatagramsPerCall);
    peers_.resize(kDatagramsPerCall);
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) > 0) ReceiveBatch();
    }
    // Datagrams the kernel already holds were sent to us: take them before stopping (bounded,
    // for a sender that never pauses).
    for (int i = 0; i < kStopDrainCalls && ReceiveBatch() > 0; ++i) {
    }
  }

  // Reads what is waiting (up to kDatagramsPerCall datagrams) into the pipeline; returns how many.
  int ReceiveBatch() {
    for (int i = 0; i < kDatagramsPerCall; ++i) {
      iov_[i] = {buffers_.data() + i * size_, size_};
      std::memset(&msgs_[i], 0, sizeof msgs_[i]);
      msgs_[i].msg_hdr.msg_iov = &iov_[i];
      msgs_[i].msg_hdr.msg_iovlen = 1;
      msgs_[i].msg_hdr.msg_name = &peers_[i];
      msgs_[i].msg_hdr.msg_namelen = sizeof peers_[i];
    }
    const int n = recvmmsg(fd_, msgs_.data(), kDatagramsPerCall, MSG_DONTWAIT, nullptr);
    if (n <= 0) return 0;
    InputCounters& counters = pipeline_.counters(Input::kSyslogUdp);
    const TimeNs now = clock_.Now();
    // Datagrams of one call may come from different peers; batch per run of one peer.
    RawBatch batch;
    uint64_t bytes = 0, truncated = 0;
    auto flush = [&] {
      if (batch.lines.empty()) return;
      const size_t count = batch.lines.size();
      if (pipeline_.TrySubmit(batch)) {
        counters.received->Add(count);
      } else {
        counters.dropped->Add(count);
      }
      batch = RawBatch{};
    };
    for (int i = 0; i < n; ++i) {
      std::string peer = PeerAddress(peers_[i]);
      if (!batch.lines.empty() && peer != batch.source_address) flush();
      if (batch.lines.empty()) {
        batch.input = Input::kSyslogUdp;
        batch.format = options_.format;
        batch.source_address = std::move(peer);
      }
      size_t len = msgs_[i].msg_len;
      uint32_t flags = 0;
      if (len > options_.max_line_bytes || (msgs_[i].msg_hdr.msg_flags & MSG_TRUNC)) {
        len = std::min(len, options_.max_line_bytes);
        flags = kTruncated;
        ++truncated;
      }
      std::string_view text(buffers_.data() + i * size_, len);
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '\0')) {
        text.remove_suffix(1);
      }
      bytes += text.size();
      batch.lines.push_back({std::string(text), now, flags});
    }
    flush();
    counters.bytes->Add(bytes);
    counters.truncated->Add(truncated);
    return n;
  }

  const int fd_;
  const uint16_t port_;
  const ListenerOptions options_;
  Pipeline& pipeline_;
  const Clock& clock_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  // Receive buffers, owned by the listener's thread.
  size_t size_ = 0;
  std::vector<char> buffers_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> msgs_;
  std::vector<sockaddr_storage> peers_;
};

}  // namespace

Result<std::unique_ptr<Listener>> OpenUdpListener(const ListenAddress& address,
                                                  const ListenerOptions& options,
                                                  Pipeline& pipeline, const Clock& clock) {
  sockaddr_storage ss{};
  socklen_t len;
  if (inet_pton(AF_INET, address.host.c_str(), &reinterpret_cast<sockaddr_in&>(ss).sin_addr) == 1) {
    auto& a = reinterpret_cast<sockaddr_in&>(ss);
    a.sin_family = AF_INET;
    a.sin_port = htons(address.port);
    len = sizeof a;
  } else if (inet_pton(AF_INET6, address.host.c_str(),
                       &reinterpret_cast<sockaddr_in6&>(ss).sin6_addr) == 1) {
    auto& a = reinterpret_cast<sockaddr_in6&>(ss);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(address.port);
    len = sizeof a;
  } else {
    return InvalidArgument("syslog UDP: '" + address.host + "' is not an IP address");
  }
  const int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Internal(std::string("syslog UDP: socket: ") + std::strerror(errno));
  // A large receive buffer absorbs bursts while the batch is handed over.
  const int rcvbuf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    const int err = errno;
    close(fd);
    return Unavailable("syslog UDP: cannot listen on " + address.ToString() + ": " +
                       std::strerror(err));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  const uint16_t port =
      ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in&>(bound).sin_port
                                       : reinterpret_cast<sockaddr_in6&>(bound).sin6_port);
  return std::unique_ptr<Listener>(new UdpListener(fd, port, options, pipeline, clock));
}

}  // namespace pantau
