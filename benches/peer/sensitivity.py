#!/usr/bin/env python3
"""A vectorised numpy peer of `busetting sensitivity` (docs/model.md §7), to compare speeds honestly.

The tool's draws for the Dirichlet spread without indicator noise (its defaults), vectorised over
batches of draws: Gamma inputs, combined shares by a matrix product, the divisor method (Sainte-Lague
or D'Hondt) within the bounds, minimum-if-asked (the smallest share at 1 .. m-1 units is left out
and its units go to the others' strongest claims, which for a divisor method equals allocating
again), and the summaries of src/robust/mod.rs (nearest-rank percentiles, rank interval, Sobol
indices from classes of each Gamma input with the same bias correction). numpy's PCG64 is not the
tool's ChaCha8: results agree statistically, not bytewise. Exactly equal float quotients (measure
zero) go to the first column rather than by the model's tie rule.

INPUT: the tool's `recommendation.json` (per-criterion shares, weights, bounds, protected flags,
total, method, minimum-if-asked; for those it left out, load() rebuilds the bounds as written).
From the repository's root, with a release build (`cargo build --release`):

    target/release/busetting recommend --out /tmp/peer-in                 # Vestland (criteria/default.toml)
    target/release/busetting recommend --county all --out /tmp/peer-all   # the whole country
    target/release/busetting sensitivity --draws 100000 --no-write --format json > /tmp/rust.json  # --compare

NEEDS: Python 3 and numpy (`pip install numpy`); not part of the build or the tests.

RUN:  python3 benches/peer/sensitivity.py /tmp/peer-in/2027/recommendation.json --draws 100000
      [--kappa 100] [--seed 2027] [--batch 10000] [--out peer.json]
      [--compare /tmp/rust.json]   # agreement with the tool's output for the same number of draws
      [--check-exact 300]          # draws checked against a sequential pure-Python allocation
"""
import argparse, heapq, json, math, os, time
from fractions import Fraction
from types import SimpleNamespace

# One BLAS thread: the only matrix products are thin (5 criteria; 5 x 32 classes), and OpenBLAS's
# second thread made them tens of times slower here when the other core was busy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def load(path):
    """The model of a draw from the tool's recommendation.json. Municipalities are kept in the
    recommendation's order, so each draw comes nearly sorted to the rank sort; `register` is the
    place in kommunenummer order, for the model's tie rules."""
    d = json.load(open(path, encoding="utf-8"))
    ms = sorted(d["municipalities"], key=lambda r: r["rank"])
    ids = [c["id"] for c in d["criteria"]]
    assert all([x["criterion"] for x in r["contributions"]] == ids for r in ms)
    b, total = d["bounds"], d["total"]
    cap = lambda r: math.floor(b["per_1000_cap"] * r["population"] / 1000 + 1e-9)
    lower, upper, protected = [], [], []
    for r in ms:
        lo, up, out = r["lower_bound"], r["upper_bound"], r["not_asked"]
        if out is not None:  # left out: rebuild its bounds as written
            if out["upper"] is None and (r["override_reason"] is not None or b["capacity"] is not None):
                raise SystemExit(f"{r['kommune']}: left out, and its bounds as written are not in {path}")
            lo = {"value": b["minimum"], "source": "minimum"} if b["minimum"] else None
            up = out["upper"] or ({"value": cap(r), "source": "per-1000-cap"} if b["per_1000_cap"] else None)
        elif up is not None and up["source"] == "per-1000-cap":
            assert up["value"] == cap(r), (r["kommune"], up, cap(r))
        lower.append(lo["value"] if lo else 0)
        upper.append(min(up["value"], total) if up else total)  # nobody can take more than T
        protected.append(bool(lo) and lo["source"] in ("override-min", "override-fixed"))
    if d["method"] not in ("sainte-lague", "dhondt"):
        raise SystemExit(f"method {d['method']}: only sainte-lague and dhondt are implemented here")
    return SimpleNamespace(
        rows=ms, ids=ids, total=total, m=b["minimum_if_asked"] or 0, method=d["method"],
        d0=d.get("first_divisor") or 1.0, weights=np.array([c["weight"] for c in d["criteria"]]),
        shares=np.array([[x["share"] for x in r["contributions"]] for r in ms]),  # (n, C)
        lower=np.array(lower), upper=np.array(upper), protected=np.array(protected),
        baseline=np.array([r["recommendation"] for r in ms]), rank=np.array([r["rank"] for r in ms]),
        register=np.argsort(np.argsort([r["kommunenummer"] for r in ms])))


