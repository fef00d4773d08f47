// An online log template miner in the spirit of Drain (He et al., ICWS 2017): each message, its
// variables masked (masking.h), walks a tree of fixed depth, first by its token count, then by
// its first `prefix_tokens` tokens; the leaf it reaches holds a few templates, and the message
// joins the most similar one (the share of positions whose tokens are equal) when that share
// reaches `similarity`, turning the positions that differ into "<*>"; otherwise it starts a new
// template. Written from the paper's description.
//
// Ids: a template's id is a hash of its text when it was made (FNV-1a, 64 bits; the next salt on
// a collision with a live template), kept when later messages widen the text, and kept across
// restarts by Save/Load. The same message stream therefore gives the same ids in every run.
//
// Bounds (log content is attacker-controlled): the tokenizer reads at most 4 KiB and 96 tokens
// of a message; a tree node has at most `max_children` children (more go to its "<*>" child); a
// leaf holds at most `max_leaf_templates` templates and the miner at most `max_templates` or
// `max_bytes` of them: past a cap the least recently matched template is forgotten (its id may
// come back if its messages do). A flood of unique lines thus costs bounded memory and bounded
// work per line, at the price of forgetting rare templates during the flood.
//
// Thread-safety: a TemplateMiner is used by one thread at a time (one per pipeline thread, or
// behind SharedTemplateMiner's lock). It owns everything it points to.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "detect/anomaly/masking.h"

namespace pantau::anomaly {

using TemplateId = uint64_t;

// 16 lower-case hex digits, the form users search for (template_id:...).
std::string FormatTemplateId(TemplateId id);
std::optional<TemplateId> ParseTemplateId(std::string_view text);

struct MinerOptions {
  double similarity = 0.7;   // least share of equal tokens for a message to join a template
  size_t prefix_tokens = 2;  // leading tokens that choose the leaf (Drain's depth minus two)
  size_t max_children = 100;
  size_t max_leaf_templates = 128;
  size_t max_templates = 100'000;
  size_t max_bytes = 64u << 20;  // estimated memory of templates and tree
  TokenizerLimits tokenizer;
};

struct TemplateMatch {
  TemplateId id = 0;
  bool created = false;  // this message started the template
};

struct TemplateInfo {
  TemplateId id = 0;
  std::string text;  // tokens joined by one space
  uint64_t count = 0;
};

struct MinerStats {
  size_t templates = 0;
  size_t nodes = 0;
  size_t bytes = 0;        // estimated
  uint64_t forgotten = 0;  // templates dropped at a cap
};

class TemplateMiner {
 public:
  explicit TemplateMiner(MinerOptions options = {});
  TemplateMiner(TemplateMiner&&) noexcept;
  TemplateMiner& operator=(TemplateMiner&&) noexcept;
  ~TemplateMiner();

  // Learns from `message` (the message part of a log line, without its header) and says which
  // template it belongs to.
  TemplateMatch Add(std::string_view message);

  // The current text of a template, if the miner still knows it.
  std::optional<std::string> Text(TemplateId id) const;
  // Every template, least recently matched first.
  std::vector<TemplateInfo> Templates() const;
  MinerStats stats() const;
  const MinerOptions& options() const { return options_; }

  // The state as text, and back: "pantau-templates 1", then one template a line, least recently
  // matched first: id, count, tree path, text, separated by tabs (tokens hold no whitespace).
  std::string Serialize() const;
  static Result<TemplateMiner> Deserialize(std::string_view text, MinerOptions options);
  // Save writes a temporary file and renames it over `path`, so a crash leaves the old state.
  Status Save(const std::string& path) const;
  // A missing file gives an empty miner.
  static Result<TemplateMiner> Load(const std::string& path, MinerOptions options);

 private:
  struct Node;
  struct Cluster;

  // The leaf for `path`, made when `create`; nullptr when absent.
  Node* Leaf(std::span<const std::string> path, bool create);
  std::vector<std::string> PathOf(std::span<const std::string_view> tokens) const;
  Cluster* Best(Node& leaf, std::span<const std::string_view> tokens) const;
  TemplateId NewId(std::string_view text) const;
  void MakeRoom(size_t bytes);
  void Forget(Cluster& cluster);
  Cluster& Insert(Node& leaf, TemplateId id, std::vector<std::string> tokens, uint64_t count);

  MinerOptions options_;
  MessageTokenizer tokenizer_;
  std::unique_ptr<Node> root_;
  std::list<Cluster> lru_;  // least recently matched first
  std::unordered_map<TemplateId, Cluster*> by_id_;
  size_t nodes_ = 0;
  size_t bytes_ = 0;
  uint64_t forgotten_ = 0;
  uint64_t tick_ = 0;  // counts matches, for least-recently-matched order within a leaf
};

// One miner shared by several threads behind a mutex, so that every thread gives a message the
// same id. Thread-safe.
class SharedTemplateMiner {
 public:
  explicit SharedTemplateMiner(TemplateMiner miner) : miner_(std::move(miner)) {}

  TemplateMatch Add(std::string_view message) {
    std::lock_guard lock(mu_);
    return miner_.Add(message);
  }
  std::optional<std::string> Text(TemplateId id) const {
    std::lock_guard lock(mu_);
    return miner_.Text(id);
  }
  Status Save(const std::string& path) const {
    std::lock_guard lock(mu_);
    return miner_.Save(path);
  }

 private:
  mutable std::mutex mu_;
  TemplateMiner miner_;  // GUARDED_BY(mu_)
};

}  // namespace pantau::anomaly
