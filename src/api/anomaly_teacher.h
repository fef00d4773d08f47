// What the API asks of the anomaly detectors: to learn that the anomaly an alert reports is
// expected. app/ implements it over the running detectors (app/anomaly_detection.h); api/ does
// not link them.
//
// Thread-safety: MarkExpected may be called from any thread.
#pragma once

#include <string_view>

#include "cases/alerts.h"
#include "core/status.h"

namespace pantau {

class AnomalyTeacher {
 public:
  virtual ~AnomalyTeacher() = default;

  // Teaches the baseline the anomaly of alert `alert_id` and closes the alert as expected, with
  // `reason`, as done by `actor`: the alert after. NotFound for an unknown alert,
  // InvalidArgument for an alert that is no anomaly.
  virtual Result<Alert> MarkExpected(std::string_view alert_id, std::string_view reason,
                                     std::string_view actor) = 0;
};

}  // namespace pantau