def divisor(M, h):
    """The divisor of unit number h + 1 (h: units held, an array)."""
    return h + 1.0 if M.method == "dhondt" else np.where(h == 0, M.d0, 2.0 * h + 1.0)


def units(M, v):
    """Units for a municipality worth v seats at the final divisor, before its bounds."""
    if M.method == "dhondt":
        return np.floor(v)
    return np.where(v < 0.5 * M.d0, 0.0, np.maximum(np.floor(v + 0.5), 1.0))


def key_of(M, S, a, lim, sign):
    """+1: the quotient of the next unit (-inf at the upper bound lim); -1: minus the quotient of
    the weakest unit held (-inf at the lower bound lim). Either way the largest key moves first."""
    if sign > 0:
        return np.where(a < lim, S / divisor(M, a), -np.inf)
    return np.where(a > lim, -S / divisor(M, np.maximum(a - 1, 0)), -np.inf)


def move(M, S, a, lim, rows, k, sign, bad, keys=None):
    """Moves k[r] units in draw rows[r], one per step: +1 gives each to the strongest claim, -1
    takes each from the weakest unit held. keys: key_of of a whole block, kept up to date (rows is
    then every draw of it). Returns the (draws, columns) changed at each step."""
    kr = keys if keys is not None else key_of(M, S[rows], a[rows], lim[rows], sign)
    live, changed = np.arange(len(rows)), []
    for step in range(int(k.max(initial=0))):
        live = live[k[live] > step]
        if keys is None and len(live) < 0.75 * len(kr):  # drop finished draws once they are a quarter
            kr, rows, k, live = kr[live], rows[live], k[live], np.arange(len(live))
        j = kr.argmax(1)[live]  # argmax over the whole block is cheaper than gathering the live rows
        r = rows[live]
        bad[r[kr[live, j] == -np.inf]] = True  # nobody can move another unit: no allocation exists
        a[r, j] += sign
        kr[live, j] = key_of(M, S[r, j], a[r, j], lim[r, j], sign)
        changed.append((r, j))
    return changed


