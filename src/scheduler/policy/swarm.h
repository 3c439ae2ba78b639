#pragma once
// swarm: Tandem's own policy, an ant-colony search over the placements of the pending
// queue (one scheduling cycle's arrivals).
//
// Why it can beat FGD: FGD is greedy in one dimension. On the openb trace the GPU
// fragments it leaves at saturation are largely GPUs stranded on nodes whose CPU ran
// out (tasks ask 11-19 cores per GPU on nodes with 8-12 per GPU), which the
// fragmentation measure sees only once a node crosses a task's threshold. The heuristic
// of a placement is FGD's fragmentation increase plus how much it increases the node's
// imbalance: `balance` x the gap between the node's free CPU share and free GPU share,
// plus `starvation` x that gap again when the CPU share is the smaller one (x1000,
// GPU-thousandth units). Nodes drain CPU and GPU together, and above all do not run out
// of CPU while GPUs are still free: on the openb trace those GPUs are what the last few
// percent of demand fails on (spare CPU, by contrast, is cheap: CPU-only tasks soak it
// up on nodes whose GPUs are full). Weighting the two sides alike (starvation 0,
// balance 0.2) allocated 97.39% on multigpu50 at 100% demand (10 seeds) against 97.57%
// with the defaults; the optimum is broad (starvation 0.8-1.5 within 0.03 points).
//
// The colony: for each pod of the queue the best `candidates` nodes by that heuristic
// (ranked on the state at the start of the cycle, re-scored on an ant's evolving state
// once the ant has placed on them, plus the nodes the ant already touched). Ant 0 takes
// the best candidate every time (the greedy solution, so the search never returns worse
// than the heuristic); the others draw candidates with probability
// ~ pheromone x exp(-(h - h_best) / T); odd ants place the queue's multi-GPU tasks first
// (big tasks need whole free nodes). A solution costs the sum of its heuristic
// increases, which is the fragmentation and imbalance it adds node by node from where
// the cycle found them to where it leaves them, plus the GPU thousandths of the pods it
// leaves unplaced (queueing) x 10. (Scoring a placement by the imbalance it leaves
// rather than adds counted a node's imbalance once per pod put there, so a search with
// more freedom found "cheaper" solutions that were worse: 97.44% on multigpu50 with
// 64-pod queues against 97.57% with 16; it also charged a pod for the imbalance of a
// node it made better.) The best solution of each round lays pheromone. Environments,
// models and health are honoured because candidates come from
// ClusterState::FittingGpus. Stops after `iterations` rounds or once
// `budget_evaluations` placements were scored. Walks
// place on one scratch copy of the cluster per cycle and release their placements
// when done, so a walk costs its evaluations, not a copy of every node (which was 60%
// of the search's time); a pod whose candidates earlier pods took falls back on a
// reserve ranked with them rather than on a scan of every node. The defaults (12 ants,
// 24 rounds, 8 candidates, 32 pods per cycle in the simulator) score ~42,000
// placements a cycle on the 1213-node trace (14-24 ms), at most ~106,000, within the
// 250,000 budget. The budget is a count, not a time (it was 100 ms of wall clock, and
// a loaded machine then cut cycles short and changed the results), so a run is
// reproducible from its seed on any machine.
#include "scheduler/cluster.h"

namespace tandem::scheduler {

// The imbalance charge of node `n` after placing `d` (an empty Demand: as it stands).
double SwarmImbalance(const ClusterState& c, int n, const Demand& d, double balance, double starvation);

// The swarm heuristic of placing `d` on node `n` (lower is better): `frag_increase`
// (FGD's for that placement) plus the increase of SwarmImbalance.
double SwarmHeuristic(const ClusterState& c, int n, const Demand& d, double frag_increase, double balance,
                      double starvation = 0);

}  // namespace tandem::scheduler
