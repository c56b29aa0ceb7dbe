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
    n_arcs = len(prep.arc_participant)
    rhs: list[np.ndarray] = []
    nslots = max(len(prep.slot_ids), 1)
    key = prep.arc_participant * nslots + prep.arc_slot
    uniq, inv, cnt = np.unique(key, return_inverse=True, return_counts=True)
    keep = cnt[inv] >= 2  # a lone arc of a participant in a slot is bounded by x <= 1
    _, r = np.unique(inv[keep], return_inverse=True)
    rows_r, cols = [r], [np.flatnonzero(keep)]
    nrows = int(r.max()) + 1 if len(r) else 0
    rhs.append(np.ones(nrows))
    wcount = np.bincount(prep.arc_workshop, minlength=len(prep.workshops))
    tight = np.flatnonzero(wcount > prep.free)
    wrow = -np.ones(len(prep.workshops), dtype=np.int64)
    wrow[tight] = np.arange(len(tight)) + nrows
    sel = np.flatnonzero(wrow[prep.arc_workshop] >= 0)
    rows_r.append(wrow[prep.arc_workshop[sel]])
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


def solve_stages(
    a_base: sparse.csr_matrix,
    b_base: np.ndarray,
    stages: list[np.ndarray],
    time_limit: float,
    a_eq: sparse.csr_matrix | None = None,
) -> LexOutcome:
    """Maximise ``stages[0] @ x``, then ``stages[1] @ x`` among its optima, and so on.

    ``a_eq`` (optional): rows that must equal 1 (seats kept, see ``covered_rows``)."""
    model = LexModel(a_base, b_base, time_limit=time_limit, a_eq=a_eq)
    for k, obj in enumerate(stages):
        if not model.stage(obj, stages_left=len(stages) - k, restrict=k < len(stages) - 1):
            break
    return model.outcome()