def allocate(M, S):
    """Integer allocations (B, n) for the combined shares S (B, n), and the draws without one."""
    B, n = S.shape
    T = M.total
    # An upper bound below the minimum: left out from the start. A zero share stays at its lower bound.
    pre = ~M.protected & (M.upper < M.m) if M.m else np.zeros(n, bool)
    L = np.broadcast_to(np.where(pre, 0, M.lower), (B, n))
    U = np.where(S > 0, np.where(pre, 0, M.upper), L)
    bad = np.zeros(B, bool)
    # Seats per unit of share with the bounds in force (water-filling, a few rounds per draw).
    x = T / S.sum(1)
    for _ in range(8):
        q = x[:, None] * S
        low, high = q <= L, q >= U
        fixed = np.where(low, L, np.where(high, U, 0)).sum(1)
        free = np.where(low | high, 0.0, S).sum(1)
        x, old = np.where(free > 0, (T - fixed) / np.where(free > 0, free, 1.0), x), x
        if np.all(np.abs(x - old) <= 1e-13 * x):
            break
    del q, low, high
    # The divisor method at that level is a few units off the total: fix-ups, unit by unit.
    a = np.clip(units(M, x[:, None] * S), L, U).astype(np.int64)
    need = T - a.sum(1)
    for sign, lim in ((-1, L), (+1, U)):
        rows = np.flatnonzero(sign * need > 0)
        move(M, S, a, lim, rows, sign * need[rows], sign, bad)
    if not M.m:
        return a, bad
    Q = key_of(M, S, a, U, +1)  # each one's claim to a next unit, kept up to date from here
    # Minimum if asked: a round leaves out one municipality in every draw that has one to leave out.
    # Units only grow (but the one left out's), so only columns with fewer than m units somewhere
    # now can ever be left out. For them, kept up to date: the share if at 1 .. m-1 units, else inf.
    # They go in reverse register order, so that argmin's first minimum is the later municipality.
    cols = np.flatnonzero(~M.protected & (a < M.m).any(0))
    cols = cols[np.argsort(-M.register[cols])]
    pos = np.full(n, -1)
    pos[cols] = np.arange(len(cols))
    band = lambda a_, S_: np.where((a_ >= 1) & (a_ < M.m), S_, np.inf)
    low = band(a[:, cols], S[:, cols])
    idx = np.flatnonzero(~bad & (low < np.inf).any(1))
    while idx.size:
        # The draws still leaving out, as one contiguous block (redone once a quarter are done).
        bS, ba, bU, bQ, blow, bbad = S[idx], a[idx], U[idx], Q[idx], low[idx], np.zeros(len(idx), bool)
        every = np.arange(len(idx))
        while True:
            c = blow.argmin(1)  # the smallest share below the minimum; of equal shares the later
            some = (blow[every, c] < np.inf) & ~bbad
            if not some.any() or (some.sum() < 0.75 * len(idx) and len(idx) > 500):
                break
            r = every[some]
            v = cols[c[r]]
            freed = np.zeros(len(idx), np.int64)
            freed[r] = ba[r, v]
            ba[r, v] = bU[r, v] = 0
            bQ[r, v], blow[r, c[r]] = -np.inf, np.inf
            for rr, j in move(M, bS, ba, bU, every, freed, +1, bbad, bQ):  # its units to the others
                rr, j = rr[pos[j] >= 0], j[pos[j] >= 0]
                blow[rr, pos[j]] = band(ba[rr, j], bS[rr, j])
        a[idx], U[idx], Q[idx], low[idx] = ba, bU, bQ, blow
        bad[idx] |= bbad
        idx = idx[some]
    return a, bad


def draw_shares(M, rng, B, kappa):
    """B draws: each criterion's Gamma input G (B, C; 0 for weight 0) and the combined shares."""
    alpha = kappa * M.weights
    G = np.zeros((B, len(alpha)))
    G[:, alpha > 0] = rng.standard_gamma(alpha[alpha > 0], size=(B, int((alpha > 0).sum())))
    return G, (G / G.sum(1, keepdims=True)) @ M.shares.T


def nearest_rank(counts, start, p):
    """The smallest value with at least ceil(p K) draws at or below it (Histogram::percentile)."""
    return start + int(np.searchsorted(np.cumsum(counts), max(math.ceil(p * counts.sum()), 1)))


