// The detections of a rule set as one flat program, run after the Hyperscan pass.
//
// A Matcher is a tree of nodes, each holding its children in a vector of its own, and predicates
// large enough that evaluating a rule touched a handful of scattered allocations: with a score of
// candidate rules per event, those cache misses took most of the evaluation's time. Here every
// matcher becomes a run of 32-bit words in one array: a predicate whose tests are all scanned
// becomes a list of pattern ids (any of them fired), the rest calls back into its Predicate, and
// the nodes follow each other in prefix order, each compound one with its size so that
// short-circuiting skips a child without reading it.
//
// Thread-safety: immutable after the matchers are added; Run may be called from many threads.
#pragma once

#include <cstdint>
#include <vector>

#include "detect/sigma/matcher.h"

namespace pantau::sigma {

class Program {
 public:
  // Appends `m`, whose predicates have their pattern ids (FieldScanner::Build), and returns where
  // it starts. `m` must outlive the program: predicates that need the event are called in place.
  uint32_t Add(const Matcher& m);
  // Whether the matcher added at `at` holds for the event. REQUIRES: the view has the scan's
  // fired bits and slots.
  bool Run(uint32_t at, const EventView& view) const;

  size_t size() const { return code_.size(); }

 private:
  bool RunNode(const uint32_t* pc, const EventView& view) const;
  static uint32_t SizeOf(const uint32_t* pc);

  std::vector<uint32_t> code_;
  std::vector<const Predicate*> calls_;
};

}  // namespace pantau::sigma
