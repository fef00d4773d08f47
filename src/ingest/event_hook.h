// A hook into the pipeline for work on every event that must wait until it is stored: live
// detection looks at each decoded batch on the decoder thread, and finishes (writes its alerts,
// which name event ids) on the writer thread once the batch is durable.
//
// Thread-safety: Inspect runs on the decoder thread, Stored on the writer thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/event.h"

namespace pantau {

class EventHook {
 public:
  virtual ~EventHook() = default;

  // A batch's work left to do once its events are stored.
  class Pending {
   public:
    virtual ~Pending() = default;
    // `ids[i]` is the event id of the batch's event i.
    virtual void Stored(std::span<const std::string> ids) = 0;
  };

  // Looks at a batch of decoded events, before they are stored; null when nothing is left to do.
  virtual std::unique_ptr<Pending> Inspect(std::span<const Event> events) = 0;
};

// Several hooks as one, each shown every batch in the order given (live detection, then the
// anomaly detectors); their work left is finished in the same order.
class EventHookChain final : public EventHook {
 public:
  explicit EventHookChain(std::vector<EventHook*> hooks) : hooks_(std::move(hooks)) {}

  std::unique_ptr<Pending> Inspect(std::span<const Event> events) override;

 private:
  std::vector<EventHook*> hooks_;  // not owned
};

}  // namespace pantau
