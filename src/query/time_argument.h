// Time arguments of searches (--from/--to, from=/to=): RFC 3339, or relative to now as Kibana
// writes it: now, now-15m, now-2h, now-7d, now+1h (units s, m, h, d, w).
#pragma once

#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace pantau::query {

// `what` names the argument in the error ("--from", "from").
Result<TimeNs> ParseTimeArgument(std::string_view text, TimeNs now, std::string_view what);

}  // namespace pantau::query
