"""The Markdown evaluation report and the summary printed at the end of `make eval`."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.evaluation.metrics import Paired, Scores, kept, paired, pooled
from bot.evaluation.plots import short

BARRIER_PREFIX = "barrier_"
NOT_A_RECOMMENDATION = {"out_of_scope", "clinical_advice", "gibberish", "nlu_fallback"}


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def caught(result: dict) -> str:
    hits = result["disclosures"] - len(result["missed"])
    return f"{hits}/{result['disclosures']} ({pct(hits / result['disclosures'])})"


def agreement_counts(comparison: Paired) -> str:
    """Where exactly one of the two is right, and whether that split could be chance."""
    return (
        f"only ours right on {comparison.only_first_right}, only the peer on "
        f"{comparison.only_second_right}, exact McNemar test p = {comparison.p_value:.3g}"
    )


def margin(comparison: Paired) -> str:
    """By how much our accuracy beats the peer's, and how far a set of this size pins it down."""
    low, high = comparison.difference_interval()
    return (
        f"{100 * comparison.difference:+.1f} points "
        f"(95% interval {100 * low:+.1f} to {100 * high:+.1f})"
    )


def error_ratio(peer: Scores, ours: Scores) -> str:
    """How many times more messages the peer misplaces than we do."""
    if ours.misplaced == 0:
        return "no errors of ours to compare"
    return f"{peer.misplaced / ours.misplaced:.1f}x"


