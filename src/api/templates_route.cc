#include "api/templates_route.h"

#include "api/request_input.h"

namespace pantau {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;
constexpr size_t kMaxOffset = 100'000'000;
constexpr size_t kMaxTextBytes = 1024;

Result<anomaly::TemplateIndex*> IndexOf(const ApiContext& ctx) {
  if (ctx.templates == nullptr) {
    return Unavailable("log templates are off (templates.enabled: false in the configuration)");
  }
  return ctx.templates;
}

}  // namespace

Result<std::string> HandleTemplatesList(const TemplatesRequest& r, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(anomaly::TemplateIndex * index, IndexOf(ctx));
  anomaly::TemplateQuery q;
  q.dataset = r.dataset;
  q.text = r.q;
  if (q.dataset.size() > kMaxTextBytes || q.text.size() > kMaxTextBytes) {
    return InvalidArgument("dataset, q: at most " + std::to_string(kMaxTextBytes) + " bytes");
  }
  if (!r.sort.empty()) q.sort = r.sort;
  ASSIGN_OR_RETURN(q.limit, WholeNumber(r.limit, 1, kMaxLimit, kDefaultLimit, "limit"));
  ASSIGN_OR_RETURN(q.offset, WholeNumber(r.offset, 0, kMaxOffset, 0, "offset"));
  ASSIGN_OR_RETURN(const anomaly::TemplatePage page, index->List(q));
  std::string out = R"({"items":[)";
  for (size_t i = 0; i < page.items.size(); ++i) {
    if (i > 0) out += ',';
    out += page.items[i].ToJson();
  }
  return out + R"(],"next_cursor":null,"total":)" + std::to_string(page.total) + R"(,"offset":)" +
         std::to_string(q.offset) + R"(,"limit":)" + std::to_string(q.limit) + "}";
}

Result<std::string> HandleTemplateGet(std::string_view id, const ApiContext& ctx) {
  ASSIGN_OR_RETURN(anomaly::TemplateIndex * index, IndexOf(ctx));
  ASSIGN_OR_RETURN(const anomaly::TemplateRow row, index->Get(id));
  return row.ToJson();
}

}  // namespace pantau
