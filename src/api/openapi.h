// The OpenAPI 3 description of the HTTP API (src/api/openapi.json), served at
// GET /api/v1/openapi.json.
#pragma once

#include <string_view>

namespace pantau {

std::string_view OpenApiJson();

}  // namespace pantau
