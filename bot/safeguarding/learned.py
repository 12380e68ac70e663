"""The learned tier: a message very like the examples of a category, though no phrase matches.

Trained when the rules are loaded, from dialogues/safeguarding_examples.yaml (the labelled
messages beside the rules file), by scikit-learn; used without it (numpy only), so one check
stays well under a millisecond. Pure: no database, no Telegram, no network, no files written.

What it reads is what the rules read after their exceptions (`Rules.learned_text`): the tidied
message with `everyday:` idioms blanked out, and, when the message says something is past and
over, the parts of its sentences told as past. So an idiom the rules blank out, or recovery told
as over, can't set it off either.

The features of a message (`features`): its words and pairs of words (not across a sentence
or a blanked idiom), and the runs of 3 to 5 letters inside each word, with a space at each end
of the word (" marw", "arw ", " farw": a Welsh word and its mutated forms share most of theirs,
and so do a misspelling and its word). Each is weighted by TF-IDF (1 + log of how often it is in
the message, times how rare it is in the examples), and the message's weights are scaled to
length 1.

Two kinds of linear model (logistic regression, liblinear):
- "any": raises some category vs `none` (classes weighted to count equally). Its probability is
  the tier's score; the tier fires when the score is at least the threshold (`learned:` in
  safeguarding.yaml);
- one per category, against the other categories (trained on the messages that should raise
  something): the highest says which category the tier raises.

A learned match names the example of that category most like the message (cosine of the two
weight vectors), so staff can read why.
"""

from __future__ import annotations

import hashlib
import math
import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .examples import Case

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

CHAR_MIN = 3
CHAR_MAX = 5
WORDS_MAX = 2
C_ANY = 10.0  # inverse regularisation of the "any" model (chosen by leave-one-round-out)
C_CATEGORY = 10.0
DEFAULT_THRESHOLD = 0.95
_BREAKS = frozenset({".", "~"})  # a sentence end, a blanked idiom: no pair of words across them


@lru_cache(maxsize=50_000)
def _letters(word: str) -> tuple[str, ...]:
    """The runs of CHAR_MIN..CHAR_MAX letters of " word " (a short word: itself, once)."""
    padded = f" {word} "
    size = len(padded)
    out: list[str] = []
    for n in range(CHAR_MIN, CHAR_MAX + 1):
        if size <= n:
            out.append(padded)
            break
        out.extend(padded[i : i + n] for i in range(size - n + 1))
    return tuple(out)