def run(M, K, kappa, seed, batch):
    n, C = M.shares.shape
    rng, classes = np.random.default_rng(seed), int(np.clip(K // 500, 4, 32))
    width = M.upper + 1  # municipality i's value histogram: bins 0 .. min(U_i, T) from offset[i]
    offset = np.concatenate(([0], np.cumsum(width)[:-1]))
    t = SimpleNamespace(values=np.zeros(width.sum(), np.int64), ranks=np.zeros((n, n), np.int64),
                        sum=np.zeros(n, np.int64), sq=np.zeros(n, np.int64), moved=np.zeros(n, np.int64),
                        ccount=np.zeros((C, classes)), csum=np.zeros((C, classes, n)), bad=0)
    edges, clock = None, {"draws": 0.0, "tallies": 0.0}
    batch = max(batch, min(K, 4096))  # the class edges come from the first batch
    for start in range(0, K, batch):
        t0 = time.perf_counter()
        G, S = draw_shares(M, rng, min(batch, K - start), kappa)
        a, bad = allocate(M, S)
        t1 = time.perf_counter()
        if edges is None:  # class edges: quantiles of each input over the first 4096 draws
            pilot = np.sort(G[:4096], axis=0)
            edges = pilot[[j * len(pilot) // classes for j in range(1, classes)]].T  # (C, classes - 1)
        t.bad += int(bad.sum())
        G, S, a = G[~bad], S[~bad], a[~bad]
        t.values += np.bincount((offset + a).ravel(), minlength=t.values.size)
        # Places: more units first, then the larger share (lexsort is stable, and quick on rows that
        # come nearly sorted); then a histogram of (municipality, place).
        order = np.lexsort((-S, -a), axis=-1)
        t.ranks += np.bincount((order * n + np.arange(n)).ravel(), minlength=n * n).reshape(n, n)
        t.sum += a.sum(0)
        t.sq += (a * a).sum(0)
        t.moved += (np.abs(a - M.baseline) > 1).sum(0)
        # Per class of each criterion's input: the draws and the sums of units, by one one-hot
        # matrix product (sums of integers below 2**53 are exact in float64).
        cls = np.stack([np.searchsorted(edges[c], G[:, c], side="right") for c in range(C)], 1)
        onehot = (cls[:, :, None] == np.arange(classes)).reshape(len(a), C * classes).astype(np.float64)
        t.ccount += onehot.sum(0).reshape(C, classes)
        t.csum += (onehot.T @ a).reshape(C, classes, n)
        clock["draws"] += t1 - t0
        clock["tallies"] += time.perf_counter() - t1
        del G, S, a, order, onehot  # free this batch's arrays before the next is made
    k, out = K - t.bad, []
    for i, r in enumerate(M.rows):
        h = t.values[offset[i] : offset[i] + width[i]]
        sst = t.sq[i] - t.sum[i] ** 2 / k
        sobol = []
        for c in range(C):  # as Summary::rows: the given-data estimator with its bias correction
            nb = t.ccount[c]
            used = int((nb > 0).sum())
            ssb = (t.csum[c, nb > 0, i] ** 2 / nb[nb > 0]).sum() - t.sum[i] ** 2 / k
            bias = (used - 1) * max(sst - ssb, 0.0) / (k - used) if k > used else 0.0
            sobol.append(float(np.clip((ssb - bias) / sst, 0, 1)) if k >= 2 and sst > 0 else None)
        nz = np.flatnonzero(h)
        out.append({"kommunenummer": r["kommunenummer"], "kommune": r["kommune"], "baseline": int(M.baseline[i]),
                    "p5": nearest_rank(h, 0, 0.05), "p50": nearest_rank(h, 0, 0.5), "p95": nearest_rank(h, 0, 0.95),
                    "min": int(nz[0]), "max": int(nz[-1]), "mean": t.sum[i] / k, "p_moved": t.moved[i] / k,
                    "p_zero": h[0] / k, "rank": int(M.rank[i]), "rank_p5": nearest_rank(t.ranks[i], 1, 0.05),
                    "rank_p95": nearest_rank(t.ranks[i], 1, 0.95), "sobol": sobol})
    return out, clock, t.bad


def reference(M, s):
    """Sequential, plain Python: from the lower bounds, each unit in turn to the strongest claim (a
    heap; ties to the larger share, then the lower kommunenummer); then leave out the smallest
    share below the minimum (of equal shares the later) and allocate again from scratch. Also
    whether the final allocation's weakest unit held beats its strongest withheld exactly."""
    n, T = len(s), M.total
    L, U, reg = [int(v) for v in M.lower], [int(v) for v in M.upper], [int(v) for v in M.register]
    d = (lambda h: h + 1.0) if M.method == "dhondt" else (lambda h: M.d0 if h == 0 else 2.0 * h + 1.0)
    for i in range(n):
        if M.m and not M.protected[i] and U[i] < M.m:
            L[i] = U[i] = 0
        if s[i] <= 0:
            U[i] = L[i]
    while True:
        a = L[:]
        heap = [(-s[i] / d(a[i]), -s[i], reg[i], i) for i in range(n) if a[i] < U[i]]
        heapq.heapify(heap)
        for _ in range(T - sum(a)):
            *_, i = heapq.heappop(heap)
            a[i] += 1
            if a[i] < U[i]:
                heapq.heappush(heap, (-s[i] / d(a[i]), -s[i], reg[i], i))
        below = [i for i in range(n) if not M.protected[i] and 0 < a[i] < M.m]
        if not below:
            break
        v = min(below, key=lambda i: (s[i], -reg[i]))
        L[v] = U[v] = 0
    q = lambda i, h: Fraction(s[i]) / Fraction(d(h))  # exact (the divisors here are exact floats)
    held = min((q(i, a[i] - 1) for i in range(n) if a[i] > L[i]), default=None)
    withheld = max((q(i, a[i]) for i in range(n) if a[i] < U[i]), default=None)
    return a, held is None or withheld is None or held > withheld


def check_exact(M, count, kappa, seed):
    G, S = draw_shares(M, np.random.default_rng(seed + 1), count, kappa)
    a, _ = allocate(M, S)
    same = strict = zeros = 0
    for k in range(count):
        ref, sure = reference(M, S[k].tolist())
        same, strict = same + (ref == a[k].tolist()), strict + sure
        zeros += sum(1 for i in range(len(ref)) if ref[i] == 0 and M.upper[i] >= M.m)
    print(f"exact check: {same}/{count} draws identical to the sequential allocation ({strict} with the "
          f"final comparison strict in exact arithmetic; {zeros} municipalities at 0 that could be asked)")


def compare(ours, path):
    """Agreement with the tool's `sensitivity` output (same number of draws, another RNG)."""
    rust = {r["kommunenummer"]: r for r in json.load(open(path, encoding="utf-8"))["rows"]}
    diff = lambda key: np.array([r[key] - rust[r["kommunenummer"]][key] for r in ours])
    for key in ("p5", "p50", "p95", "rank_p5", "rank_p95", "min", "max"):
        values, counts = np.unique(diff(key), return_counts=True)
        print(f"{key:>9}: peer - rust: " + ", ".join(f"{v:+d} ({c}x)" for v, c in zip(values, counts)))
    print(f"     mean: max |peer - rust| {np.abs(diff('mean')).max():.4f}; p_moved: {np.abs(diff('p_moved')).max():.4f}")
    s = np.array([[(x or 0) - (y or 0) for x, y in zip(r["sobol"], rust[r["kommunenummer"]]["sobol"])] for r in ours])
    print(f"    sobol: max |peer - rust| {np.abs(s).max():.4f}, mean {np.abs(s).mean():.4f}")
    for r, q in ((r, rust[r["kommunenummer"]]) for r in ours):
        if max(abs(r[k] - q[k]) for k in ("p5", "p50", "p95")) > 2:
            print(f"  {r['kommune']}: rust p5/p50/p95 {q['p5']}/{q['p50']}/{q['p95']}, peer "
                  f"{r['p5']}/{r['p50']}/{r['p95']}; peer's share of draws at 0: {r['p_zero']:.4f}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input", help="recommendation.json written by the tool")
    p.add_argument("--draws", type=int, default=10_000)
    p.add_argument("--kappa", type=float, default=100.0, help="Dirichlet concentration (the tool's default)")
    p.add_argument("--seed", type=int, default=2027)
    p.add_argument("--batch", type=int, default=10_000, help="draws per batch (memory ~ batch x municipalities)")
    p.add_argument("--out", help="write the rows as JSON here")
    p.add_argument("--compare", help="the tool's `sensitivity --format json` output")
    p.add_argument("--check-exact", type=int, default=0, metavar="N")
    o = p.parse_args()
    t0 = time.perf_counter()
    M, t1 = load(o.input), time.perf_counter()
    (rows, clock, bad), t2 = run(M, o.draws, o.kappa, o.seed, o.batch), time.perf_counter()
    print(f"{len(M.rows)} municipalities, {o.draws} draws ({bad} without an allocation): load {t1 - t0:.3f} s, "
          f"draws {clock['draws']:.3f} s, tallies {clock['tallies']:.3f} s, "
          f"summary {t2 - t1 - clock['draws'] - clock['tallies']:.3f} s")
    if o.out:
        json.dump({"draws": o.draws, "kappa": o.kappa, "seed": o.seed, "rows": rows}, open(o.out, "w"), indent=1)
    if o.compare:
        compare(rows, o.compare)
    if o.check_exact:
        check_exact(M, o.check_exact, o.kappa, o.seed)


if __name__ == "__main__":
    main()
