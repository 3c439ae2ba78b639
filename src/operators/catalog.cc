#include "operators/catalog.h"

#include "core/digits.h"

namespace tandem::operators {

Status Catalog::Add(OperatorDef def) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& versions = defs_[def.name];
  if (versions.count(def.version)) {
    return AlreadyExists("operator '" + def.name + "@" + std::to_string(def.version) +
                         "' is already in the catalog");
  }
  int v = def.version;
  versions.emplace(v, std::move(def));
  return Status::Ok();
}

Json PortsJson(const std::map<std::string, PortDef>& ports) {
  Json out = Json::object();
  for (const auto& [name, port] : ports) {
    out[name] = {{"type", port.type}, {"optional", port.optional}};
    if (!port.formats.empty()) out[name]["formats"] = port.formats;
  }
  return out;
}

void Catalog::Put(OperatorDef def) {
  std::lock_guard<std::mutex> lock(mu_);
  int v = def.version;
  defs_[def.name][v] = std::move(def);
}

Result<OperatorDef> Catalog::Find(const std::string& reference) const {
  std::string name = reference;
  int version = 0;
  auto at = reference.find('@');
  if (at != std::string::npos) {
    name = reference.substr(0, at);
    auto v = ParseDigits(std::string_view(reference).substr(at + 1), 6);
    if (!v) return InvalidArgument("operator reference '" + reference + "': version must be a number");
    version = *v;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = defs_.find(name);
  if (it == defs_.end() || it->second.empty()) {
    return NotFound("unknown operator '" + name + "'");
  }
  if (version == 0) {
    for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) {
      if (v->second.state != "deprecated") return v->second;
    }
    return it->second.rbegin()->second;
  }
  auto vit = it->second.find(version);
  if (vit == it->second.end()) {
    return NotFound("operator '" + name + "' has no version " + std::to_string(version));
  }
  return vit->second;
}

std::vector<OperatorDef> Catalog::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<OperatorDef> out;
  for (const auto& [name, versions] : defs_) {
    for (const auto& [v, def] : versions) out.push_back(def);
  }
  return out;
}

}  // namespace tandem::operators
