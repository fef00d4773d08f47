#include "query/query.h"

namespace pantau::query {

std::string Aggregate::Name() const {
  switch (fn) {
    case Fn::kCount:
      return "count";
    case Fn::kDistinctCount:
      return "dc(" + field + ")";
    case Fn::kSum:
      return "sum(" + field + ")";
    case Fn::kAvg:
      return "avg(" + field + ")";
    case Fn::kMin:
      return "min(" + field + ")";
    case Fn::kMax:
      return "max(" + field + ")";
  }
  return "?";
}

}  // namespace pantau::query