@dataclass
class Report:
    folder: Path
    default: object
    variants: list
    peers: dict[str, dict[str, Scores]]
    provenance: dict[str, str] = field(default_factory=dict)
    agreement: dict[str, Scores] = field(default_factory=dict)  # writer against a 2nd annotator
    blind: set[str] = field(default_factory=set)  # sets whose messages the report never shows
    sections: list[str] = field(default_factory=list)
    _crisis: list[tuple[str, dict, dict, dict, bool]] = field(default_factory=list)
    _oos: Scores | None = None
    _oos_checks: int = 0
    _short_replies: tuple[int, int, int] | None = None  # messages, full crisis replies, checks

    def crisis(
        self, label: str, matcher: dict, nlu: dict, with_check: dict, blind: bool = False
    ) -> None:
        """`nlu`: the full crisis reply; `with_check`: the full reply or the short check."""
        self._crisis.append((label, matcher, nlu, with_check, blind))

    def out_of_scope(self, scores: Scores, checks: int) -> None:
        self._oos, self._oos_checks = scores, checks

    def short_replies(self, messages: int, full_replies: int, checks: int) -> None:
        """Ordinary short turns ("a bit", "cheers"): any crisis help shown on them is a false alarm."""
        self._short_replies = (messages, full_replies, checks)

    def cross_validation(self, intent_report: dict) -> None:
        rows = [
            f"| {short(name)} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1-score']:.3f} | {v['support']} |"
            for name, v in sorted(intent_report.items())
            if name.startswith(BARRIER_PREFIX)
        ]
        macro = intent_report.get("macro avg", {})
        self.sections.append(
            "## Cross-validation on the training data (3 folds, default config)\n\n"
            "| area | precision | recall | F1 | support |\n|---|---|---|---|---|\n"
            + "\n".join(rows)
            + f"\n\nMacro F1 over every intent: {macro.get('f1-score', 0):.3f}.\n"
        )

    def summary(self) -> str:
        lines = []
        for key, ours in self.default.scores.items():
            top = self.default.top_choice[key]
            lines.append(
                f"Held-out {key}: {self.default.name} answered {pct(ours.accuracy)} right straight away "
                f"(top choice {pct(top.accuracy)}), lowest area recall {min(s.recall for s in ours.per_label()):.2f}; "
                f"short crisis check shown first on {self._checks(key)}"
            )
            if key in self.agreement:
                lines.append(
                    f"  a second annotator agrees with the set's own labels on {pct(self.agreement[key].accuracy)}"
                )
            for peer, scores in self.peers.items():
                comparison = paired(top, scores[key])
                lines.append(
                    f"  vs {peer}: {pct(scores[key].accuracy)}; our top choice is "
                    f"{margin(comparison)}; the peer misplaces {error_ratio(scores[key], top)} as many messages "
                    f"as ours ({agreement_counts(comparison)})"
                )
            if key in self.agreement:
                lines += self._where_annotators_agree(key)
        lines += self._pooled_comparison(list(self.default.top_choice), "All held-out sets")
        blind = [key for key in self.default.top_choice if key in self.blind]
        lines += self._pooled_comparison(blind, "The never-read sets")
        for label, matcher, nlu, with_check, _ in self._crisis:
            lines.append(
                f"Crisis, {label}: matcher alone caught {caught(matcher)}, "
                f"{len(matcher['false_alarms'])}/{matcher['lookalikes']} false alarms; full reply "
                f"{caught(nlu)}, {len(nlu['false_alarms'])} false alarms; with the short check "
                f"{caught(with_check)}, {len(with_check['false_alarms'])} look-alikes shown crisis help"
            )
        if self._oos:
            handled = sum(p in NOT_A_RECOMMENDATION for p in self._oos.predicted) / len(
                self._oos.predicted
            )
            lines.append(
                f"Out of scope and clinical questions answered without a recommendation: {pct(handled)}; "
                f"short crisis check shown first on {self._oos_checks}/{len(self._oos.predicted)}"
            )
        if self._short_replies:
            lines.append(self._short_replies_line())
        return "\n".join(lines)

    def _short_replies_line(self) -> str:
        messages, full_replies, checks = self._short_replies
        return (
            f"Short conversational replies, none a disclosure: the full crisis reply on "
            f"{full_replies}/{messages}, the short check on {checks}/{messages}"
        )

    def _checks(self, key: str) -> str:
        parsed = self.default.parsed[key]
        return f"{sum(p.crisis_check for p in parsed)}/{len(parsed)}"

    def _where_annotators_agree(self, key: str) -> list[str]:
        """The set's clear-cut messages only: a disputed label cannot make either side wrong."""
        labels = self.agreement[key]
        agreed = [e == a for e, a in zip(labels.expected, labels.predicted, strict=True)]
        ours = kept(self.default.top_choice[key], agreed)
        lines = [
            f"  where both annotators agree ({len(ours.expected)} messages): our top choice "
            f"{pct(ours.accuracy)}"
        ]
        for peer, scores in self.peers.items():
            theirs = kept(scores[key], agreed)
            comparison = paired(ours, theirs)
            lines.append(
                f"    vs {peer}: {pct(theirs.accuracy)}; ours {margin(comparison)}; "
                f"{agreement_counts(comparison)}"
            )
        return lines

    def _pooled_comparison(self, keys: list[str], title: str) -> list[str]:
        """Sets taken together: enough messages for a paired significance test."""
        if not keys:
            return []
        ours = pooled(self.default.top_choice[k] for k in keys)
        lines = [
            f"{title} together ({', '.join(keys)}; {len(ours.expected)} messages): "
            f"our top choice misplaces {ours.misplaced}"
        ]
        for peer, scores in self.peers.items():
            theirs = pooled(scores[k] for k in keys)
            comparison = paired(ours, theirs)
            lines.append(
                f"  vs {peer}: misplaces {theirs.misplaced}; ours {margin(comparison)}; "
                f"{agreement_counts(comparison)}"
            )
        return lines

    def write(self, now: datetime, cores: int, seconds: float) -> Path:
        parts = [
            "# Signpost NLU evaluation\n",
            f"Generated {now:%Y-%m-%d %H:%M} UTC on a {cores}-core machine in {seconds / 60:.1f} minutes "
            "by `make eval`. Held-out sets are never trained on. An answer counts as right only when "
            "the assistant would name the right area straight away; a message it would ask about "
            "(nlu_fallback) counts as wrong.\n",
            "## Summary\n\n```\n" + self.summary() + "\n```\n",
            self._held_out_sets(),
            self._variants_table(),
            self._per_area(),
            self._peers_table(),
            "## Confusion matrices and confidence\n\n"
            + "\n".join(
                f"![Confusion matrix, held-out {k}](confusion-{k}.png)\n![Confidence, held-out {k}](confidence-{k}.png)\n"
                for k in self.default.scores
            ),
            self._crisis_section(),
            self._oos_section(),
            self._short_replies_section(),
            *self.sections,
            self._misses(),
        ]
        path = self.folder / "report.md"
        path.write_text("\n".join(p for p in parts if p))
        return path

    def _variants_table(self) -> str:
        keys = list(self.default.scores)
        header = (
            "| pipeline | "
            + " | ".join(
                f"answered right {k} | top choice right {k} | macro F1 {k} | lowest recall {k}"
                for k in keys
            )
            + " | training |"
        )
        rule = "|---|" + "---|---|---|---|" * len(keys) + "---|"
        rows = []
        for v in self.variants:
            cells = [
                f"{pct(s.accuracy)} | {pct(v.top_choice[k].accuracy)} | {s.macro_f1():.3f} | "
                f"{min(x.recall for x in s.per_label()):.2f}"
                for k, s in v.scores.items()
            ]
            trained = "reused" if v.train_seconds is None else f"{v.train_seconds:.0f} s"
            marker = " (default)" if v.slug == self.default.slug else ""
            rows.append(f"| {v.name}{marker} | " + " | ".join(cells) + f" | {trained} |")
        return (
            "## Pipelines compared\n\n'Answered right' counts a message the assistant would ask "
            "about as wrong; 'top choice right' is the classifier's first choice, as the peers are "
            "scored.\n\n" + "\n".join([header, rule, *rows]) + "\n"
        )

    def _per_area(self) -> str:
        out = ["## Per area, default pipeline\n"]
        for key, scores in self.default.scores.items():
            out.append(
                f"Held-out {key}:\n\n| area | precision | recall | F1 | messages |\n|---|---|---|---|---|"
            )
            out += [
                f"| {short(s.label)} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {s.support} |"
                for s in scores.per_label()
            ]
            out.append("")
        return "\n".join(out)

    def _peers_table(self) -> str:
        out = [
            "## Against peers (same split)\n",
            "| classifier | "
            + " | ".join(f"accuracy {k} | errors vs ours {k}" for k in self.default.scores)
            + " |",
            "|---|" + "---|---|" * len(self.default.scores),
        ]
        out.append(
            f"| {self.default.name} (ours, top choice) | "
            + " | ".join(f"{pct(s.accuracy)} | 1.0x" for s in self.default.top_choice.values())
            + " |"
        )
        for name, scores in self.peers.items():
            out.append(
                f"| {name} | "
                + " | ".join(
                    f"{pct(scores[k].accuracy)} | {error_ratio(scores[k], self.default.top_choice[k])}"
                    for k in self.default.scores
                )
                + " |"
            )
        return "\n".join(out) + "\n"

    def _crisis_section(self) -> str:
        if not self._crisis:
            return ""
        out = ["## Crisis detection\n\nEach set is written apart from the matcher's own tests.\n"]
        for label, matcher, nlu, with_check, blind in self._crisis:
            out.append(f"### {label[0].upper()}{label[1:]}\n")
            if blind:
                out.append("Its messages are not shown, so that the set stays blind.\n")
            for title, result in (
                ("Deterministic matcher alone", matcher),
                ("Whole NLU, full crisis reply (matcher + trained crisis intent)", nlu),
                (
                    "Any crisis help (the full reply, or the short check above the answer)",
                    with_check,
                ),
            ):
                out.append(
                    f"**{title}**: caught {caught(result)}; false alarms "
                    f"{len(result['false_alarms'])}/{result['lookalikes']}.\n"
                )
                if not blind:
                    out += [f"- missed: {t}" for t in result["missed"]]
                    out += [f"- false alarm: {t}" for t in result["false_alarms"]]
                out.append("")
        return "\n".join(out)

    def _oos_section(self) -> str:
        if not self._oos:
            return ""
        rows = []
        for label in sorted(set(self._oos.expected)):
            got = [
                p
                for e, p in zip(self._oos.expected, self._oos.predicted, strict=True)
                if e == label
            ]
            exact = sum(p == label for p in got) / len(got)
            safe = sum(p in NOT_A_RECOMMENDATION for p in got) / len(got)
            rows.append(f"| {label} | {len(got)} | {pct(exact)} | {pct(safe)} |")
        return (
            "## Out of scope and clinical questions\n\n"
            "| expected | messages | exact intent | no area recommended |\n|---|---|---|---|\n"
            + "\n".join(rows)
            + "\n"
        )

    def _short_replies_section(self) -> str:
        if not self._short_replies:
            return ""
        return (
            "## Short conversational replies\n\nA separate writer's everyday short turns (answers "
            'to "Was this helpful?", asides, idioms, sign-offs), none a disclosure and none a '
            f"training example, never shown here. {self._short_replies_line()}.\n"
        )

    def _held_out_sets(self) -> str:
        rows = [
            f"| {key} | {len(scores.expected)} | {self.provenance.get(key, '')} | "
            f"{pct(self.agreement[key].accuracy) if key in self.agreement else 'not measured'} |"
            for key, scores in self.default.scores.items()
        ]
        return (
            "## Held-out sets\n\nThe last column is how often a second annotator, labelling blind from "
            "the guide facts, chose the same area as the set's writer: roughly the best a classifier "
            "can be expected to reach.\n\n| set | messages | how it was written | second annotator "
            "agrees |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"
        )

    def _misses(self) -> str:
        out = ["## Misses of the default pipeline\n"]
        for key, scores in self.default.scores.items():
            if key in self.blind:
                out.append(f"Held-out {key}: not shown, so that the set stays blind.\n")
                continue
            parsed = self.default.parsed[key]
            texts = self.default.texts[key]
            out.append(f"Held-out {key}:\n")
            out += [
                f"- {short(e)} -> {short(p.intent)} ({p.confidence:.2f}): {t}"
                for t, e, p in zip(texts, scores.expected, parsed, strict=True)
                if p.intent != e
            ]
            out.append("")
        return "\n".join(out)
