"""The report's images: a confusion matrix and a confidence histogram."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers and in CI
import matplotlib.pyplot as plt

from bot.evaluation.metrics import Scores


def short(label: str) -> str:
    return label.removeprefix("barrier_").replace("_", " ")


def confusion_matrix_png(scores: Scores, title: str, path: Path) -> Path:
    columns, counts = scores.confusion()
    figure, axes = plt.subplots(figsize=(1.1 * len(columns) + 3, 0.8 * len(counts) + 2.5))
    axes.imshow(counts, cmap="Blues")
    axes.set_xticks(range(len(columns)), [short(c) for c in columns], rotation=40, ha="right")
    axes.set_yticks(range(len(counts)), [short(r) for r in scores.labels])
    axes.set_xlabel("predicted")
    axes.set_ylabel("expected")
    peak = max(max(row) for row in counts) or 1
    for row, values in enumerate(counts):
        for column, value in enumerate(values):
            if value:
                colour = "white" if value > peak / 2 else "black"
                axes.text(column, row, value, ha="center", va="center", color=colour)
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def confidence_histogram_png(
    correct: list[float], wrong: list[float], title: str, path: Path
) -> Path:
    figure, axes = plt.subplots(figsize=(7, 4))
    bins = [i / 20 for i in range(21)]
    axes.hist([correct, wrong], bins=bins, stacked=True, label=["right area", "wrong or unsure"])
    axes.set_xlabel("confidence of the top intent")
    axes.set_ylabel("messages")
    axes.legend()
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
