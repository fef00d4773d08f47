#include "core/metrics.h"

#include <fmt/format.h>

#include <map>

namespace pantau {

Counter& Metrics::GetCounter(std::string_view name, std::string_view help,
                             std::string_view labels) {
  std::lock_guard lock(mu_);
  for (auto& s : series_) {
    if (s.is_counter && s.name == name && s.labels == labels) return s.counter;
  }
  auto& s = series_.emplace_back();
  s.name = name;
  s.help = help;
  s.labels = labels;
  s.is_counter = true;
  return s.counter;
}

void Metrics::AddGauge(std::string_view name, std::string_view help, std::string_view labels,
                       std::function<double()> read) {
  std::lock_guard lock(mu_);
  auto& s = series_.emplace_back();
  s.name = name;
  s.help = help;
  s.labels = labels;
  s.is_counter = false;
  s.gauge = std::move(read);
}

std::string Metrics::RenderPrometheus() const {
  std::lock_guard lock(mu_);
  // Group the series of one name under a single HELP and TYPE, as the format requires.
  std::map<std::string, std::vector<const Series*>> by_name;
  for (const auto& s : series_) by_name[s.name].push_back(&s);
  std::string out;
  for (const auto& [name, list] : by_name) {
    const Series& first = *list.front();
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, first.help, name,
                       first.is_counter ? "counter" : "gauge");
    for (const Series* s : list) {
      out += name;
      if (!s->labels.empty()) out += "{" + s->labels + "}";
      if (s->is_counter) {
        out += fmt::format(" {}\n", s->counter.value());
      } else {
        out += fmt::format(" {}\n", s->gauge());
      }
    }
  }
  return out;
}

}  // namespace pantau
