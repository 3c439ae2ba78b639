#include "scheduler/scheduler.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "scheduler/policy/scoring.h"
#include "scheduler/workload.h"

namespace tandem::scheduler {

namespace {

bool Exceeds(int64_t used, int64_t add, int64_t limit) { return limit >= 0 && used + add > limit; }

// Whether `r` asks for no more than `head` in GPU thousandths and CPU: only such jobs
// may jump the queue, so backfill never starves the big job at the head.
bool NoLarger(const Request& r, const Request& head) {
  return r.gpu.total_milli() <= head.gpu.total_milli() && r.cpu_milli <= head.cpu_milli &&
         r.memory_mib <= head.memory_mib;
}

std::vector<std::string> EnvironmentNames(EnvironmentMask mask) {
  std::vector<std::string> out;
  for (Environment e : {Environment::kTrain, Environment::kTest, Environment::kInfer}) {
    if (mask & MaskOf(e)) out.push_back(EnvironmentName(e));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Scheduler>> Scheduler::Create(ClusterState cluster, SchedulerOptions options) {
  bool known = false;
  for (const std::string& name : PolicyNames()) known |= name == options.policy;
  if (!known) return InvalidArgument("scheduler.policy: unknown '" + options.policy + "'");
  return std::unique_ptr<Scheduler>(new Scheduler(std::move(cluster), std::move(options)));
}

Scheduler::Scheduler(ClusterState cluster, SchedulerOptions options)
    : cluster_(std::move(cluster)), options_(std::move(options)) {
  std::vector<NodeSpec> specs;
  for (int n = 0; n < cluster_.node_count(); ++n) specs.push_back(cluster_.spec(n));
  empty_ = ClusterState(std::move(specs), cluster_.oversubscription());
  PolicyContext ctx;
  ctx.seed = options_.seed;
  ctx.swarm = options_.swarm;
  if (options_.policy == "fgd" || options_.policy == "swarm") {
    frag_ = std::make_unique<FragmentationModel>(cluster_);
    for (const TaskShape& shape : options_.workload) frag_->Add(shape);
    counts_jobs_ = options_.workload.empty();
    ctx.fragmentation = frag_.get();
  }
  policy_ = std::move(MakePolicy(options_.policy, ctx).value());  // the name was checked in Create
}

Result<JobId> Scheduler::Submit(const Request& request, TimeMs now) {
  const Demand d = empty_.Resolve(request);
  bool hostable = false;
  for (int n = 0; n < empty_.node_count() && !hostable; ++n) hostable = CanHost(empty_, n, d);
  if (!hostable) {
    return InvalidArgument("request '" + request.name + "': no node of the cluster can ever host it (" +
                           std::to_string(request.gpu.count) + " GPU x " + std::to_string(request.gpu.milli) +
                           " milli, " + std::to_string(request.cpu_milli) + " CPU milli, environment " +
                           EnvironmentName(request.environment) + ")");
  }
  auto quota = options_.quotas.find(request.project);
  if (quota != options_.quotas.end() &&
      (Exceeds(0, request.gpu.total_milli(), quota->second.gpu_milli) ||
       Exceeds(0, request.cpu_milli, quota->second.cpu_milli) ||
       Exceeds(0, request.memory_mib, quota->second.memory_mib))) {
    return InvalidArgument("request '" + request.name + "': asks for more than project '" + request.project +
                           "' may ever use (its quota)");
  }
  return NewJob(request, now).id;
}

JobInfo& Scheduler::NewJob(const Request& request, TimeMs now) {
  JobInfo& job = jobs_[next_id_];
  job.id = next_id_++;
  job.request = request;
  job.submitted_ms = now;
  job.waiting_reason = "not scheduled yet";
  if (counts_jobs_) frag_->Add(ShapeOf(request));
  return job;
}

Result<JobId> Scheduler::Adopt(const Request& request, const Placement& where, TimeMs now) {
  if (where.node < 0 || where.node >= cluster_.node_count()) {
    return InvalidArgument("request '" + request.name + "': node " + std::to_string(where.node) +
                           " is not in the cluster");
  }
  const Demand d = cluster_.Resolve(request);
  if (!cluster_.Fits(where.node, d, where.gpus)) {
    return FailedPrecondition("request '" + request.name + "' no longer fits where it runs (" +
                              cluster_.spec(where.node).name + ")");
  }
  JobInfo& job = NewJob(request, now);
  ScheduleResult ignored;  // adopting is not news: nothing started
  Start(job, where, now, ignored);
  return job.id;
}

const JobInfo* Scheduler::Find(JobId job) const {
  auto it = jobs_.find(job);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::vector<JobId> Scheduler::PendingInOrder() const {
  std::vector<const JobInfo*> pending;
  for (const auto& [id, job] : jobs_) {
    if (job.state == JobState::kPending) pending.push_back(&job);
  }
  std::sort(pending.begin(), pending.end(), [](const JobInfo* a, const JobInfo* b) {
    return std::make_tuple(-a->request.priority, a->submitted_ms, a->id) <
           std::make_tuple(-b->request.priority, b->submitted_ms, b->id);
  });
  std::vector<JobId> out;
  for (const JobInfo* j : pending) out.push_back(j->id);
  return out;
}

bool Scheduler::WithinQuota(const Request& r) const {
  auto quota = options_.quotas.find(r.project);
  if (quota == options_.quotas.end()) return true;
  auto used_it = used_.find(r.project);
  const ProjectQuota used = used_it == used_.end() ? ProjectQuota{0, 0, 0} : used_it->second;
  return !Exceeds(used.gpu_milli, r.gpu.total_milli(), quota->second.gpu_milli) &&
         !Exceeds(used.cpu_milli, r.cpu_milli, quota->second.cpu_milli) &&
         !Exceeds(used.memory_mib, r.memory_mib, quota->second.memory_mib);
}

std::vector<std::optional<Placement>> Scheduler::PlanAvoiding(const std::vector<Request>& queue, int avoid_node) {
  if (queue.empty()) return {};
  if (avoid_node < 0) return policy_->PlaceBatch(cluster_, queue);
  // Hide the node for this one plan (cheaper than copying a large cluster).
  const bool was = cluster_.node(avoid_node).schedulable;
  cluster_.SetSchedulable(avoid_node, false);
  std::vector<std::optional<Placement>> plan = policy_->PlaceBatch(cluster_, queue);
  cluster_.SetSchedulable(avoid_node, was);
  return plan;
}

int Scheduler::ReservedNodeFor(const Request& r) const {
  const Demand d = cluster_.Resolve(r);
  int best = -1;
  std::pair<int64_t, int64_t> best_missing;
  for (int n = 0; n < cluster_.node_count(); ++n) {
    const NodeState& s = cluster_.node(n);
    if (!s.schedulable) continue;
    // The GPUs it may use, most free first; missing = what they lack for the ask.
    std::vector<int32_t> left;
    for (int g = 0; g < s.gpu_count && d.gpu_count > 0; ++g) {
      const GpuState& gpu = s.gpus[g];
      if (gpu.healthy && (gpu.environments & d.environment) && gpu.model < 64 && ((d.model_mask >> gpu.model) & 1)) {
        left.push_back(gpu.left());
      }
    }
    if (static_cast<int>(left.size()) < d.gpu_count) continue;
    std::sort(left.rbegin(), left.rend());
    int64_t missing_gpu = 0;
    for (int i = 0; i < d.gpu_count; ++i) missing_gpu += std::max(0, d.gpu_milli - left[i]);
    const int64_t missing_cpu = std::max<int64_t>(0, d.cpu_milli - s.cpu_left) +
                                std::max<int64_t>(0, d.memory_mib - s.memory_left);
    if (best < 0 || std::make_pair(missing_gpu, missing_cpu) < best_missing) {
      best = n;
      best_missing = {missing_gpu, missing_cpu};
    }
  }
  return best;
}

std::optional<std::pair<std::vector<JobId>, Placement>> Scheduler::FindPreemption(const JobInfo& job) {
  const Demand d = cluster_.Resolve(job.request);
  std::optional<std::pair<std::vector<JobId>, Placement>> best;
  std::pair<size_t, int64_t> best_cost;
  std::map<int, std::vector<const JobInfo*>> by_node;  // preemptible jobs per node
  for (const auto& [id, other] : jobs_) {
    if (other.state == JobState::kRunning && other.request.mode == Mode::kElastic &&
        other.request.priority < job.request.priority) {
      by_node[other.placement->node].push_back(&other);
    }
  }
  for (auto& [n, victims] : by_node) {
    // Lowest priority first; among equals the most recently started loses the least work.
    std::sort(victims.begin(), victims.end(), [](const JobInfo* a, const JobInfo* b) {
      return std::make_tuple(a->request.priority, -a->started_ms, -static_cast<int64_t>(a->id)) <
             std::make_tuple(b->request.priority, -b->started_ms, -static_cast<int64_t>(b->id));
    });
    ClusterState view = cluster_;
    std::vector<const JobInfo*> taken;
    std::optional<GpuMask> gpus;
    for (const JobInfo* v : victims) {
      view.Release(view.Resolve(v->request), *v->placement);
      taken.push_back(v);
      if ((gpus = view.DefaultChoice(n, d))) break;
    }
    if (!gpus) continue;
    // Spare the victims it fits without, the most valuable (last taken) first.
    for (size_t i = taken.size(); i-- > 0;) {
      const Demand vd = view.Resolve(taken[i]->request);
      view.Apply(vd, *taken[i]->placement);
      if (std::optional<GpuMask> still = view.DefaultChoice(n, d)) {
        gpus = still;
        taken.erase(taken.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        view.Release(vd, *taken[i]->placement);
      }
    }
    std::vector<JobId> ids;
    int64_t priority_sum = 0;
    for (const JobInfo* v : taken) {
      ids.push_back(v->id);
      priority_sum += v->request.priority;
    }
    const std::pair<size_t, int64_t> cost{ids.size(), priority_sum};
    if (!best || cost < best_cost) {
      best = std::make_pair(ids, Placement{n, *gpus});
      best_cost = cost;
    }
  }
  return best;
}

Allocation Scheduler::AllocationOf(const JobInfo& job) const {
  Allocation a;
  a.job = job.id;
  a.placement = *job.placement;
  a.compute_percent = ComputePercent(job.id);
  a.gpu_memory_mib = job.request.gpu.memory_mib;
  return a;
}

void Scheduler::Start(JobInfo& job, const Placement& p, TimeMs now, ScheduleResult& out) {
  cluster_.Apply(cluster_.Resolve(job.request), p);
  job.state = JobState::kRunning;
  job.started_ms = now;
  job.placement = p;
  job.waiting_reason.clear();
  ProjectQuota& used = used_[job.request.project];
  used.gpu_milli += job.request.gpu.total_milli();
  used.cpu_milli += job.request.cpu_milli;
  used.memory_mib += job.request.memory_mib;
  out.started.push_back(AllocationOf(job));
  out.events.push_back({now, "started", job.id, cluster_.spec(p.node).name});
}

void Scheduler::Unbook(JobInfo& job) {
  cluster_.Release(cluster_.Resolve(job.request), *job.placement);
  ProjectQuota& used = used_[job.request.project];
  used.gpu_milli -= job.request.gpu.total_milli();
  used.cpu_milli -= job.request.cpu_milli;
  used.memory_mib -= job.request.memory_mib;
}

void Scheduler::Requeue(JobInfo& job, TimeMs now, const std::string& kind, const std::string& why,
                        ScheduleResult& out) {
  Unbook(job);
  job.state = JobState::kPending;
  job.placement.reset();
  job.started_ms = -1;
  job.waiting_reason = why;
  ++job.preemptions;
  out.preempted.push_back(job.id);
  out.events.push_back({now, kind, job.id, why});
}

bool Scheduler::MayStart(const JobInfo& job, const std::optional<Request>& head) const {
  return WithinQuota(job.request) && (!head || (options_.backfill && NoLarger(job.request, *head)));
}

ScheduleResult Scheduler::Schedule(TimeMs now) {
  ScheduleResult out;
  std::optional<Request> head;
  int reserved = -1;
  const std::vector<JobId> order = PendingInOrder();
  size_t i = 0;
  while (i < order.size()) {
    // Plan the jobs from i on that may start, jointly. What is left out stays left out
    // for the rest of the cycle: quota use only grows until a preemption (which plans
    // again), and the head, once set, stays.
    std::vector<size_t> planned;
    std::vector<Request> queue;
    for (size_t k = i; k < order.size(); ++k) {
      if (MayStart(jobs_[order[k]], head)) {
        planned.push_back(k);
        queue.push_back(jobs_[order[k]].request);
      }
    }
    const std::vector<std::optional<Placement>> plan = PlanAvoiding(queue, reserved);
    size_t next = 0;  // into planned / plan
    bool replan = false;
    for (; i < order.size() && !replan; ++i) {
      JobInfo& job = jobs_[order[i]];
      std::optional<Placement> p;
      if (next < planned.size() && planned[next] == i) p = plan[next++];
      if (!WithinQuota(job.request)) {
        job.waiting_reason = "project '" + job.request.project + "' is at its quota";
        replan = p.has_value();  // the plan placed it; what follows assumed it there
        continue;
      }
      if (head && !(options_.backfill && NoLarger(job.request, *head))) {
        job.waiting_reason = "behind a higher-priority or older job";
        continue;
      }
      if (p && cluster_.Fits(p->node, cluster_.Resolve(job.request), p->gpus)) {
        Start(job, *p, now, out);
        continue;
      }
      replan = p.has_value();  // (a plan that does not fit: never, but not trusted blindly)
      if (head) {
        job.waiting_reason = "no room outside the head's reserved node";
        continue;
      }
      if (auto preemption = FindPreemption(job)) {
        // Named as its submitter named it (the server: "run-x/train"), by id otherwise.
        const std::string by = job.request.name.empty() ? "job " + std::to_string(job.id) : job.request.name;
        for (JobId victim : preemption->first) Requeue(jobs_[victim], now, "preempted", "preempted by " + by, out);
        Start(job, preemption->second, now, out);
        replan = true;
        continue;
      }
      job.waiting_reason = "waiting for resources";
      if (options_.reserve_for_head) {
        head = job.request;
        reserved = ReservedNodeFor(job.request);
        replan = true;
      }
    }
  }
  return out;
}

Status Scheduler::Release(JobId id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return NotFound("job " + std::to_string(id));
  if (it->second.state == JobState::kRunning) Unbook(it->second);
  if (counts_jobs_) frag_->Remove(ShapeOf(it->second.request));
  // Forgotten, not kept as finished: every cycle walks the job table, and a server
  // runs jobs for months.
  jobs_.erase(it);
  return Status::Ok();
}

ScheduleResult Scheduler::EvacuateNode(int node, GpuMask gpus, TimeMs now, const std::string& what) {
  ScheduleResult out;
  out.events.push_back({now, "drained", 0, what});
  std::vector<JobId> affected;
  for (const auto& [id, job] : jobs_) {
    if (job.state != JobState::kRunning || job.placement->node != node) continue;
    if (gpus == 0 || (job.placement->gpus & gpus) != 0) affected.push_back(id);
  }
  for (JobId id : affected) {
    JobInfo& job = jobs_[id];
    if (job.request.mode == Mode::kElastic) {
      Requeue(job, now, "requeued", what + " was drained", out);
      continue;
    }
    // Fixed work keeps its guarantee: it moves to a new placement at once if one fits.
    const Placement old = *job.placement;
    cluster_.Release(cluster_.Resolve(job.request), old);
    std::optional<Placement> p = policy_->Place(cluster_, job.request);
    cluster_.Apply(cluster_.Resolve(job.request), old);
    if (!p) {
      Requeue(job, now, "requeued", what + " was drained and no other device fits", out);
      continue;
    }
    cluster_.Release(cluster_.Resolve(job.request), old);
    cluster_.Apply(cluster_.Resolve(job.request), *p);
    job.placement = p;
    job.started_ms = now;
    out.moved.push_back(AllocationOf(job));
    out.events.push_back({now, "moved", id, what + " was drained; now on " + cluster_.spec(p->node).name});
  }
  return out;
}

ScheduleResult Scheduler::DrainGpu(int node, int gpu, TimeMs now) {
  cluster_.SetGpuHealth(node, gpu, false);
  return EvacuateNode(node, GpuMask{1} << gpu, now, cluster_.spec(node).name + "/gpu" + std::to_string(gpu));
}

ScheduleResult Scheduler::DrainNode(int node, TimeMs now) {
  cluster_.SetSchedulable(node, false);
  for (int g = 0; g < cluster_.node(node).gpu_count; ++g) cluster_.SetGpuHealth(node, g, false);
  return EvacuateNode(node, 0, now, cluster_.spec(node).name);
}

void Scheduler::Restore(int node, int gpu) { cluster_.SetGpuHealth(node, gpu, true); }

void Scheduler::RestoreNode(int node) {
  cluster_.SetSchedulable(node, true);
  for (int g = 0; g < cluster_.node(node).gpu_count; ++g) cluster_.SetGpuHealth(node, g, true);
}

int Scheduler::ComputePercent(JobId id) const {
  const JobInfo* job = Find(id);
  if (!job || job->state != JobState::kRunning || job->request.gpu.count == 0) return 100;
  const int asked = std::min(job->request.gpu.milli, kMilliPerGpu);
  if (job->request.mode == Mode::kFixed) return std::max(1, asked / 10);
  double share = asked;
  const NodeState& s = cluster_.node(job->placement->node);
  for (int g = 0; g < s.gpu_count; ++g) {
    if (((job->placement->gpus >> g) & 1) == 0) continue;
    const double available = kMilliPerGpu - s.gpus[g].fixed_milli;
    const double elastic = s.gpus[g].used_milli - s.gpus[g].fixed_milli;
    if (elastic <= available) continue;
    // Contended: what fixed work leaves is split by milli x (1 + priority).
    double total_weight = 0;
    for (const auto& [other_id, other] : jobs_) {
      if (other.state != JobState::kRunning || other.request.mode != Mode::kElastic ||
          other.placement->node != job->placement->node || ((other.placement->gpus >> g) & 1) == 0) {
        continue;
      }
      total_weight += other.request.gpu.milli * (1.0 + std::max(0, other.request.priority));
    }
    const double weight = job->request.gpu.milli * (1.0 + std::max(0, job->request.priority));
    share = std::min(share, available * weight / total_weight);
  }
  return std::clamp(static_cast<int>(std::lround(share / 10)), 1, 100);
}

Json Scheduler::Snapshot() const {
  Json nodes = Json::array();
  int64_t cpu_total = 0, cpu_used = 0;
  for (int n = 0; n < cluster_.node_count(); ++n) {
    const NodeSpec& spec = cluster_.spec(n);
    const NodeState& s = cluster_.node(n);
    cpu_total += spec.cpu_milli;
    cpu_used += spec.cpu_milli - s.cpu_left;
    Json gpus = Json::array();
    for (int g = 0; g < s.gpu_count; ++g) {
      const GpuState& gpu = s.gpus[g];
      gpus.push_back({{"index", g},
                      {"model", cluster_.ModelName(gpu.model)},
                      {"memory_mib", gpu.memory_mib},
                      {"memory_used_mib", gpu.memory_used_mib},
                      {"healthy", gpu.healthy},
                      {"environments", EnvironmentNames(gpu.environments)},
                      {"used_milli", gpu.used_milli},
                      {"fixed_milli", gpu.fixed_milli}});
    }
    nodes.push_back({{"name", spec.name},
                     {"schedulable", s.schedulable},
                     {"environments", EnvironmentNames(s.environments)},
                     {"cpu_milli", spec.cpu_milli},
                     {"cpu_free_milli", s.cpu_left},
                     {"memory_mib", spec.memory_mib},
                     {"memory_free_mib", s.memory_left},
                     {"gpus", gpus}});
  }
  Json jobs = Json::array();
  for (const auto& [id, job] : jobs_) {
    Json j = {{"id", id},
              {"name", job.request.name},
              {"project", job.request.project},
              {"state", job.state == JobState::kRunning ? "running" : "pending"},
              {"mode", ModeName(job.request.mode)},
              {"environment", EnvironmentName(job.request.environment)},
              {"priority", job.request.priority},
              {"submitted_ms", job.submitted_ms},
              {"preemptions", job.preemptions}};
    if (job.state == JobState::kRunning) {
      Json gpu_list = Json::array();
      for (int g = 0; g < kMaxGpusPerNode; ++g) {
        if ((job.placement->gpus >> g) & 1) gpu_list.push_back(g);
      }
      j["node"] = cluster_.spec(job.placement->node).name;
      j["gpus"] = gpu_list;
      j["compute_percent"] = ComputePercent(id);
      j["started_ms"] = job.started_ms;
    } else {
      j["waiting_reason"] = job.waiting_reason;
    }
    jobs.push_back(j);
  }
  const double gpu_util = cluster_.total_gpu_milli() > 0 ? static_cast<double>(cluster_.allocated_gpu_milli()) /
                                                               static_cast<double>(cluster_.total_gpu_milli())
                                                         : 0.0;
  return Json{{"nodes", nodes},
              {"jobs", jobs},
              {"queue", PendingInOrder()},
              {"utilization", {{"gpu", gpu_util},
                               {"cpu", cpu_total > 0 ? static_cast<double>(cpu_used) / cpu_total : 0.0}}}};
}

}  // namespace tandem::scheduler
