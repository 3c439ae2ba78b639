#pragma once
// Factories of the built-in policies, one file each; policy.cc lists them by name.
#include <memory>

#include "scheduler/policy.h"

namespace tandem::scheduler {

std::unique_ptr<PlacementPolicy> NewFirstFit(const PolicyContext& context);
std::unique_ptr<PlacementPolicy> NewBestFit(const PolicyContext& context);
std::unique_ptr<PlacementPolicy> NewDotProduct(const PolicyContext& context);
std::unique_ptr<PlacementPolicy> NewGpuPacking(const PolicyContext& context);
std::unique_ptr<PlacementPolicy> NewGpuClustering(const PolicyContext& context);
std::unique_ptr<PlacementPolicy> NewRandomFit(const PolicyContext& context);
// REQUIRES: context.fragmentation.
std::unique_ptr<PlacementPolicy> NewFgd(const PolicyContext& context);
std::unique_ptr<PlacementPolicy> NewSwarm(const PolicyContext& context);

}  // namespace tandem::scheduler