def features(line: str) -> list[str]:
    """The features of a tidied message (see the module's docstring), repeats kept."""
    out: list[str] = []
    run: list[str] = []
    for word in (*line.split(), "."):
        if word not in _BREAKS:
            run.append(word)
            out.extend(_letters(word))
            continue
        if run:
            out.extend("w " + w for w in run)
            if WORDS_MAX > 1:
                out.extend(f"w {a} {b}" for a, b in zip(run, run[1:], strict=False))
            run = []
    return out


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the tier makes of one message."""

    score: float  # how sure it is the message raises some category (0 to 1)
    category: str  # the category it would raise
    by_category: tuple[tuple[str, float], ...]  # each category's own score, highest first


@dataclass(frozen=True, slots=True)
class Counts:
    """Example messages as feature counts over one vocabulary (a CSR matrix's parts), so that
    the tier can be trained on any subset of them (`train_rows`) without reading them again."""

    vocabulary: tuple[str, ...]
    indptr: Ints
    indices: Ints
    counts: Floats

    @classmethod
    def of(cls, lines: Sequence[str]) -> Counts:
        index: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        counts: list[float] = []
        for line in lines:
            row: dict[int, int] = {}
            for feature in features(line):
                at = index.setdefault(feature, len(index))
                row[at] = row.get(at, 0) + 1
            indices.extend(row)
            counts.extend(map(float, row.values()))
            indptr.append(len(indices))
        return cls(
            tuple(index),
            np.asarray(indptr, dtype=np.int64),
            np.asarray(indices, dtype=np.int64),
            np.asarray(counts, dtype=np.float64),
        )

    def matrix(self, rows: Sequence[int] | None = None) -> Any:
        from scipy.sparse import csr_matrix  # comes with scikit-learn

        whole = csr_matrix(
            (self.counts, self.indices, self.indptr),
            shape=(len(self.indptr) - 1, len(self.vocabulary)),
        )
        return whole if rows is None else whole[np.asarray(rows, dtype=np.int64)]


@dataclass(frozen=True)
class Learned:
    """A trained tier. `verdict(line)` scores a message read by `Rules.learned_text`."""

    categories: tuple[str, ...]
    vocabulary: dict[str, int] = field(repr=False)
    idf: Floats = field(repr=False)
    any_coef: Floats = field(repr=False)  # one weight per feature
    any_bias: float = field(repr=False)
    category_coef: Floats = field(repr=False)  # categories x features
    category_bias: Floats = field(repr=False)
    examples: tuple[Case, ...] = field(repr=False)  # the ones that should raise a category
    example_vectors: Any = field(repr=False)  # their weight vectors (a CSR matrix), rows as above
    # per category: the places (in `examples`) of its examples, and their vectors
    by_category: dict[str, tuple[Ints, Any]] = field(default_factory=dict, repr=False)
    file: str = ""  # the examples file
    digest: str = ""  # sha256 of its text
    seconds: float = 0.0  # how long training took
    # every model's weights side by side, one row per feature ("any" first): read in one go
    stacked: Floats = field(init=False, repr=False)
    stacked_bias: Floats = field(init=False, repr=False)

    def __post_init__(self) -> None:
        stacked = np.ascontiguousarray(np.column_stack([self.any_coef, self.category_coef.T]))
        object.__setattr__(self, "stacked", stacked)
        bias = np.concatenate([[self.any_bias], self.category_bias])
        object.__setattr__(self, "stacked_bias", bias)

    def vector(self, line: str) -> tuple[Ints, Floats]:
        """The message's features (places in the vocabulary) and weights (length 1)."""
        get = self.vocabulary.get
        found = {
            at: count
            for feature, count in Counter(features(line)).items()
            if (at := get(feature)) is not None
        }
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        places = np.fromiter(found, dtype=np.int64, count=len(found))
        tf = np.fromiter(found.values(), dtype=np.float64, count=len(found))
        weights = (1.0 + np.log(tf)) * self.idf[places]
        norm = math.sqrt(float(weights @ weights))
        return places, weights / norm if norm else weights

    def score(self, line: str) -> float | None:
        """How sure the tier is that the message raises some category (None: nothing to go
        on): the "any" model alone."""
        places, weights = self.vector(line)
        if not len(places):
            return None
        z = float(weights @ self.any_coef[places]) + self.any_bias
        return 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0

    def verdict(self, line: str) -> Verdict | None:
        """The tier's score and category for a message, or None when it has no feature the
        examples have (nothing to go on)."""
        places, weights = self.vector(line)
        if not len(places):
            return None
        z = float(weights @ self.any_coef[places]) + self.any_bias  # exactly as `score`
        score = 1.0 / (1.0 + math.exp(-z)) if z > -500 else 0.0
        raw = weights @ self.stacked[places][:, 1:] + self.category_bias
        each = 1.0 / (1.0 + np.exp(-np.clip(raw, -500, 500)))
        order = np.argsort(-each, kind="stable")
        by_category = tuple((self.categories[i], float(each[i])) for i in order)
        return Verdict(score, by_category[0][0], by_category)

    def nearest(
        self, line: str, category: str | None = None, n: int = 1
    ) -> list[tuple[Case, float]]:
        """The examples most like the message (of `category`, when given), with their cosine."""
        places, weights = self.vector(line)
        if not len(places) or not self.examples:
            return []
        rows: Ints = np.arange(len(self.examples), dtype=np.int64)
        vectors = self.example_vectors
        if category is not None:
            if category not in self.by_category:
                return []
            rows, vectors = self.by_category[category]
        dense = np.zeros(len(self.vocabulary), dtype=np.float64)
        dense[places] = weights
        similarity = np.asarray(vectors @ dense, dtype=np.float64).ravel()
        if n == 1:
            best = int(np.argmax(similarity))
            order = [best]
        else:
            order = list(np.argsort(-similarity, kind="stable")[:n])
        return [
            (self.examples[int(rows[i])], float(similarity[i])) for i in order if similarity[i] > 0
        ]


def train(
    cases: Sequence[Case],
    lines: Sequence[str],
    categories: Sequence[str],
    *,
    counts: Counts | None = None,
    rows: Sequence[int] | None = None,
    file: str = "",
    text_digest: str = "",
) -> Learned:
    """Train the tier on labelled examples: `lines[i]` is `cases[i]` as `Rules.learned_text`
    reads it. With `counts` (of every line) and `rows`, only those rows are used (for
    leave-one-round-out: the features are counted once). Needs messages that should raise a
    category and messages that should not (ValueError otherwise)."""
    from sklearn.linear_model import LogisticRegression  # only to train

    started = time.perf_counter()
    if counts is None:
        counts = Counts.of(lines)
    chosen: list[int] = list(range(len(cases))) if rows is None else [int(i) for i in rows]
    matrix = counts.matrix(chosen)
    picked = [cases[i] for i in chosen]
    fire = np.fromiter((c.should_fire for c in picked), dtype=np.int64, count=len(picked))
    if fire.all() or not fire.any():
        raise ValueError("the examples need messages under a category and under `none:`")
    # Only the features these rows have: the rest would weigh nothing but count in the length.
    used = np.flatnonzero(np.asarray((matrix > 0).sum(axis=0)).ravel())
    matrix = matrix[:, used]
    df = np.asarray((matrix > 0).sum(axis=0), dtype=np.float64).ravel()
    idf = np.log((1.0 + len(picked)) / (1.0 + df)) + 1.0
    weighted = matrix.copy()
    weighted.data = 1.0 + np.log(weighted.data)
    weighted = weighted.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    from scipy.sparse import diags

    weighted = (diags(1.0 / norms) @ weighted).tocsr()

    any_model: Any = LogisticRegression(
        C=C_ANY, class_weight="balanced", solver="liblinear", random_state=0
    )
    any_model.fit(weighted, fire)
    positive = np.flatnonzero(fire)
    keys = tuple(categories)
    coef = np.zeros((len(keys), len(used)), dtype=np.float64)
    bias = np.full(len(keys), -50.0, dtype=np.float64)  # a category with no example: never
    for k, key in enumerate(keys):
        labels = np.fromiter(
            (key in picked[i].categories for i in positive), dtype=np.int64, count=len(positive)
        )
        if labels.all() or not labels.any():
            if labels.any():
                coef[k], bias[k] = 0.0, 50.0
            continue
        model: Any = LogisticRegression(C=C_CATEGORY, solver="liblinear", random_state=0)
        model.fit(weighted[positive], labels)
        coef[k] = np.asarray(model.coef_, dtype=np.float64).ravel()
        bias[k] = float(np.asarray(model.intercept_).ravel()[0])
    vocabulary = [counts.vocabulary[i] for i in used]
    vectors = weighted[positive]
    by_category: dict[str, tuple[Ints, Any]] = {}
    for key in keys:
        mine = np.flatnonzero(
            np.fromiter(
                (key in picked[i].categories for i in positive), dtype=bool, count=len(positive)
            )
        ).astype(np.int64)
        if len(mine):
            by_category[key] = (mine, vectors[mine])
    return Learned(
        categories=keys,
        vocabulary={feature: at for at, feature in enumerate(vocabulary)},
        idf=idf,
        any_coef=np.asarray(any_model.coef_, dtype=np.float64).ravel(),
        any_bias=float(np.asarray(any_model.intercept_).ravel()[0]),
        category_coef=coef,
        category_bias=bias,
        examples=tuple(picked[i] for i in positive),
        example_vectors=vectors,
        by_category=by_category,
        file=file,
        digest=text_digest,
        seconds=time.perf_counter() - started,
    )


# ---- the fitted tier on disk -------------------------------------------------------------------
# Training takes about a second, most of it loading scikit-learn. So `load_rules` keeps the
# fitted numbers (never a pickle: plain arrays in an .npz file, read with allow_pickle=False)
# under var/, named by the digests of the rules and the examples and the version of the
# features below; a file that is missing, from another version or unreadable is trained again.
VERSION = 1  # change it when the features or the models change
KEEP_ON_DISK = 6


def cache_name(rules_digest: str, examples_digest: str) -> str:
    return f"learned-v{VERSION}-{rules_digest[:20]}-{examples_digest[:20]}.npz"


def _text_array(items: Sequence[str]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def _texts(array: npt.NDArray[Any]) -> list[str]:
    return bytes(array.astype(np.uint8)).decode("utf-8").split("\n")


def save(learned: Learned, path: Path) -> bool:
    """Write the fitted tier to `path` (atomically: a reader never sees half a file). False
    when it can't be written (read-only folder...): it is only a cache."""
    vectors = learned.example_vectors.tocsr()
    rows = [
        learned.by_category.get(key, (np.zeros(0, dtype=np.int64), None))[0]
        for key in learned.categories
    ]
    arrays: dict[str, Any] = {
        "version": np.asarray([VERSION], dtype=np.int64),
        "categories": _text_array(learned.categories),
        "vocabulary": _text_array(list(learned.vocabulary)),
        "idf": learned.idf,
        "any_coef": learned.any_coef,
        "any_bias": np.asarray([learned.any_bias]),
        "category_coef": learned.category_coef,
        "category_bias": learned.category_bias,
        "example_lines": np.asarray([case.line for case in learned.examples], dtype=np.int64),
        "vectors_data": vectors.data,
        "vectors_indices": vectors.indices.astype(np.int64),
        "vectors_indptr": vectors.indptr.astype(np.int64),
        "rows": np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
        "row_counts": np.asarray([len(r) for r in rows], dtype=np.int64),
        "seconds": np.asarray([learned.seconds]),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        with partial.open("wb") as handle:
            np.savez(handle, **arrays)
        os.replace(partial, path)
        # keep the few most recent (each pair of files changed makes a new one)
        kept = sorted(path.parent.glob("learned-v*.npz"), key=lambda p: p.stat().st_mtime)
        for old in kept[:-KEEP_ON_DISK]:
            old.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def load(path: Path, cases: Sequence[Case], file: str, text_digest: str) -> Learned | None:
    """The fitted tier saved at `path` for these examples (their `Case`s, as parsed now), or
    None when there is none that fits them."""
    from scipy.sparse import csr_matrix

    try:
        with np.load(path, allow_pickle=False) as saved:
            found = {name: saved[name] for name in saved.files}
    except (OSError, ValueError, KeyError, EOFError):
        return None
    try:
        if int(found["version"][0]) != VERSION:
            return None
        by_line = {case.line: case for case in cases if case.should_fire}
        examples = tuple(by_line[int(line)] for line in found["example_lines"])
        vocabulary = _texts(found["vocabulary"])
        categories = tuple(_texts(found["categories"]))
        vectors = csr_matrix(
            (found["vectors_data"], found["vectors_indices"], found["vectors_indptr"]),
            shape=(len(examples), len(vocabulary)),
        )
        by_category: dict[str, tuple[Ints, Any]] = {}
        start = 0
        for key, count in zip(categories, found["row_counts"], strict=True):
            mine = found["rows"][start : start + int(count)].astype(np.int64)
            start += int(count)
            if len(mine):
                by_category[key] = (mine, vectors[mine])
        return Learned(
            categories=categories,
            vocabulary={feature: at for at, feature in enumerate(vocabulary)},
            idf=found["idf"].astype(np.float64),
            any_coef=found["any_coef"].astype(np.float64),
            any_bias=float(found["any_bias"][0]),
            category_coef=found["category_coef"].astype(np.float64),
            category_bias=found["category_bias"].astype(np.float64),
            examples=examples,
            example_vectors=vectors,
            by_category=by_category,
            file=file,
            digest=text_digest,
            seconds=float(found["seconds"][0]),
        )
    except (KeyError, ValueError, IndexError, UnicodeDecodeError):
        return None
