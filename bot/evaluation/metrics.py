"""Per-label precision, recall and F1, and the confusion matrix, from (expected, predicted) pairs."""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from scipy.stats import binomtest


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Scores:
    """How a classifier did on one labelled set."""

    expected: tuple[str, ...]
    predicted: tuple[str, ...]

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.expected))

    @property
    def misplaced(self) -> int:
        return sum(e != p for e, p in zip(self.expected, self.predicted, strict=True))

    @property
    def accuracy(self) -> float:
        return 1 - self.misplaced / len(self.expected)

    def per_label(self) -> list[LabelScore]:
        pairs = list(zip(self.expected, self.predicted, strict=True))
        true_positive = Counter(e for e, p in pairs if e == p)
        predicted = Counter(p for _, p in pairs)
        support = Counter(e for e, _ in pairs)
        scores = []
        for label in self.labels:
            precision = true_positive[label] / predicted[label] if predicted[label] else 0.0
            recall = true_positive[label] / support[label]
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            scores.append(LabelScore(label, precision, recall, f1, support[label]))
        return scores

    def recall(self, label: str) -> float:
        return next(s.recall for s in self.per_label() if s.label == label)

    def macro_f1(self) -> float:
        per_label = self.per_label()
        return sum(s.f1 for s in per_label) / len(per_label)

    def confusion(self) -> tuple[list[str], list[list[int]]]:
        """Rows: expected labels; columns: those labels plus anything else predicted."""
        columns = self.labels + sorted(set(self.predicted) - set(self.labels))
        counts = Counter(zip(self.expected, self.predicted, strict=True))
        return columns, [[counts[(row, column)] for column in columns] for row in self.labels]


def kept(scores: Scores, keep: Iterable[bool]) -> Scores:
    """The same scores on only the kept messages, e.g. those two annotators label alike."""
    pairs = zip(scores.expected, scores.predicted, strict=True)
    rows = [row for row, wanted in zip(pairs, keep, strict=True) if wanted]
    return Scores(tuple(e for e, _ in rows), tuple(p for _, p in rows))


def pooled(sets: Iterable[Scores]) -> Scores:
    """Several labelled sets scored as one, for a comparison with more messages behind it."""
    sets = list(sets)
    return Scores(
        tuple(label for s in sets for label in s.expected),
        tuple(label for s in sets for label in s.predicted),
    )


@dataclass(frozen=True)
class Paired:
    """Two classifiers on the same messages. Only the messages where exactly one is right tell
    them apart; the exact McNemar test asks how likely so lopsided a split is by chance."""

    both_right: int
    only_first_right: int
    only_second_right: int
    both_wrong: int

    @property
    def p_value(self) -> float:
        """Two-sided exact McNemar p-value (a binomial test on the discordant messages)."""
        discordant = self.only_first_right + self.only_second_right
        return 1.0 if discordant == 0 else binomtest(self.only_first_right, discordant).pvalue

    @property
    def messages(self) -> int:
        return self.both_right + self.only_first_right + self.only_second_right + self.both_wrong

    @property
    def first_right(self) -> int:
        return self.both_right + self.only_first_right

    @property
    def second_right(self) -> int:
        return self.both_right + self.only_second_right

    @property
    def difference(self) -> float:
        """The first's accuracy minus the second's."""
        return (self.only_first_right - self.only_second_right) / self.messages

    def difference_interval(self, confidence: float = 0.95) -> tuple[float, float]:
        """Where `difference` plausibly lies: "by how much" with the uncertainty a set of this
        size leaves. Newcombe's square-and-add interval for paired proportions (his method 10),
        which keeps its coverage near 100% accuracy, where ours is."""
        first, second = self.first_right / self.messages, self.second_right / self.messages
        low1, high1 = _wilson(self.first_right, self.messages, confidence)
        low2, high2 = _wilson(self.second_right, self.messages, confidence)
        phi = self._continuity_corrected_phi()
        below = math.sqrt(
            (first - low1) ** 2
            + (high2 - second) ** 2
            - 2 * phi * (first - low1) * (high2 - second)
        )
        above = math.sqrt(
            (second - low2) ** 2
            + (high1 - first) ** 2
            - 2 * phi * (second - low2) * (high1 - first)
        )
        return self.difference - below, self.difference + above

    def _continuity_corrected_phi(self) -> float:
        """The correlation between the two classifiers' rightness, as Newcombe corrects it."""
        first_wrong = self.messages - self.first_right
        second_wrong = self.messages - self.second_right
        margins = self.first_right * first_wrong * self.second_right * second_wrong
        if margins == 0:
            return 0.0
        cross = self.both_right * self.both_wrong - self.only_first_right * self.only_second_right
        if cross > self.messages / 2:
            cross -= self.messages / 2
        elif cross >= 0:
            cross = 0
        return cross / math.sqrt(margins)


def _wilson(successes: int, total: int, confidence: float) -> tuple[float, float]:
    interval = binomtest(successes, total).proportion_ci(confidence, method="wilson")
    return interval.low, interval.high


def paired(first: Scores, second: Scores) -> Paired:
    if first.expected != second.expected:
        raise ValueError("A paired comparison needs both classifiers scored on the same messages.")
    rows = list(zip(first.expected, first.predicted, second.predicted, strict=True))
    return Paired(
        both_right=sum(a == e == b for e, a, b in rows),
        only_first_right=sum(a == e != b for e, a, b in rows),
        only_second_right=sum(b == e != a for e, a, b in rows),
        both_wrong=sum(a != e != b for e, a, b in rows),
    )
