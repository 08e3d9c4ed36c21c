"""Per-label precision, recall and F1, and the confusion matrix, from (expected, predicted) pairs."""

from collections import Counter
from dataclasses import dataclass


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
    def accuracy(self) -> float:
        return sum(e == p for e, p in zip(self.expected, self.predicted, strict=True)) / len(
            self.expected
        )

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
