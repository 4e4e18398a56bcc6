"""Bead gains for the DP: normalised window similarity, bead-size priors, length and paragraph terms.

Raw cosine is not comparable across sentences (for e5, unrelated pairs already score ~0.77), so
each window's similarity is taken relative to its mean similarity to the whole other side, the
way vecalign normalises against random sentences. ``mean_other`` is one vector per side, so the
baseline of any window is a single dot product.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from .dp import DPParams
from .side import Side
from .windows import WindowOverrides, window_any, window_crosses, window_embeddings, window_lengths


@dataclass(frozen=True)
class ScoringParams:
    """Tunable weights of the bead gain (see ``PairScorer.row_gains``); the gains of leaving
    sentences unaligned are the DP's (``DPParams``)."""

    threshold: float = 0.3
    """Relative similarity above which pairing beats leaving both sides unaligned."""
    scale_quantile: float = 0.5
    """Quantile of the sentences' best similarities taken as the document's "translation" level."""
    min_scale: float = 0.035
    """Floor of that level, so that unrelated documents do not look like translations."""
    size_weight: float = 0.5
    """A bead's similarity counts ``size_weight * (a + b)`` times: bigger beads cover more text."""
    type_penalty: dict = field(default_factory=lambda: {(1, 1): 0.0, (1, 2): 0.2, (2, 1): 0.2})
    extra_penalty_per_sentence: float = 0.3
    """Penalty per sentence beyond two on the larger side (1-3, 4-1, ...), or beyond four in all
    for many-to-many beads (2-3, 3-3, ...)."""
    many_penalty: float = 5.0
    """Prior penalty of a 2-2 bead, the base of the other many-to-many types. On summed sentence
    vectors a 2-2 looks as good as its two 1-1 halves, so the first pass keeps them out; the
    second pass, with windows encoded as text and the crossing test, lets them in."""
    crossing_weight: float = 0.0
    """Penalty per unit by which a many-to-many bead's diagonal 1-1 pairs outscore its crossing
    ones (beyond ``crossing_margin``): side-by-side translations are separate beads."""
    crossing_margin: float = -0.4
    same_flagged_pairs: bool = True
    """Pair a flagged line with the same flagged line facing it ("2. 1953 :" items of a list)."""
    length_weight: float = 0.2
    """Weight of the squared deviation of log(target chars / source chars) from its expected value."""
    length_log_ratio: float = -0.2
    """Expected log(target chars / source chars): English runs shorter than Indonesian."""
    paragraph_bonus: float = 0.1
    """Gain for a bead boundary that falls on a paragraph boundary on both sides."""
    paragraph_cross_penalty: float = 0.5
    """Penalty for merging sentences of different paragraphs into one side of a bead."""
    flag_penalty: float = 1.0
    """Penalty for a pair bead with a flagged (boilerplate) sentence on either side."""
    neighbours: int = 0
    """Similarity baseline: mean cosine to this many nearest sentences of the other side; 0 (the
    default, best on ../shared/bench with boilerplate flags) takes the mean over the whole other side."""

    def penalty(self, a: int, b: int) -> float:
        """Prior penalty of an a-b bead."""
        if (a, b) in self.type_penalty:
            return self.type_penalty[(a, b)]
        if a >= 2 and b >= 2:
            return self.many_penalty + self.extra_penalty_per_sentence * (a + b - 4)
        return self.type_penalty.get((1, 2), 0.0) + self.extra_penalty_per_sentence * (max(a, b) - 2)


@dataclass(frozen=True, eq=False)
class DocumentReference:
    """Whole-document statistics for scoring a stretch of a document as part of it, not alone:
    each side's mean sentence vector (the baselines of ``neighbours == 0``) and the document scale.

    A stretch between two anchors has only a few sentences: baselines and a scale taken from it
    alone are noisy, and an anchored re-alignment then scores worse than the first one.
    """

    src_mean: np.ndarray
    tgt_mean: np.ndarray
    scale: float


def document_reference(src_emb: np.ndarray, tgt_emb: np.ndarray, params: ScoringParams) -> DocumentReference:
    """The means and scale a ``PairScorer`` of the whole document (``neighbours == 0``) uses, bit for bit."""
    src_mean, tgt_mean = (_mean(emb) for emb in (src_emb, tgt_emb))
    src_sent, tgt_sent = window_embeddings(src_emb, 1)[0, 1:], window_embeddings(tgt_emb, 1)[0, 1:]
    scale = document_scale(src_emb, tgt_emb, src_sent @ tgt_mean, tgt_sent @ src_mean, params.scale_quantile,
                           params.min_scale)
    return DocumentReference(src_mean, tgt_mean, scale)


