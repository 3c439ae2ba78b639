#include "resources/broker.h"

#include "core/digits.h"
#include "core/log.h"

namespace tandem::resources {

namespace sch = tandem::scheduler;

ResourceBroker::ResourceBroker(std::unique_ptr<sch::Scheduler> scheduler, Clock& clock)
    : scheduler_(std::move(scheduler)), clock_(clock) {}

Result<JobId> ResourceBroker::Submit(const std::string& owner, const std::string& holder,
                                     const sch::Request& request) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(JobId job, scheduler_->Submit(request, clock_.NowMs()));
  holders_[job] = {owner, holder};
  ScheduleLocked();
  return job;
}

Result<JobId> ResourceBroker::Adopt(const std::string& owner, const std::string& holder,
                                    const sch::Request& request, const std::string& node,
                                    const std::vector<int>& gpus) {
  std::lock_guard<std::mutex> lock(mu_);
  sch::Placement where{scheduler_->cluster().FindNode(node), 0};
  if (where.node < 0) return NotFound("node '" + node + "' is not in the cluster any more");
  for (int g : gpus) {
    if (g < 0 || g >= sch::kMaxGpusPerNode) return InvalidArgument("gpu " + std::to_string(g) + " of " + node);
    where.gpus |= sch::GpuMask{1} << g;
  }
  ASSIGN_OR_RETURN(JobId job, scheduler_->Adopt(request, where, clock_.NowMs()));
  holders_[job] = {owner, holder};
  return job;
}

Grant ResourceBroker::GrantOf(JobId job) const {
  const sch::JobInfo& info = *scheduler_->Find(job);
  Grant g;
  g.job = job;
  g.node = scheduler_->cluster().spec(info.placement->node).name;
  for (int i = 0; i < sch::kMaxGpusPerNode; ++i) {
    if ((info.placement->gpus >> i) & 1) g.gpus.push_back(i);
  }
  g.gpu_slice = info.request.gpu.sharing();
  g.compute_percent = scheduler_->ComputePercent(job);
  g.gpu_memory_mib = info.request.gpu.memory_mib;
  g.cpu_milli = info.request.cpu_milli;
  g.memory_mib = info.request.memory_mib;
  return g;
}

std::optional<Grant> ResourceBroker::Granted(JobId job) const {
  std::lock_guard<std::mutex> lock(mu_);
  const sch::JobInfo* info = scheduler_->Find(job);
  if (info == nullptr || info->state != sch::JobState::kRunning) return std::nullopt;
  return GrantOf(job);
}

std::string ResourceBroker::WaitingReason(JobId job) const {
  std::lock_guard<std::mutex> lock(mu_);
  const sch::JobInfo* info = scheduler_->Find(job);
  if (info == nullptr || info->state != sch::JobState::kPending) return "";
  return info->waiting_reason;
}

void ResourceBroker::Release(JobId job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!scheduler_->Release(job).ok()) return;  // unknown or released before
  holders_.erase(job);
  // A preempted job's notice is moot once its owner lets it go.
  for (auto& [owner, list] : notices_) {
    std::erase_if(list, [&](const Notice& n) { return n.job == job; });
  }
  ScheduleLocked();
}

std::vector<Notice> ResourceBroker::TakeNotices(const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = notices_.find(owner);
  if (it == notices_.end()) return {};
  std::vector<Notice> out = std::move(it->second);
  notices_.erase(it);
  return out;
}

void ResourceBroker::ScheduleLocked() { Absorb(scheduler_->Schedule(clock_.NowMs())); }

void ResourceBroker::Absorb(const sch::ScheduleResult& result) {
  for (JobId job : result.preempted) {
    auto h = holders_.find(job);
    if (h == holders_.end()) continue;
    const sch::JobInfo* info = scheduler_->Find(job);
    notices_[h->second.owner].push_back(
        {Notice::Kind::kPreempted, job, info != nullptr ? info->waiting_reason : "preempted"});
  }
  for (const sch::Allocation& a : result.moved) {
    auto h = holders_.find(a.job);
    if (h == holders_.end()) continue;
    notices_[h->second.owner].push_back({Notice::Kind::kMoved, a.job, "moved off a drained device"});
  }
  for (const sch::Event& e : result.events) {
    if (e.kind == "started") continue;  // every task start would drown the rest
    Record(e.kind, e.job, e.detail);
  }
}

void ResourceBroker::Record(const std::string& kind, JobId job, const std::string& detail) {
  Json event = {{"at_ms", clock_.NowMs()}, {"kind", kind}, {"detail", detail}};
  std::string who;
  if (job != 0) {
    event["job"] = job;
    auto h = holders_.find(job);
    if (h != holders_.end()) who = h->second.holder;
    event["holder"] = who;
  }
  spdlog::info("resources: {}{}{}", kind, who.empty() ? "" : " " + who,
               detail.empty() ? "" : ": " + detail);
  events_.push_back(std::move(event));
  while (events_.size() > kMaxEvents) events_.pop_front();
}

Result<std::pair<int, int>> ResourceBroker::ParseDevice(const std::string& device) const {
  const size_t slash = device.find('/');
  const std::string name = device.substr(0, slash);
  const int node = scheduler_->cluster().FindNode(name);
  if (node < 0) return NotFound("device: unknown node '" + name + "'");
  if (slash == std::string::npos) return std::make_pair(node, -1);
  std::string gpu_text = device.substr(slash + 1);
  if (gpu_text.rfind("gpu", 0) == 0) gpu_text = gpu_text.substr(3);
  std::optional<int> gpu = ParseDigits(gpu_text, 2);
  const int count = scheduler_->cluster().node(node).gpu_count;
  if (!gpu || *gpu >= count) {
    return NotFound("device: node '" + name + "' has no GPU '" + device.substr(slash + 1) + "' (it has " +
                    std::to_string(count) + ")");
  }
  return std::make_pair(node, static_cast<int>(*gpu));
}

Status ResourceBroker::Drain(const std::string& device, const std::string& by) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto where, ParseDevice(device));
  const TimeMs now = clock_.NowMs();
  Record("drain", 0, device + " by " + by);
  Absorb(where.second < 0 ? scheduler_->DrainNode(where.first, now)
                          : scheduler_->DrainGpu(where.first, where.second, now));
  ScheduleLocked();
  return Status::Ok();
}

Status ResourceBroker::Restore(const std::string& device, const std::string& by) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(auto where, ParseDevice(device));
  if (where.second < 0) {
    scheduler_->RestoreNode(where.first);
  } else {
    scheduler_->Restore(where.first, where.second);
  }
  Record("restored", 0, device + " by " + by);
  ScheduleLocked();
  return Status::Ok();
}

Json ResourceBroker::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  Json snap = scheduler_->Snapshot();
  for (Json& job : snap["jobs"]) {
    auto h = holders_.find(job["id"].get<JobId>());
    if (h == holders_.end()) continue;
    job["holder"] = h->second.holder;
    job["owner"] = h->second.owner;
  }
  snap["events"] = Json::array();
  for (const Json& e : events_) snap["events"].push_back(e);
  return snap;
}

}  // namespace tandem::resources
