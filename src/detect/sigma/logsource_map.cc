#include "detect/sigma/logsource_map.h"

#include <fmt/format.h>

#include "detect/sigma/logsources_yaml.h"

namespace pantau::sigma {

std::string LogSource::Key() const {
  std::string key;
  auto add = [&](std::string_view name, const std::string& v) {
    if (v.empty()) return;
    if (!key.empty()) key += ' ';
    key += fmt::format("{}={}", name, v);
  };
  add("product", product);
  add("category", category);
  add("service", service);
  return key.empty() ? "any" : key;
}

LogSourceMap LogSourceMap::Builtin() {
  LogSourceMap map;
  // The built-in file is part of the build and tested; failing here is a programming error.
  if (Status s = map.Add(LogSourcesYaml(), "logsources.yaml"); !s.ok()) {
    fmt::print(stderr, "pantau: built-in logsources.yaml: {}\n", s.message());
    std::abort();
  }
  return map;
}

Status LogSourceMap::Add(std::string_view yaml, std::string_view source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(fmt::format("{}:{}: {}", source, e.mark.line + 1, e.msg));
  }
  auto error = [&](const YAML::Node& n, std::string_view why) {
    return InvalidArgument(fmt::format("{}:{}: {}", source, n.Mark().line + 1, why));
  };
  const YAML::Node list = root["logsources"];
  if (!list || !list.IsSequence()) return error(root, "expected a list 'logsources'");
  std::vector<Entry> added;
  for (const YAML::Node& item : list) {
    if (!item.IsMap()) return error(item, "an entry must be a map");
    Entry e;
    for (const auto& kv : item) {
      const std::string key = kv.first.Scalar();
      if (key == "product" || key == "category" || key == "service") {
        if (!kv.second.IsScalar()) return error(kv.second, fmt::format("{} must be a string", key));
        (key == "product"    ? e.logsource.product
         : key == "category" ? e.logsource.category
                             : e.logsource.service) = kv.second.Scalar();
      } else if (key == "where") {
        e.where = std::make_shared<YAML::Node>(kv.second);
      } else if (key == "fields") {
        if (!kv.second.IsMap()) return error(kv.second, "fields must map Sigma names to fields");
        for (const auto& f : kv.second) e.renames[f.first.Scalar()] = f.second.Scalar();
      } else {
        return error(kv.first, fmt::format("unknown key '{}'", key));
      }
    }
    if (e.logsource == LogSource{}) {
      return error(item, "an entry needs a product, a category or a service");
    }
    // Check `where` now, so that a mistake is reported with its file and line.
    if (e.where) {
      int line = 0;
      Matcher check;
      CompileContext ctx{nullptr, nullptr, &line};
      if (auto r = CompileSearch(*e.where, ctx, check); !r.ok()) {
        return InvalidArgument(fmt::format("{}:{}: {}", source, line, r.status().message()));
      }
    }
    added.push_back(std::move(e));
  }
  entries_.insert(entries_.end(), added.begin(), added.end());
  return Status::Ok();
}

Result<LogSourceMap::Selection> LogSourceMap::Select(const LogSource& ls) const {
  Selection sel;
  Matcher::Node all;
  all.kind = Matcher::Node::Kind::kAnd;
  bool any = false;
  for (const Entry& e : entries_) {
    auto applies = [](const std::string& want, const std::string& have) {
      return want.empty() || want == have;
    };
    if (!applies(e.logsource.product, ls.product) || !applies(e.logsource.category, ls.category) ||
        !applies(e.logsource.service, ls.service)) {
      continue;
    }
    any = true;
    for (const auto& [from, to] : e.renames) sel.renames[from] = to;
    if (e.where) {
      CompileContext ctx;
      ASSIGN_OR_RETURN(uint32_t node, CompileSearch(*e.where, ctx, sel.where));
      all.children.push_back(node);
    }
  }
  if (!any) {
    // No entry: the datasets named like the product (or category).
    const std::string& name = !ls.product.empty() ? ls.product : ls.category;
    if (!name.empty()) {
      YAML::Node either(YAML::NodeType::Sequence);
      YAML::Node exact, prefix;
      exact["dataset"] = name;
      prefix["dataset|startswith"] = name + ".";
      either.push_back(exact);
      either.push_back(prefix);
      CompileContext ctx;
      ASSIGN_OR_RETURN(uint32_t node, CompileSearch(either, ctx, sel.where));
      all.children.push_back(node);
    }
  }
  if (all.children.size() == 1) {
    sel.where.SetRoot(all.children[0]);
  } else if (!all.children.empty()) {
    sel.where.SetRoot(sel.where.AddNode(std::move(all)));
  }
  return sel;
}

}  // namespace pantau::sigma
