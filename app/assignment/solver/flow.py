"""Network-flow paths (OR-Tools): weighted assignment without topic coupling, and seat filling.

Without repeated topics the slots do not interact: each (participant, slot) pair is a node with
supply one, each workshop a node with capacity = free seats. A min-cost flow over that network
is the exact optimum of any additive weight and runs in well under a second at 10,000 people.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from app.assignment.solver.problem import Prepared


def weighted_flow(prep: Prepared, weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Max-weight choice of arcs (one per participant and slot, within free seats).

    ``weights`` are non-negative integers per arc. Returns (chosen arc indices, total weight).
    """
    n_arcs = len(prep.arc_participant)
    if n_arcs == 0:
        return np.zeros(0, dtype=np.int64), 0.0
    nslots = max(len(prep.slot_ids), 1)
    key = prep.arc_participant * nslots + prep.arc_slot
    uniq, node = np.unique(key, return_inverse=True)
    n_ps, n_w = len(uniq), len(prep.workshops)
    source, sink = 0, 1 + n_ps + n_w
    smf = min_cost_flow.SimpleMinCostFlow()
    ps_nodes = 1 + np.arange(n_ps)
    w_nodes = 1 + n_ps + np.arange(n_w)
    smf.add_arcs_with_capacity_and_unit_cost(
        np.zeros(n_ps, dtype=np.int64), ps_nodes, np.ones(n_ps, dtype=np.int64), np.zeros(n_ps, dtype=np.int64)
    )
    main = smf.add_arcs_with_capacity_and_unit_cost(
        1 + node, w_nodes[prep.arc_workshop], np.ones(n_arcs, dtype=np.int64), -np.asarray(weights, dtype=np.int64)
    )
    smf.add_arcs_with_capacity_and_unit_cost(
        w_nodes, np.full(n_w, sink), np.maximum(prep.free, 0), np.zeros(n_w, dtype=np.int64)
    )
    smf.add_arc_with_capacity_and_unit_cost(source, sink, n_ps, 0)  # "stay unplaced" bypass
    smf.set_node_supply(source, n_ps)
    smf.set_node_supply(sink, -n_ps)
    if smf.solve() != smf.OPTIMAL:
        raise RuntimeError("min-cost flow failed")
    chosen = np.flatnonzero(smf.flows(main) > 0)
    return chosen, float(-smf.optimal_cost())


def fill_free_seats(prep: Prepared, chosen: np.ndarray) -> list[tuple[int, int]]:  # noqa: C901
    """Seats for every participant and slot left empty: a max flow per slot (slot id order).

    Any free seat of the slot may be used, except a topic the participant already holds or a
    workshop the participant is blocked from. Returns (participant index, workshop index) pairs;
    the number of filled slots is maximal per slot.
    """
    holds = [set(h) for h in prep.held]
    for a in chosen:
        holds[int(prep.arc_participant[a])].add(int(prep.arc_workshop[a]))
    load = np.bincount([j for h in holds for j in h], minlength=len(prep.workshops))
    free = np.array([w.capacity for w in prep.workshops]) - load
    out: list[tuple[int, int]] = []
    for s in prep.slot_ids:
        ws = [j for j in range(len(prep.workshops)) if prep.slot[j] == s and free[j] > 0]
        if not ws:
            continue
        tails, heads = [], []
        for i, h in enumerate(holds):
            if any(prep.slot[j] == s for j in h):
                continue
            topics = {prep.topic[j] for j in h}
            for k, j in enumerate(ws):
                if prep.topic[j] not in topics and j not in prep.blocked[i]:
                    tails.append(i)
                    heads.append(k)
        if not tails:
            continue
        n_p = len(holds)
        smf = max_flow.SimpleMaxFlow()
        source, sink = n_p + len(ws), n_p + len(ws) + 1
        people = sorted(set(tails))
        smf.add_arcs_with_capacity(np.full(len(people), source), np.array(people), np.ones(len(people), dtype=np.int64))
        arcs = smf.add_arcs_with_capacity(np.array(tails), n_p + np.array(heads), np.ones(len(tails), dtype=np.int64))
        smf.add_arcs_with_capacity(n_p + np.arange(len(ws)), np.full(len(ws), sink), free[ws].astype(np.int64))
        if smf.solve(source, sink) != smf.OPTIMAL:
            raise RuntimeError("max flow failed")
        for a in np.flatnonzero(smf.flows(arcs) > 0):
            i, j = tails[a], ws[heads[a]]
            out.append((i, j))
            holds[i].add(j)
            free[j] -= 1
    return out
