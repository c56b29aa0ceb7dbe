"""Lexicographic (staged) LP/MILP over the candidate arcs, with HiGHS through SciPy.

Model: one 0/1 variable per candidate arc (participant, workshop). Rows: at most one workshop
per participant and slot, at most the free seats per workshop, at most one workshop per
participant and repeated topic. Without topic rows the matrix is the incidence matrix of a
bipartite graph, hence totally unimodular: LP vertices are integral.

Stages are maximised one after the other (e.g. rank-1 placements, then rank-2 ...). After a
stage the feasible set is cut down to that stage's optimal set *without* adding big-M weights:

* if the stage LP optimum is attained by an integral point, the stage's integer optimum equals
  the LP optimum, so the integer optimal set is the integer part of the LP optimal face. That face
  is described exactly by complementary slackness with the LP dual: variables with a non-zero
  reduced cost are fixed at their bound and rows with a non-zero dual become equalities. The
  restricted polytope stays integral in the totally unimodular case, so no MILP is ever needed
  there;
* otherwise a MILP is solved over the current set and a row ``stage value >= optimum`` is added.

Each MILP gets a share of the time limit; an unproven stage makes the result non-optimal and its
dual bound is reported.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from app.assignment.solver.problem import Prepared

_TOL = 1e-7


@dataclass
class LexOutcome:
    chosen: np.ndarray  # arc indices with x = 1
    values: list[float]
    bounds: list[float]
    optimal: bool
    status: str


def base_rows(prep: Prepared, with_topics: bool = True) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Constraint rows ``A x <= b`` over the arcs of ``prep`` (see module docstring)."""
    n_arcs = len(prep.arc_p)
    rhs: list[np.ndarray] = []
    nslots = max(len(prep.slot_ids), 1)
    key = prep.arc_p * nslots + prep.arc_slot
    uniq, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
    keep = cnt[inv] >= 2  # a lone arc of a participant in a slot is bounded by x <= 1
    _, r = np.unique(inv[keep], return_inverse=True)
    rows_r, cols = [r], [np.flatnonzero(keep)]
    nrows = int(r.max()) + 1 if len(r) else 0
    rhs.append(np.ones(nrows))
    wcount = np.bincount(prep.arc_w, minlength=len(prep.ws))
    tight = np.flatnonzero(wcount > prep.free)
    wrow = -np.ones(len(prep.ws), dtype=np.int64)
    wrow[tight] = np.arange(len(tight)) + nrows
    sel = np.flatnonzero(wrow[prep.arc_w] >= 0)
    rows_r.append(wrow[prep.arc_w[sel]])
    cols.append(sel)
    rhs.append(prep.free[tight].astype(float))
    nrows += len(tight)
    if with_topics:
        for g in prep.topic_groups():
            rows_r.append(np.full(len(g), nrows))
            cols.append(g)
            rhs.append(np.ones(1))
            nrows += 1
    rr, cc = np.concatenate(rows_r), np.concatenate(cols)
    mat = sparse.csr_matrix((np.ones(len(rr)), (rr, cc)), shape=(nrows, n_arcs))
    return mat, np.concatenate(rhs) if rhs else np.zeros(0)


def covered_rows(prep: Prepared) -> sparse.csr_matrix:
    """One row per (participant, slot) of ``prep.forced`` over its arcs: ``row @ x == 1`` keeps it covered."""
    keys = prep.arc_keys()
    sel = np.flatnonzero(np.isin(keys, prep.forced))
    rows = np.searchsorted(prep.forced, keys[sel])
    return sparse.csr_matrix((np.ones(len(sel)), (rows, sel)), shape=(len(prep.forced), len(keys)))


def solve_stages(a_base: sparse.csr_matrix, b_base: np.ndarray, stages: list[np.ndarray],
                 time_limit: float, a_eq: sparse.csr_matrix | None = None) -> LexOutcome:
    """Maximise ``stages[0] @ x``, then ``stages[1] @ x`` among its optima, and so on.

    ``a_eq`` (optional): rows that must equal 1 (seats kept, see ``covered_rows``)."""
    n = a_base.shape[1]
    start = time.monotonic()
    lo, hi = np.zeros(n), np.ones(n)
    rows, rhs = a_base, b_base.astype(float)
    eq = np.zeros(len(rhs), dtype=bool)
    if a_eq is not None and a_eq.shape[0]:
        rows = sparse.vstack([rows, a_eq], format="csr")
        rhs = np.append(rhs, np.ones(a_eq.shape[0]))
        eq = np.append(eq, np.ones(a_eq.shape[0], dtype=bool))
    x_int = np.zeros(n)
    values: list[float] = []
    bounds: list[float] = []
    optimal, status = True, "optimal"
    for k, obj in enumerate(stages):
        obj = np.asarray(obj, dtype=float)
        if not obj.any() or n == 0:
            values.append(0.0)
            bounds.append(0.0)
            continue
        left = time_limit - (time.monotonic() - start)
        share = max(left / (len(stages) - k), 0.05)
        ub_rows, eq_rows = rows[~eq], rows[eq]
        lp = linprog(-obj, A_ub=ub_rows if ub_rows.shape[0] else None,
                     b_ub=rhs[~eq] if ub_rows.shape[0] else None,
                     A_eq=eq_rows if eq_rows.shape[0] else None,
                     b_eq=rhs[eq] if eq_rows.shape[0] else None,
                     bounds=np.column_stack([lo, hi]), method="highs",
                     options={"time_limit": max(left, 0.05)})
        if lp.status != 0:
            optimal, status = False, f"stage {k + 1}: LP {lp.message}"
            break
        lp_val = -float(lp.fun)
        x = lp.x
        if np.max(np.abs(x - np.rint(x)), initial=0.0) <= 1e-6:
            x_int = np.rint(x)
            val = bound = float(np.rint(obj @ x_int))
        else:
            res = milp(-obj, integrality=np.ones(n), bounds=Bounds(lo, hi),
                       constraints=LinearConstraint(rows, np.where(eq, rhs, -np.inf), rhs),
                       options={"time_limit": share, "mip_rel_gap": 0.0})
            if res.x is None:
                optimal, status = False, f"stage {k + 1}: no integer solution in time"
                break
            x_int = np.rint(res.x)
            val = float(np.rint(obj @ x_int))
            bound = val
            if res.status != 0:
                optimal, status = False, f"stage {k + 1}: stopped by time limit"
                dual = -res.mip_dual_bound if res.mip_dual_bound is not None else lp_val
                bound = float(np.floor(min(lp_val, dual) + 1e-6))
        values.append(val)
        bounds.append(bound)
        if k == len(stages) - 1:
            break
        if val >= lp_val - 1e-6:  # integer optimum = LP optimum: restrict to the LP optimal face
            at_lo, at_hi = lp.lower.marginals > _TOL, lp.upper.marginals < -_TOL
            hi[at_lo] = lo[at_lo]
            lo[at_hi] = hi[at_hi]
            dual = np.zeros(len(rhs))
            if ub_rows.shape[0]:
                dual[np.flatnonzero(~eq)] = lp.ineqlin.marginals
            eq = eq | (np.abs(dual) > _TOL)
        else:
            rows = sparse.vstack([rows, sparse.csr_matrix(-obj)], format="csr")
            rhs = np.append(rhs, -val)
            eq = np.append(eq, False)
    return LexOutcome(np.flatnonzero(x_int > 0.5), values, bounds, optimal, status)
