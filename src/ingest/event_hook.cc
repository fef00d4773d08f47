#include "ingest/event_hook.h"

namespace pantau {
namespace {

class ChainPending final : public EventHook::Pending {
 public:
  explicit ChainPending(std::vector<std::unique_ptr<Pending>> parts) : parts_(std::move(parts)) {}

  void Stored(std::span<const std::string> ids) override {
    for (auto& part : parts_) part->Stored(ids);
  }

 private:
  std::vector<std::unique_ptr<Pending>> parts_;
};

}  // namespace

std::unique_ptr<EventHook::Pending> EventHookChain::Inspect(std::span<const Event> events) {
  std::vector<std::unique_ptr<Pending>> parts;
  for (EventHook* hook : hooks_) {
    if (auto part = hook->Inspect(events)) parts.push_back(std::move(part));
  }
  if (parts.empty()) return nullptr;
  if (parts.size() == 1) return std::move(parts.front());
  return std::make_unique<ChainPending>(std::move(parts));
}

}  // namespace pantau