def _mean(emb: np.ndarray) -> np.ndarray:
    return emb.mean(axis=0).astype(np.float32) if len(emb) else np.zeros(emb.shape[1], np.float32)


class PairScorer:
    """Computes DP gains of pair beads ending at each cell from the two sides' sentence embeddings.

    ``dp`` matters here only for a flagged line facing the same flagged line, whose pair forgoes
    the skip gains of both (see ``_same_flagged_gain``). ``reference`` (a stretch of a larger
    document) replaces the two sides' own means and scale with the document's.
    """

    def __init__(
        self,
        src: Side,
        tgt: Side,
        *,
        types: list[tuple[int, int]],
        params: ScoringParams,
        dp: DPParams = DPParams(),
        reference: DocumentReference | None = None,
    ) -> None:
        if reference is not None and params.neighbours > 0:
            raise ValueError("a document reference holds mean baselines: it needs neighbours == 0")
        self.types = types
        self.params = params
        self.dp = dp
        self._reference = reference
        self._src_emb, self._tgt_emb = src.embeddings, tgt.embeddings
        k = max(max(a, b) for a, b in types)
        self.max_size = k
        self.src_win = window_embeddings(src.embeddings, k)
        self.tgt_win = window_embeddings(tgt.embeddings, k)
        if reference is not None:
            self.src_base = self.src_win @ reference.tgt_mean  # (k, n+1)
            self.tgt_base = self.tgt_win @ reference.src_mean  # (k, m+1)
            self.scale = reference.scale
        else:
            self.src_base = baselines(self.src_win, tgt.embeddings, params.neighbours)  # (k, n+1)
            self.tgt_base = baselines(self.tgt_win, src.embeddings, params.neighbours)  # (k, m+1)
            self.scale = document_scale(
                src.embeddings, tgt.embeddings, self.src_base[0, 1:], self.tgt_base[0, 1:], params.scale_quantile,
                params.min_scale,
            )
        self.src_loglen = np.log(window_lengths(src.lengths, k) + 10.0)
        self.tgt_loglen = np.log(window_lengths(tgt.lengths, k) + 10.0)
        self.src_cross = window_crosses(src.paragraphs, k)
        self.tgt_cross = window_crosses(tgt.paragraphs, k)
        self.src_flagged = window_any(src.flags, k)
        self.tgt_flagged = window_any(tgt.flags, k)
        self._same_flagged = _same_flagged_keys(src, tgt)
        self.src_boundary = _boundaries(src.paragraphs)
        self.tgt_boundary = _boundaries(tgt.paragraphs)
        self._src_sent_base, self._tgt_sent_base = self.src_base[0, 1:], self.tgt_base[0, 1:]
        self._text: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._text_weight = 0.0
        self.many_allowed: tuple[np.ndarray, np.ndarray] | None = None
        """Window masks ``(src (k, n+1), tgt (k, m+1))`` of where many-to-many beads may end; None: anywhere."""
        self._set_params(params, types)

    def _set_params(self, params: ScoringParams, types: list[tuple[int, int]] | None = None) -> None:
        if types is not None:
            self.types = types
            self._a = np.array([a for a, _ in types])
            self._b = np.array([b for _, b in types])
            self._many = (self._a >= 2) & (self._b >= 2)
        self.params = params
        self._weight = params.size_weight * (self._a + self._b)
        self._penalty = np.array([params.penalty(a, b) for a, b in self.types])

    def with_text_windows(
        self,
        src: WindowOverrides,
        tgt: WindowOverrides,
        weight: float,
        *,
        params: ScoringParams | None = None,
        dp: DPParams | None = None,
        types: list[tuple[int, int]] | None = None,
        many_allowed: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> "PairScorer":
        """A copy whose window similarities blend in ``weight`` of those with ``src``/``tgt`` swapped in.

        The overrides are, in practice, the concatenated text of the windows worth encoding; all
        other windows keep their summed vectors, so they score as before. ``params`` replaces the
        gain weights, ``dp`` the skip gains, ``types`` the bead types (sizes up to the first pass's largest), and
        ``many_allowed`` (window masks) says where many-to-many beads may end; the
        baselines (their ``neighbours`` setting and reference included) and the document scale stay
        those of the first pass, whatever ``params.neighbours`` says.
        """
        if types is not None and max(max(a, b) for a, b in types) > self.max_size:
            raise ValueError("the second pass cannot use beads larger than the first pass's windows")
        other = copy.copy(self)
        k = self.params.neighbours

        def to(other: np.ndarray, mean: np.ndarray | None):  # the replaced windows' baselines
            if mean is not None:  # against the document's mean
                return lambda vectors: vectors @ mean
            return lambda vectors: baselines(vectors[None], other, k, reach=max(len(other), 1))[0]

        ref = self._reference
        src_base = src.baselines(self.src_base, to(self._tgt_emb, None if ref is None else ref.tgt_mean))
        tgt_base = tgt.baselines(self.tgt_base, to(self._src_emb, None if ref is None else ref.src_mean))
        other._text = (src, tgt, src_base, tgt_base)
        other._text_weight = float(weight)
        if params is not None or types is not None:
            other._set_params(params or self.params, types)
        if dp is not None:
            other.dp = dp
        other.many_allowed = many_allowed
        return other

    def similarity(self, i: int, jlo: int, jhi: int) -> np.ndarray:
        """Relative similarity ``(len(types), jhi - jlo + 1)`` of beads ending at ``(i, j)``; NaN if invalid.

        Cosine minus the mean of both windows' similarities to the other side, divided by the
        document's translation level (``self.scale``): about 1 for a typical translation, 0 for noise.
        """
        cols = slice(jlo, jhi + 1)
        out = self._relative(self.src_win[:, i], self.tgt_win[:, cols], self.src_base[:, i], self.tgt_base[:, cols], i, jlo)
        if self._text is not None:
            src, tgt, src_base, tgt_base = self._text
            if src.any(i) or tgt.any(cols):
                text = self._relative(
                    src.take(self.src_win, i), tgt.take(self.tgt_win, cols), src_base[:, i], tgt_base[:, cols], i, jlo
                )
                out = (1.0 - self._text_weight) * out + self._text_weight * text
        return out / self.scale

    def _relative(self, src_vecs, tgt_vecs, src_base, tgt_base, i: int, jlo: int) -> np.ndarray:
        """Cosine minus baselines (not yet scaled) for source windows ``(k, d)`` ending at ``i`` and
        target windows ``(k, w, d)`` ending at ``jlo ...``; NaN where a window would start before 0."""
        width = tgt_vecs.shape[1]
        out = np.full((len(self.types), width), np.nan)
        cos = np.einsum("bwd,ad->abw", tgt_vecs, src_vecs)  # (k_a, k_b, w)
        for t, (a, b) in enumerate(self.types):
            if a > i:
                continue
            start = min(max(b - jlo, 0), width)  # columns j >= b: the target window fits
            out[t, start:] = (cos[a - 1, b - 1] - 0.5 * (src_base[a - 1] + tgt_base[b - 1]))[start:]
        return out

    def row_gains(self, i: int, jlo: int, jhi: int, sim: np.ndarray | None = None) -> np.ndarray:
        """DP gains of pair beads ending at ``(i, j)`` for ``j`` in ``[jlo, jhi]``; ``-inf`` if invalid.

        ``sim`` is ``self.similarity(i, jlo, jhi)`` when the caller already has it.
        """
        p = self.params
        if sim is None:
            sim = self.similarity(i, jlo, jhi)
        gain = self._weight[:, None] * (sim - p.threshold) - self._penalty[:, None]
        a_idx, b_idx = self._a - 1, self._b - 1
        dlen = self.tgt_loglen[b_idx, jlo : jhi + 1] - self.src_loglen[a_idx, i][:, None] - p.length_log_ratio
        gain -= p.length_weight * dlen**2
        cross = self.src_cross[a_idx, i][:, None] | self.tgt_cross[b_idx, jlo : jhi + 1]
        gain -= p.paragraph_cross_penalty * cross
        flagged = self.src_flagged[a_idx, i][:, None] | self.tgt_flagged[b_idx, jlo : jhi + 1]
        gain -= p.flag_penalty * flagged
        if p.same_flagged_pairs and self._same_flagged is not None:
            gain[0] += self._same_flagged_gain(i, jlo, jhi)
        many = self._many
        if many.any():
            if self.many_allowed is not None:
                src_ok, tgt_ok = self.many_allowed
                ok = src_ok[a_idx, i][:, None] | tgt_ok[b_idx, jlo : jhi + 1]
                gain = np.where(many[:, None] & ~ok, -np.inf, gain)
                many = many & ok.any(axis=1)
            if p.crossing_weight and many.any():
                gain -= p.crossing_weight * self._crossing_excess(i, jlo, jhi, sim, many)
        gain += p.paragraph_bonus * (self.src_boundary[i] & self.tgt_boundary[jlo : jhi + 1])[None, :]
        return np.where(np.isnan(gain), -np.inf, gain)

    def _same_flagged_gain(self, i: int, jlo: int, jhi: int) -> np.ndarray:
        """Extra 1-1 gain where flagged source line ``i - 1`` faces the same flagged target line: it
        cancels the flag penalty and the two skips forgone, so the pair is judged on similarity."""
        p, dp = self.params, self.dp
        src_key, tgt_key = self._same_flagged
        out = np.zeros(jhi - jlo + 1)
        key = src_key[i - 1]
        if key < 0:
            return out
        js = np.arange(jlo, jhi + 1)
        same = (js >= 1) & (tgt_key[np.maximum(js - 1, 0)] == key)
        return np.where(same, p.flag_penalty + 2 * (dp.flag_skip_gain - dp.skip_gain), 0.0)

    def _crossing_excess(self, i: int, jlo: int, jhi: int, sim: np.ndarray, types: np.ndarray) -> np.ndarray:
        """For many-to-many types, how much the bead's diagonal 1-1 pairs (first with first, last
        with last) outscore its crossing ones (first with last, last with first), beyond
        ``crossing_margin``; 0 for the other types and those ``types`` (a mask) leaves out.

        Where a translator redistributed content over two sentences the crossing pairs match too;
        two translations that merely sit side by side have strong diagonals and weak crossings."""
        out = np.zeros((len(self.types), jhi - jlo + 1))
        js = np.arange(jlo, jhi + 1)
        m = len(self._tgt_emb)

        cache: dict[tuple[int, int], np.ndarray] = {}

        def rel(si: int, shift: int) -> np.ndarray:  # source sentence si with targets js - shift
            if (si, shift) not in cache:
                tj = np.minimum(np.maximum(js - shift, 0), m - 1)
                cos = self._tgt_emb[tj] @ self._src_emb[si]
                cache[si, shift] = (cos - 0.5 * (self._src_sent_base[si] + self._tgt_sent_base[tj])) / self.scale
            return cache[si, shift]

        last_last = sim[0]  # the 1-1 bead of the last sentences, already in this row
        for t, (a, b) in enumerate(self.types):
            if not types[t] or a > i:
                continue
            first_first = rel(i - a, b)
            crossing = np.maximum(rel(i - a, 1), rel(i - 1, b))
            excess = np.minimum(first_first, last_last) - crossing - self.params.crossing_margin
            start = min(max(b - jlo, 0), len(js))  # js >= b from here on
            out[t, start:] = np.maximum(0.0, excess[start:])  # (as np.clip(excess, 0, None), NaN kept)
        return np.nan_to_num(out)

    def bead_similarity(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Relative similarity of the pair bead ``[i0, i1) x [j0, j1)`` (sizes up to ``max_size``)."""
        a, b = i1 - i0, j1 - j0
        sim = float(self.src_win[a - 1, i1] @ self.tgt_win[b - 1, j1]) - 0.5 * float(
            self.src_base[a - 1, i1] + self.tgt_base[b - 1, j1])
        if self._text is not None:
            src, tgt, src_base, tgt_base = self._text
            cos = float(src.take(self.src_win, i1)[a - 1] @ tgt.take(self.tgt_win, j1)[b - 1])
            text = cos - 0.5 * float(src_base[a - 1, i1] + tgt_base[b - 1, j1])
            sim = (1.0 - self._text_weight) * sim + self._text_weight * text
        return sim / self.scale


def _normalised(text: str) -> str:
    """Case-folded letters, digits and single spaces: what "the same line" compares."""
    return " ".join("".join(ch for ch in text.casefold() if ch.isalnum() or ch.isspace()).split())


def _same_flagged_keys(src: Side, tgt: Side) -> tuple[np.ndarray, np.ndarray] | None:
    """Per side, an id for each flagged line whose normalised text is also a flagged line of the
    other side (-1 / -2 elsewhere, so that they never match), or None when there is none."""
    if src.texts is None or tgt.texts is None:
        return None
    src_text, tgt_text = src.texts, tgt.texts
    src_norm = {int(k): _normalised(src_text[k]) for k in np.flatnonzero(src.flags)}
    tgt_norm = {int(k): _normalised(tgt_text[k]) for k in np.flatnonzero(tgt.flags)}
    shared = sorted(({t for t in src_norm.values() if t} & {t for t in tgt_norm.values() if t}))
    if not shared:
        return None
    ids = {t: n for n, t in enumerate(shared)}
    src_key = np.full(len(src_text), -1, dtype=np.int64)
    tgt_key = np.full(len(tgt_text), -2, dtype=np.int64)
    for k, t in src_norm.items():
        src_key[k] = ids.get(t, -1)
    for k, t in tgt_norm.items():
        tgt_key[k] = ids.get(t, -2)
    return src_key, tgt_key


def _boundaries(paragraphs: np.ndarray) -> np.ndarray:
    """``B[i]`` (length n + 1) is True where a paragraph ends before sentence ``i`` (and at both ends)."""
    n = len(paragraphs)
    out = np.ones(n + 1, dtype=bool)
    if n > 1:
        out[1:n] = paragraphs[1:] != paragraphs[:-1]
    return out


def document_scale(
    src_emb: np.ndarray,
    tgt_emb: np.ndarray,
    src_base: np.ndarray,
    tgt_base: np.ndarray,
    quantile: float,
    floor: float,
    sample: int = 2000,
) -> float:
    """Typical normalised similarity of a sentence to its best match in the other document.

    Documents differ in how alike their sentences are (a Bible chapter's verses are closer to each
    other than a news page's), so gains are measured against this level. At most ``sample``
    evenly spaced rows/columns are used, keeping the cost linear in document length.
    """
    def best(a, b, base_a, base_b):
        rows = np.linspace(0, len(a) - 1, min(len(a), sample)).astype(int)
        out = np.empty(len(rows))
        for k in range(0, len(rows), 512):
            chunk = rows[k : k + 512]
            sims = a[chunk] @ b.T - 0.5 * (base_a[chunk, None] + base_b[None, :])
            out[k : k + 512] = sims.max(axis=1)
        return out

    bests = np.concatenate([best(src_emb, tgt_emb, src_base, tgt_base), best(tgt_emb, src_emb, tgt_base, src_base)])
    return max(float(np.quantile(bests, quantile)), floor)


def baselines(windows: np.ndarray, other: np.ndarray, k: int, reach: int = 2500) -> np.ndarray:
    """Each window's typical similarity to the other side, ``(max_size, n + 1)``.

    With ``k > 0`` it is the mean cosine to the window's ``k`` nearest sentences of the other side
    (the margin criterion of bitext mining: a short menu line is close to every other short line,
    so only what stands out from its own neighbourhood counts). ``k == 0`` takes the mean over all.
    For long documents the neighbours are searched within ``reach`` sentences of the window's
    proportional position, keeping the cost linear.
    """
    size, rows, dim = windows.shape
    m = len(other)
    if m == 0:
        return np.zeros((size, rows), np.float32)
    if k <= 0:
        return windows @ other.mean(axis=0).astype(np.float32)
    k = min(k, m)
    out = np.zeros((size, rows), np.float32)
    flat = windows.reshape(-1, dim)
    positions = np.tile(np.arange(rows), size)
    chunk = max(1, 4_000_000 // max(m if m <= 2 * reach else 2 * reach, 1))
    for start in range(0, len(flat), chunk):
        idx = np.arange(start, min(start + chunk, len(flat)))
        if m <= 2 * reach:
            sims = flat[idx] @ other.T
        else:
            centre = (positions[idx] * (m / max(rows - 1, 1))).astype(int)
            lo = np.clip(centre - reach, 0, m - 2 * reach)
            cols = lo[:, None] + np.arange(2 * reach)[None, :]
            sims = np.einsum("rd,rcd->rc", flat[idx], other[cols])
        top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
        out.reshape(-1)[idx] = top.mean(axis=1)
    return out