class LexModel:
    """The staged optimisation of ``solve_stages``, one stage at a time, over columns that may grow.

    Columns are 0/1 arcs by default; ``add`` appends columns (integer or continuous, with their
    upper bounds) and ``<=`` rows over all columns, e.g. auxiliary variables of a later objective.
    Rows added after a stage keep that stage's optimal set: the restriction already in force only
    fixes bounds of, or tightens rows over, the earlier columns."""

    def __init__(
        self, a_base: sparse.csr_matrix, b_base: np.ndarray, *, time_limit: float, a_eq: sparse.csr_matrix | None = None
    ) -> None:
        n = a_base.shape[1]
        self.start, self.time_limit = time.monotonic(), time_limit
        self.lo, self.hi, self.integ = np.zeros(n), np.ones(n), np.ones(n)
        self.rows, self.rhs = sparse.csr_matrix(a_base), np.asarray(b_base, dtype=float)
        self.eq = np.zeros(len(self.rhs), dtype=bool)
        if a_eq is not None and a_eq.shape[0]:
            self.rows = sparse.vstack([self.rows, a_eq], format="csr")
            self.rhs = np.append(self.rhs, np.ones(a_eq.shape[0]))
            self.eq = np.append(self.eq, np.ones(a_eq.shape[0], dtype=bool))
        self.x = np.zeros(n)
        self.values: list[float] = []
        self.bounds: list[float] = []
        self.optimal, self.status = True, "optimal"
        self.failed = False

    @property
    def n(self) -> int:
        return len(self.lo)

    def left(self) -> float:
        return self.time_limit - (time.monotonic() - self.start)

    def add(
        self, n_new: int, rows: sparse.csr_matrix, rhs: np.ndarray, *, upper: np.ndarray, integer: bool = False
    ) -> None:
        """Append ``n_new`` columns (bounds [0, upper]) and the rows ``rows @ x <= rhs`` over all columns."""
        if n_new:
            self.rows = sparse.hstack([self.rows, sparse.csr_matrix((self.rows.shape[0], n_new))], format="csr")
            self.lo = np.append(self.lo, np.zeros(n_new))
            self.hi = np.append(self.hi, np.asarray(upper, dtype=float))
            self.integ = np.append(self.integ, np.full(n_new, 1.0 if integer else 0.0))
            self.x = np.append(self.x, np.zeros(n_new))
        if rows.shape[0]:
            self.rows = sparse.vstack([self.rows, sparse.csr_matrix(rows)], format="csr")
            self.rhs = np.append(self.rhs, np.asarray(rhs, dtype=float))
            self.eq = np.append(self.eq, np.zeros(rows.shape[0], dtype=bool))

    def stage(self, obj: np.ndarray, *, stages_left: int = 1, restrict: bool = True) -> bool:
        """Maximise ``obj @ x`` within the optimal set so far, then (``restrict``) cut the set down to
        this stage's optima. False when the stage could not be solved (the previous ``x`` stays)."""
        obj = np.asarray(obj, dtype=float)
        if self.failed:
            return False
        if not obj.any() or self.n == 0:
            self.values.append(0.0)
            self.bounds.append(0.0)
            return True
        k = len(self.values)
        left = self.left()
        share = max(left / max(stages_left, 1), 0.05)
        eq = self.eq
        ub_rows, eq_rows = self.rows[~eq], self.rows[eq]
        lp = linprog(
            -obj,
            A_ub=ub_rows if ub_rows.shape[0] else None,
            b_ub=self.rhs[~eq] if ub_rows.shape[0] else None,
            A_eq=eq_rows if eq_rows.shape[0] else None,
            b_eq=self.rhs[eq] if eq_rows.shape[0] else None,
            bounds=np.column_stack([self.lo, self.hi]),
            method="highs",
            options={"time_limit": max(left, 0.05)},
        )
        if lp.status != 0:
            self.optimal, self.status, self.failed = False, f"stage {k + 1}: LP {lp.message}", True
            return False
        lp_val = -float(lp.fun)
        x = lp.x
        ints = self.integ > 0
        if np.max(np.abs(x[ints] - np.rint(x[ints])), initial=0.0) <= 1e-6:
            x_int = np.where(ints, np.rint(x), x)
            val = bound = float(np.rint(obj @ x_int))
        else:
            res = milp(
                -obj,
                integrality=self.integ,
                bounds=Bounds(self.lo, self.hi),
                constraints=LinearConstraint(self.rows, np.where(eq, self.rhs, -np.inf), self.rhs),
                options={"time_limit": share, "mip_rel_gap": 0.0},
            )
            if res.x is None:
                self.optimal, self.status = False, f"stage {k + 1}: no integer solution in time"
                self.failed = True
                return False
            x_int = np.where(ints, np.rint(res.x), res.x)
            val = bound = float(np.rint(obj @ x_int))
            if res.status != 0:
                self.optimal, self.status = False, f"stage {k + 1}: stopped by time limit"
                dual = -res.mip_dual_bound if res.mip_dual_bound is not None else lp_val
                bound = float(np.floor(min(lp_val, dual) + 1e-6))
        self.x = x_int
        self.values.append(val)
        self.bounds.append(bound)
        if not restrict:
            return True
        if val >= lp_val - 1e-6:  # integer optimum = LP optimum: restrict to the LP optimal face
            at_lo, at_hi = lp.lower.marginals > _TOL, lp.upper.marginals < -_TOL
            self.hi[at_lo] = self.lo[at_lo]
            self.lo[at_hi] = self.hi[at_hi]
            dual = np.zeros(len(self.rhs))
            if ub_rows.shape[0]:
                dual[np.flatnonzero(~eq)] = lp.ineqlin.marginals
            self.eq = eq | (np.abs(dual) > _TOL)
        else:
            self.rows = sparse.vstack([self.rows, sparse.csr_matrix(-obj)], format="csr")
            self.rhs = np.append(self.rhs, -val)
            self.eq = np.append(self.eq, False)
        return True

    def outcome(self, n_arcs: int | None = None) -> LexOutcome:
        """Chosen arcs: the integer columns among the first ``n_arcs`` (all by default) at 1."""
        x = self.x[: self.n if n_arcs is None else n_arcs]
        return LexOutcome(np.flatnonzero(x > 0.5), self.values, self.bounds, self.optimal, self.status)
