// Splitting a log message into tokens and masking the variable parts of each token (numbers,
// IPv4/IPv6 addresses, hex, paths, URLs, e-mail addresses, UUIDs, timestamps) with "<*>", before
// the template miner compares messages. Masking first is what lets a miner with a fixed-depth
// tree group "Failed password for root from 10.0.0.1 port 22" with its siblings: the variable
// tokens no longer scatter the messages over the tree.
//
// Hand-written scanners, no regular expressions: this runs once per ingested event.
//
// Log content is attacker-controlled, so the work and memory per message are bounded: at most
// `max_bytes` of the message are read and at most `max_tokens` tokens are made; what is cut off
// becomes one final "<*>" token, so two long messages that differ only past the cut still group.
//
// Thread-safety: a MessageTokenizer owns scratch buffers and is used by one thread at a time.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pantau::anomaly {

inline constexpr std::string_view kWildcard = "<*>";

struct TokenizerLimits {
  size_t max_bytes = 4096;  // of the message read; the rest becomes a final <*> token
  size_t max_tokens = 96;   // the last one is <*> when the message had more
};

// The masked form of one token on its own, e.g. "rhost=10.1.2.3" -> "rhost=<*>",
// "/var/log/messages" -> "<*>", "sshd(pam_unix)" -> unchanged. Exposed for tests.
std::string MaskToken(std::string_view token);

// True when a (masked) token holds a variable part; the tree routes such tokens to its wildcard
// branch.
bool HasWildcard(std::string_view token);

class MessageTokenizer {
 public:
  explicit MessageTokenizer(TokenizerLimits limits = {}) : limits_(limits) {}

  // The masked tokens of `message`, split at ASCII whitespace. The views point into this
  // tokenizer and stay valid until the next call.
  std::span<const std::string_view> Tokenize(std::string_view message);

  const TokenizerLimits& limits() const { return limits_; }

 private:
  TokenizerLimits limits_;
  std::string text_;                     // the masked tokens, back to back
  std::vector<size_t> ends_;             // where each token ends in text_
  std::vector<std::string_view> views_;  // into text_
};

}  // namespace pantau::anomaly
