"""Exact rank-maximal assignment without repeated topics: staged min-cost flows (OR-Tools).

Network: source -> (participant, slot) [cap 1] -> workshop [cap 1 per ranked arc] -> sink
[cap free seats], plus sink -> source, as a circulation. Stage k puts cost -1 on the arcs of
stage k (e.g. rank-k placements) and 0 elsewhere. After solving a stage, node potentials are
computed as shortest-path distances in the residual network (vectorised Bellman-Ford; there is
no negative cycle since the flow is optimal). By complementary slackness the stage's optimal
flows are exactly the feasible flows with: arcs of positive reduced cost at their lower bound,
arcs of negative reduced cost at their upper bound. Those bounds are imposed for the following
stages (lower bounds are handled by node supplies), so each stage optimises within the optimal
set of all earlier ones: exact lexicographic optimisation with costs in {-1, 0}, no big-M.

Keep mode (``Prepared.forced``): the source arc of a (participant, slot) that must stay covered
gets lower bound 1, so every stage's flow gives that person a seat in that slot.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from app.assignment.solver.problem import Prepared


class StagedFlow:
    def __init__(self, prep: Prepared) -> None:
        nslots = max(len(prep.slot_ids), 1)
        key = prep.arc_participant * nslots + prep.arc_slot
        uniq, node = np.unique(key, return_inverse=True)
        n_ps, n_w, n_a = len(uniq), len(prep.workshops), len(prep.arc_participant)
        self.n_nodes = 2 + n_ps + n_w  # 0 = source, 1 = sink
        ps, w = 2 + np.arange(n_ps), 2 + n_ps + np.arange(n_w)
        self.tail = np.concatenate([np.zeros(n_ps, np.int64), 2 + node, w, [1]])
        self.head = np.concatenate([ps, w[prep.arc_workshop], np.ones(n_w, np.int64), [0]])
        self.up = np.concatenate([np.ones(n_ps + n_a, np.int64), np.maximum(prep.free, 0), [n_ps]])
        self.lo = np.zeros_like(self.up)
        if len(prep.forced):
            at = np.searchsorted(uniq, prep.forced)
            if np.any(at >= n_ps) or np.any(uniq[np.minimum(at, n_ps - 1)] != prep.forced):
                raise ValueError("a seat that must be kept has no candidate")  # Prepared adds the current arc
            self.lo[at] = 1
        self.arc_slice = slice(n_ps, n_ps + n_a)  # the (participant, slot) -> workshop arcs
        self.flow = self.lo.copy()

    def stage(self, arc_cost: np.ndarray) -> int:
        """Maximise sum(arc_cost * flow) (arc_cost in {0, 1} per candidate arc) within the
        current optimal set; then restrict the set to this stage's optima. Returns the value."""
        cost = np.zeros(len(self.up), np.int64)
        cost[self.arc_slice] = -np.asarray(arc_cost, dtype=np.int64)
        smf = min_cost_flow.SimpleMinCostFlow()
        arcs = smf.add_arcs_with_capacity_and_unit_cost(self.tail, self.head, self.up - self.lo, cost)
        supply = np.zeros(self.n_nodes, np.int64)
        np.add.at(supply, self.tail, -self.lo)
        np.add.at(supply, self.head, self.lo)
        smf.set_nodes_supplies(np.arange(self.n_nodes), supply)
        if smf.solve() != smf.OPTIMAL:
            raise RuntimeError("min-cost flow failed")
        self.flow = self.lo + smf.flows(arcs)
        self._restrict(cost)
        return int(-(cost * self.flow).sum())

    def _restrict(self, cost: np.ndarray) -> None:
        fwd = self.flow < self.up
        bwd = self.flow > self.lo
        tails = np.concatenate([self.tail[fwd], self.head[bwd]])
        heads = np.concatenate([self.head[fwd], self.tail[bwd]])
        costs = np.concatenate([cost[fwd], -cost[bwd]])
        order = np.argsort(heads, kind="stable")
        tails, heads, costs = tails[order], heads[order], costs[order]
        starts = np.flatnonzero(np.r_[True, heads[1:] != heads[:-1]]) if len(heads) else np.zeros(0, np.int64)
        dist = np.zeros(self.n_nodes, np.int64)  # virtual root with 0-cost arcs to every node
        for _ in range(self.n_nodes + 1):
            if len(heads) == 0:
                break
            best = np.minimum.reduceat(dist[tails] + costs, starts)
            new = dist.copy()
            new[heads[starts]] = np.minimum(dist[heads[starts]], best)
            if np.array_equal(new, dist):
                break
            dist = new
        else:
            raise RuntimeError("negative cycle in residual network (flow not optimal)")
        reduced = cost + dist[self.tail] - dist[self.head]
        self.up = np.where(reduced > 0, self.lo, self.up)
        self.lo = np.where(reduced < 0, self.up, self.lo)

    def chosen(self) -> np.ndarray:
        return np.flatnonzero(self.flow[self.arc_slice] > 0)
