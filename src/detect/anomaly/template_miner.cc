#include "detect/anomaly/template_miner.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "core/files.h"
#include "core/hash.h"

namespace pantau::anomaly {
namespace {

constexpr std::string_view kStateHeader = "pantau-templates 1";
// Rough heap cost of the parts, for the memory cap: a std::string's own size, an allocation's
// bookkeeping, a map entry.
constexpr size_t kTokenOverhead = sizeof(std::string) + 16;
constexpr size_t kClusterOverhead = 160;
constexpr size_t kNodeOverhead = 160;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

size_t TokenBytes(const std::string& token) { return kTokenOverhead + token.size(); }

std::string Join(std::span<const std::string> tokens) {
  std::string out;
  for (const std::string& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find(sep, begin), text.size());
    out.emplace_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

// "action=deny", "user=root": a key with a word for its value. Such values are categories
// (an action, an outcome, a protocol, a well-known account) more often than free variables, and
// a SIEM wants "action=deny" and "action=accept" apart, so two messages that differ in one never
// share a template. Values with digits were masked already and do not count.
bool IsCategorical(std::string_view token) {
  const size_t eq = token.rfind('=');
  if (eq == std::string_view::npos || eq + 1 == token.size() || eq == 0) return false;
  return token.find(kWildcard, eq) == std::string_view::npos;
}

}  // namespace

struct TemplateMiner::Node {
  Node* parent = nullptr;
  std::string key;  // in the parent's map
  std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>> children;
  std::vector<Cluster*> clusters;  // on a leaf
};

struct TemplateMiner::Cluster {
  TemplateId id = 0;
  std::vector<std::string> tokens;
  uint64_t count = 0;
  Node* leaf = nullptr;
  uint64_t last_used = 0;  // TemplateMiner::tick_ when last matched
  std::list<Cluster>::iterator self;
  size_t bytes = 0;
};

std::string FormatTemplateId(TemplateId id) { return fmt::format("{:016x}", id); }

std::optional<TemplateId> ParseTemplateId(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  TemplateId id = 0;
  for (const char c : text) {
    int v = 0;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    id = (id << 4) | static_cast<TemplateId>(v);
  }
  return id;
}

TemplateMiner::TemplateMiner(MinerOptions options)
    : options_(options), tokenizer_(options.tokenizer), root_(std::make_unique<Node>()) {}
TemplateMiner::TemplateMiner(TemplateMiner&&) noexcept = default;
TemplateMiner& TemplateMiner::operator=(TemplateMiner&&) noexcept = default;
TemplateMiner::~TemplateMiner() = default;

std::vector<std::string> TemplateMiner::PathOf(std::span<const std::string_view> tokens) const {
  std::vector<std::string> path;
  path.reserve(1 + options_.prefix_tokens);
  path.push_back(std::to_string(tokens.size()));
  for (size_t i = 0; i < tokens.size() && i < options_.prefix_tokens; ++i) {
    // A token with a variable part would give every value its own branch.
    path.emplace_back(HasWildcard(tokens[i]) ? kWildcard : tokens[i]);
  }
  return path;
}

TemplateMiner::Node* TemplateMiner::Leaf(std::span<const std::string> path, bool create) {
  Node* node = root_.get();
  for (const std::string& key : path) {
    auto it = node->children.find(key);
    if (it == node->children.end()) {
      // A full node sends new keys to its <*> child, so one position flooded with distinct
      // words cannot grow the tree; one slot stays free for that child.
      const bool full = node->children.size() + 1 >= options_.max_children && key != kWildcard;
      const std::string_view real = full ? kWildcard : std::string_view(key);
      it = node->children.find(real);
      if (it == node->children.end()) {
        if (!create) return nullptr;
        auto child = std::make_unique<Node>();
        child->parent = node;
        child->key = std::string(real);
        bytes_ += kNodeOverhead + child->key.size();
        ++nodes_;
        it = node->children.emplace(child->key, std::move(child)).first;
      }
    }
    node = it->second.get();
  }
  return node;
}

TemplateMiner::Cluster* TemplateMiner::Best(Node& leaf,
                                            std::span<const std::string_view> tokens) const {
  Cluster* best = nullptr;
  size_t best_equal = 0, best_params = 0;
  for (Cluster* c : leaf.clusters) {
    size_t equal = 0, params = 0;
    bool veto = false;
    for (size_t i = 0; i < tokens.size() && !veto; ++i) {
      // A masked value under a <*> counts as equal: both are variables.
      const std::string& t = c->tokens[i];
      if (t == tokens[i]) {
        ++equal;
      } else {
        veto = IsCategorical(t) || IsCategorical(tokens[i]);
      }
      if (t == kWildcard) ++params;
    }
    if (veto) continue;
    if (best == nullptr || equal > best_equal || (equal == best_equal && params > best_params)) {
      best = c;
      best_equal = equal;
      best_params = params;
    }
  }
  if (best == nullptr) return nullptr;
  if (tokens.empty()) return best;  // the empty message has one template
  const double share = static_cast<double>(best_equal) / static_cast<double>(tokens.size());
  return share >= options_.similarity ? best : nullptr;
}

TemplateId TemplateMiner::NewId(std::string_view text) const {
  TemplateId id = Fnv1a64(text);
  for (uint64_t salt = 1; by_id_.contains(id); ++salt) {
    id = Fnv1a64(fmt::format("#{}", salt), Fnv1a64(text));
  }
  return id;
}

void TemplateMiner::Forget(Cluster& cluster) {
  Node* node = cluster.leaf;
  auto& list = node->clusters;
  list.erase(std::find(list.begin(), list.end(), &cluster));
  by_id_.erase(cluster.id);
  bytes_ -= cluster.bytes;
  ++forgotten_;
  lru_.erase(cluster.self);
  // Empty branches go too, or a flood of distinct lengths and words would leave a tree behind.
  while (node != root_.get() && node->clusters.empty() && node->children.empty()) {
    Node* parent = node->parent;
    bytes_ -= kNodeOverhead + node->key.size();
    --nodes_;
    parent->children.erase(node->key);
    node = parent;
  }
}

void TemplateMiner::MakeRoom(size_t bytes) {
  while (!lru_.empty() &&
         (lru_.size() >= options_.max_templates || bytes_ + bytes > options_.max_bytes)) {
    Forget(lru_.front());
  }
}

TemplateMiner::Cluster& TemplateMiner::Insert(Node& leaf, TemplateId id,
                                              std::vector<std::string> tokens, uint64_t count) {
  Cluster& c = lru_.emplace_back();
  c.self = std::prev(lru_.end());
  c.id = id;
  c.tokens = std::move(tokens);
  c.count = count;
  c.leaf = &leaf;
  c.last_used = ++tick_;
  c.bytes = kClusterOverhead;
  for (const std::string& t : c.tokens) c.bytes += TokenBytes(t);
  bytes_ += c.bytes;
  leaf.clusters.push_back(&c);
  by_id_.emplace(id, &c);
  return c;
}

TemplateMatch TemplateMiner::Add(std::string_view message) {
  const std::span<const std::string_view> tokens = tokenizer_.Tokenize(message);
  const std::vector<std::string> path = PathOf(tokens);
  if (Node* leaf = Leaf(path, /*create=*/false); leaf != nullptr) {
    if (Cluster* c = Best(*leaf, tokens); c != nullptr) {
      for (size_t i = 0; i < tokens.size(); ++i) {
        std::string& t = c->tokens[i];
        if (t != kWildcard && t != tokens[i]) {
          c->bytes -= t.size();
          bytes_ -= t.size();
          t = kWildcard;
          c->bytes += t.size();
          bytes_ += t.size();
        }
      }
      ++c->count;
      c->last_used = ++tick_;
      lru_.splice(lru_.end(), lru_, c->self);
      return {c->id, false};
    }
    // A full leaf forgets its least recently matched template.
    if (leaf->clusters.size() >= options_.max_leaf_templates) {
      Cluster* oldest = leaf->clusters.front();
      for (Cluster* c : leaf->clusters) {
        if (c->last_used < oldest->last_used) oldest = c;
      }
      Forget(*oldest);
    }
  }
  std::vector<std::string> owned(tokens.begin(), tokens.end());
  size_t bytes = kClusterOverhead + (1 + path.size()) * kNodeOverhead;
  for (const std::string& t : owned) bytes += TokenBytes(t);
  MakeRoom(bytes);
  // Forgetting may have removed the leaf, so it is looked up again.
  Node* leaf = Leaf(path, /*create=*/true);
  const TemplateId id = NewId(Join(owned));
  Insert(*leaf, id, std::move(owned), 1);
  return {id, true};
}

std::optional<std::string> TemplateMiner::Text(TemplateId id) const {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return std::nullopt;
  return Join(it->second->tokens);
}

std::vector<TemplateInfo> TemplateMiner::Templates() const {
  std::vector<TemplateInfo> out;
  out.reserve(lru_.size());
  for (const Cluster& c : lru_) out.push_back({c.id, Join(c.tokens), c.count});
  return out;
}

MinerStats TemplateMiner::stats() const { return {lru_.size(), nodes_, bytes_, forgotten_}; }

std::string TemplateMiner::Serialize() const {
  std::string out(kStateHeader);
  out += '\n';
  for (const Cluster& c : lru_) {
    std::vector<std::string> path;
    for (const Node* n = c.leaf; n != root_.get(); n = n->parent) path.push_back(n->key);
    std::reverse(path.begin(), path.end());
    out += fmt::format("{}\t{}\t{}\t{}\n", FormatTemplateId(c.id), c.count, Join(path),
                       Join(c.tokens));
  }
  return out;
}

Result<TemplateMiner> TemplateMiner::Deserialize(std::string_view text, MinerOptions options) {
  TemplateMiner miner(options);
  const std::vector<std::string> lines = Split(text, '\n');
  if (lines.empty() || lines[0] != kStateHeader) {
    return InvalidArgument(fmt::format(
        "template state: line 1: expected '{}'; delete the file to start afresh", kStateHeader));
  }
  for (size_t n = 1; n < lines.size(); ++n) {
    if (lines[n].empty()) continue;
    const auto fail = [&](std::string_view what) {
      return InvalidArgument(fmt::format("template state: line {}: {}", n + 1, what));
    };
    const std::vector<std::string> cells = Split(lines[n], '\t');
    if (cells.size() != 4) return fail("expected 4 tab-separated cells");
    const std::optional<TemplateId> id = ParseTemplateId(cells[0]);
    if (!id) return fail("bad template id");
    if (miner.by_id_.contains(*id)) return fail("template id given twice");
    uint64_t count = 0;
    if (std::sscanf(cells[1].c_str(), "%lu", &count) != 1) return fail("bad count");
    std::vector<std::string> path = Split(cells[2], ' ');
    std::vector<std::string> tokens = Split(cells[3], ' ');
    if (tokens.size() > options.tokenizer.max_tokens) return fail("more tokens than allowed");
    // The path must be the one these settings give, or matching would look in the wrong leaf.
    if (path.empty() || path[0] != std::to_string(tokens.size()) ||
        path.size() != 1 + std::min(tokens.size(), options.prefix_tokens)) {
      return fail("tree path does not fit the template (were the settings changed?)");
    }
    size_t bytes = kClusterOverhead;
    for (const std::string& t : tokens) bytes += TokenBytes(t);
    miner.MakeRoom(bytes);
    Node* leaf = miner.Leaf(path, /*create=*/true);
    if (leaf->clusters.size() >= options.max_leaf_templates) return fail("leaf over its cap");
    miner.Insert(*leaf, *id, std::move(tokens), count);
  }
  return miner;
}

Status TemplateMiner::Save(const std::string& path) const {
  return WriteFileAtomically(path, Serialize(), "the template state");
}

Result<TemplateMiner> TemplateMiner::Load(const std::string& path, MinerOptions options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return TemplateMiner(options);
  ASSIGN_OR_RETURN(const std::string text, ReadFileText(path));
  auto miner = Deserialize(text, options);
  if (!miner.ok()) return InvalidArgument(path + ": " + miner.status().message());
  return miner;
}

}  // namespace pantau::anomaly
