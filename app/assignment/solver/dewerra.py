"""Fast exact rank-maximal path for topic-ranked preferences (``solve(..., topic_ranks=True)``).

Preconditions, checked exactly by ``detect`` (otherwise ``solve`` takes its general path):

1. every topic (a workshop without a topic is its own topic) has exactly one workshop in every
   slot of the problem, and all of them have the same capacity ``c_t``;
2. for every participant and every topic they list, *all* sessions of that topic are listed
   (with topic ranks this means "topic t, any slot": the rank does not depend on the slot);
3. no fixed seats and no blocked workshops.

Why these: with topic ranks the objective of a placement depends on (participant, topic) only.
An assignment is then determined, as far as the objective goes, by each person's topic set
``T_p``; a family of sets is realisable iff |T_p| <= k (k = number of slots) and each topic is
chosen by at most k * c_t people (shown below). Without (1) that is false: e.g. topic A with
capacities (1, 1) and B with (2, 0), two people wanting {A, B}: both need B in slot 0, then A in
slot 1 twice. Without (2) a person would accept a topic only in some slots. Under the default
rank (list position) the slot always matters and this decomposition is not exact, which is why
the path is opt-in: with ``[A@0, A@1, B@0, B@1]`` and someone else holding ``B@1`` first,
position ranks prefer ``{A@0}`` alone (signature [1, 0, 0, 0] for that person) to ``{A@1, B@0}``.

Stage 1 (choose the topic sets): circulation source -> person [cap k] -> topic [cap 1 per listed
topic] -> sink [cap k * c_t] -> source, optimised stage by stage (cardinality first if asked,
then rank 1, rank 2, ...) with ``lexflow.StagedFlow``'s exact complementary-slackness restriction.

Stage 2 (place the chosen (person, topic) edges in slots): an equitable edge colouring of the
bipartite person-topic graph with k colours (de Werra), built slot by slot. Before slot s, with
``m`` slots left, every person has d_p <= m remaining edges and every topic D_t <= m * c_t. The
slot takes a set of edges with: each person at most one edge, exactly one if d_p = m; each topic
between max(0, D_t - (m - 1) c_t) and min(c_t, D_t) edges. That is a flow with lower bounds,
and it is feasible: x = 1/m on every remaining edge satisfies all bounds (person load d_p/m is
<= 1 and = 1 if d_p = m; topic load D_t/m is <= c_t, <= D_t and >= D_t - (m-1) c_t because
D_t <= m c_t), so by integrality of flows an integral one exists. After the slot, d_p <= m - 1
and D_t <= (m - 1) c_t: the invariant holds, and with m = 1 every remaining edge is taken. So
stage 2 never fails once stage 1 is feasible; a failure raises (internal invariant).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from app.assignment.solver.lexflow import StagedFlow
from app.assignment.solver.problem import Prepared


@dataclass
class TopicInstance:
    ws_of: np.ndarray  # (n_topics, n_slots) workshop index of topic t in slot s
    cap: np.ndarray  # (n_topics,) room size per slot
    topic_of: np.ndarray  # workshop index -> topic index


def detect(prep: Prepared) -> TopicInstance | None:
    """The instance in topic form if the preconditions of this module hold, else None."""
    if any(len(v) for v in prep.problem.fixed.values()) or any(prep.blocked) or not len(prep.arc_participant):
        return None
    n_slots = len(prep.slot_ids)
    keys = sorted(set(prep.topic), key=repr)
    tindex = {t: k for k, t in enumerate(keys)}
    ws_of = -np.ones((len(keys), n_slots), dtype=np.int64)
    cap = np.zeros(len(keys), dtype=np.int64)
    topic_of = np.array([tindex[t] for t in prep.topic], dtype=np.int64)
    for j, w in enumerate(prep.workshops):
        t, s = topic_of[j], prep.ws_slot[j]
        if ws_of[t, s] >= 0:
            return None  # two sessions of a topic in one slot
        if (ws_of[t] >= 0).any() and cap[t] != w.capacity:
            return None  # unequal room sizes
        ws_of[t, s], cap[t] = j, w.capacity
    if (ws_of < 0).any():
        return None  # a topic missing from a slot
    for js in prep.prefs:
        if js:
            listed = np.bincount(topic_of[js], minlength=len(keys))
            if ((listed > 0) & (listed < n_slots)).any():
                return None  # a topic listed in some slots only
    return TopicInstance(ws_of, cap, topic_of)


class _TopicFlow(StagedFlow):
    """StagedFlow on source -> person [k] -> topic [1 per pair] -> sink [k c_t] -> source."""

    def __init__(self, pair_p: np.ndarray, pair_t: np.ndarray, n_people: int, tcap: np.ndarray, k: int):
        n_t, n_pairs = len(tcap), len(pair_p)
        self.n_nodes = 2 + n_people + n_t
        people, topics = 2 + np.arange(n_people), 2 + n_people + np.arange(n_t)
        self.tail = np.concatenate([np.zeros(n_people, np.int64), people[pair_p], topics, [1]])
        self.head = np.concatenate([people, topics[pair_t], np.ones(n_t, np.int64), [0]])
        self.up = np.concatenate([np.full(n_people, k, np.int64), np.ones(n_pairs, np.int64), tcap, [k * n_people]])
        self.lo = np.zeros_like(self.up)
        self.arc_slice = slice(n_people, n_people + n_pairs)
        self.flow = self.lo.copy()


def _slot_flow(
    edge_p: NDArray[np.int64],
    edge_t: NDArray[np.int64],
    n_people: int,
    need_p: NDArray[np.bool_],
    lo_t: NDArray[np.int64],
    up_t: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """0/1 choice of edges: person p <= 1 (= 1 if need_p), topic t in [lo_t, up_t]. Raises if none."""
    n_t, n_e = len(lo_t), len(edge_p)
    n_nodes = 2 + n_people + n_t
    people, topics = 2 + np.arange(n_people), 2 + n_people + np.arange(n_t)
    tail = np.concatenate([np.zeros(n_people, np.int64), people[edge_p], topics, [1]])
    head = np.concatenate([people, topics[edge_t], np.ones(n_t, np.int64), [0]])
    up = np.concatenate([np.ones(n_people + n_e, np.int64), up_t, [n_people]])
    lo = np.concatenate([need_p.astype(np.int64), np.zeros(n_e, np.int64), lo_t, [0]])
    supply = np.zeros(n_nodes, np.int64)
    np.add.at(supply, tail, -lo)
    np.add.at(supply, head, lo)
    smf = min_cost_flow.SimpleMinCostFlow()
    arcs = smf.add_arcs_with_capacity_and_unit_cost(tail, head, up - lo, np.zeros(len(up), np.int64))
    smf.set_nodes_supplies(np.arange(n_nodes), supply)
    if smf.solve() != smf.OPTIMAL:
        raise AssertionError("de Werra slot flow infeasible")  # impossible, see module docstring
    taken: NDArray[np.bool_] = smf.flows(arcs)[n_people : n_people + n_e] > 0
    return taken


def solve_topic_level(
    prep: Prepared, inst: TopicInstance, arc_rank: np.ndarray, max_placements_first: bool
) -> tuple[np.ndarray, list[float]]:
    """Rank-maximal (topic ranks) assignment: chosen arc indices of ``prep`` and stage values."""
    k = len(prep.slot_ids)
    n_t = len(inst.cap)
    arc_t = inst.topic_of[prep.arc_workshop]
    # one (person, topic) pair per group of arcs; its rank is the topic rank (same on the group)
    key = prep.arc_participant * n_t + arc_t
    uniq, first = np.unique(key, return_index=True)
    pair_p_all, pair_t = uniq // n_t, uniq % n_t
    pair_rank = arc_rank[first]
    people, pair_p = np.unique(pair_p_all, return_inverse=True)
    net = _TopicFlow(pair_p, pair_t, len(people), k * inst.cap, k)
    stages = [np.ones(len(uniq), np.int64)] if max_placements_first else []
    stages += [(pair_rank == r).astype(np.int64) for r in np.unique(pair_rank)]
    values = [float(net.stage(s)) for s in stages]
    sel = net.chosen()
    edge_p, edge_t = pair_p[sel], pair_t[sel]
    # stage 2: slot by slot, m = slots left (invariant d_p <= m, D_t <= m c_t)
    n_w = len(prep.workshops)
    arc_key = prep.arc_participant * n_w + prep.arc_workshop  # arcs are built per participant: sort for lookups
    order = np.argsort(arc_key, kind="stable")
    chosen: list[np.ndarray] = []
    left = np.ones(len(edge_p), dtype=bool)
    for s in range(k):
        m = k - s
        idx = np.flatnonzero(left)
        d_p = np.bincount(edge_p[idx], minlength=len(people))
        d_t = np.bincount(edge_t[idx], minlength=n_t)
        lo_t = np.maximum(0, d_t - (m - 1) * inst.cap)
        up_t = np.minimum(inst.cap, d_t)
        take = idx[_slot_flow(edge_p[idx], edge_t[idx], len(people), d_p == m, lo_t, up_t)]
        left[take] = False
        want = people[edge_p[take]] * n_w + inst.ws_of[edge_t[take], s]
        pos = np.searchsorted(arc_key[order], want)
        if len(want) and (arc_key[order][np.minimum(pos, len(order) - 1)] != want).any():
            raise AssertionError("placement without a candidate arc")  # all sessions are listed
        chosen.append(order[pos])
    if left.any():
        raise AssertionError("de Werra colouring left edges uncoloured")  # impossible, see above
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, np.int64), values
