"""`make eval`: scores the pipelines, two peers and the crisis matcher; writes results/eval/.

Everything is scored on the same held-out files, which are never trained on.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rasa.core.agent import Agent

from bot.content.bundle import read_bundle
from bot.domain import area_slugs, load_domain
from bot.evaluation.data import BARRIER_PREFIX, annotations, labelled, lines
from bot.evaluation.metrics import Scores
from bot.evaluation.model import Parsed, load_model, parse_all
from bot.evaluation.peers import GuideKeywordPeer, TfidfLogisticPeer
from bot.evaluation.plots import confidence_histogram_png, confusion_matrix_png
from bot.evaluation.report import Report
from bot.evaluation.seeded_rasa import SEED as FOLD_SEED
from bot.evaluation.training import fingerprint, trained_model
from bot.evaluation.variants import CONFIG, default_slug, variants
from bot.paths import DATA_DIR, PROJECT_ROOT
from bot.safety import CRISIS_INTENT
from bot.safety.crisis import load_matcher

RESULTS = PROJECT_ROOT / "results" / "eval"
EVAL_DIR = PROJECT_ROOT / "tests" / "eval"
HELD_OUT = {
    "A": PROJECT_ROOT / "tests" / "nlu" / "heldout_a.yml",
    "B": EVAL_DIR / "heldout_b.yml",
    "C": EVAL_DIR / "heldout_c.yml",
    "D": EVAL_DIR / "blind" / "heldout_d.yml",
    "E": EVAL_DIR / "blind" / "heldout_e.yml",
    "F": EVAL_DIR / "blind" / "heldout_f.yml",
    "G": EVAL_DIR / "blind" / "heldout_g.yml",
    "H": EVAL_DIR / "blind" / "heldout_h.yml",
    "I": EVAL_DIR / "blind" / "heldout_i.yml",
    "J": EVAL_DIR / "blind" / "heldout_j.yml",
    "K": EVAL_DIR / "blind" / "heldout_k.yml",
}
# How each held-out set was written, and how far its messages have been read since.
PROVENANCE = {
    "A": "written with the first training data; its misses have been read while improving it",
    "B": "written apart from the training data; its misses have been read while improving it",
    "C": "written by a separate writer who never saw the training data or the other sets; "
    "its misses were read after its first scoring",
    "D": "written the same way as C and never read: the report gives its scores, not its messages",
    "E": "messy on purpose (typos, jargon, long stories naming several areas, indirect clues), "
    "written the same way as C after this round's training data; never read",
    "F": "messy like E, mostly front-line voices; written and second-annotated the same way, "
    "and first scored with the default config already fixed; scored again after the messy "
    "training files were added; never read",
    "G": "messy like E, mostly managers, improvers and commissioners writing as in Slack or "
    "Teams; written and scored as F; never read",
    "H": "messy like E, by two writers (front-line staff and patients; managers and commissioners "
    "in Slack or Teams); first scored with the default config and training data already fixed; "
    "never read",
    "I": "messy like H, all voices, by a writer who saw only the guide facts; committed unscored, "
    "then first scored with the default config and training data already fixed; never read",
    "J": "messy like H, all voices, 40 messages an area, by a writer who saw only the guide "
    "facts; committed unscored, then first scored in the seed-ensemble trial against marks "
    "fixed before it (docs/quality/ensemble-trial.md); never read",
    "K": "written as J; committed unscored, then first scored in the frozen word-piece trial "
    "against marks fixed before it (docs/quality/frozen-word-pieces-trial.md); never read",
}
BLIND = {"D", "E", "F", "G", "H", "I", "J", "K"}
# A second annotator's labels, to show how far two careful people agree (a ceiling): each set's
# file sits beside it, heldout_x.yml with heldout_x.second_annotator.txt.
SECOND_ANNOTATOR = {
    key: path.with_suffix(".second_annotator.txt") for key, path in HELD_OUT.items()
}
CRISIS_SETS = {
    "first set (the matcher was extended after this set was first scored)": EVAL_DIR,
    "second set (blind when first scored; the matcher was extended from its misses since)": EVAL_DIR
    / "blind",
    "third set (blind when first scored; the matcher was extended from its misses since)": EVAL_DIR
    / "blind2",
    "fourth set (blind when first scored; the matcher was extended from its misses since)": EVAL_DIR
    / "blind3",
    "fifth set (never read, but the short check's threshold was chosen on its scores)": EVAL_DIR
    / "blind4",
    "sixth set (a separate writer's, committed before the short check was first scored on it)": (
        EVAL_DIR / "blind5"
    ),
    "seventh set (a separate writer's, first scored with the short check unchanged)": (
        EVAL_DIR / "blind6"
    ),
    "eighth set (a separate writer's, first scored on this model and on a change since reverted)": (
        EVAL_DIR / "blind7"
    ),
    "ninth set (a separate writer's, committed unread, first scored in the seed-ensemble trial)": (
        EVAL_DIR / "blind8"
    ),
}
# Crisis sets whose messages the report never shows: none of them has been read.
BLIND_CRISIS_SETS = {EVAL_DIR / f"blind{n}" for n in (4, 5, 6, 7, 8)}


@dataclass(frozen=True)
class VariantResult:
    name: str
    slug: str
    train_seconds: float | None
    texts: dict[str, list[str]]
    scores: dict[str, Scores]
    top_choice: dict[str, Scores]
    parsed: dict[str, list[Parsed]]
    model: Path  # the trained model, for the crisis and out-of-scope sets scored on the default


def score_variant(variant, held_out: dict[str, list[tuple[str, str]]]) -> VariantResult:
    model, seconds = trained_model(variant, RESULTS / "models")
    agent = load_model(model)
    texts = {key: [text for text, _ in examples] for key, examples in held_out.items()}
    parsed = {key: parse_all(agent, texts[key], f"{variant.slug} on {key}") for key in held_out}
    scores = {
        key: Scores(tuple(i for _, i in examples), tuple(p.intent for p in parsed[key]))
        for key, examples in held_out.items()
    }
    top_choice = {
        key: Scores(scores[key].expected, tuple(p.top_intent for p in parsed[key]))
        for key in held_out
    }
    return VariantResult(
        variant.name, variant.slug, seconds, texts, scores, top_choice, parsed, model
    )


def cross_validation(folds: int = 3) -> dict:
    """Rasa's own cross-validation of the default config, on folds seeded the same every run
    (bot/evaluation/seeded_rasa.py), rerun only when config or data change."""
    out = RESULTS / "cross-validation"
    report, stamp = out / "intent_report.json", out / "fingerprint"
    wanted = f"{fingerprint(CONFIG)} folds seeded {FOLD_SEED}"
    if not (report.exists() and stamp.exists() and stamp.read_text() == wanted):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot.evaluation.seeded_rasa",
                "test",
                "nlu",
                "--nlu",
                "data/nlu",
                "--config",
                "config.yml",
                "--domain",
                "domain",
                "--cross-validation",
                "--folds",
                str(folds),
                "--out",
                str(out),
            ],
            cwd=PROJECT_ROOT,
            check=True,
        )
        stamp.write_text(wanted)
    return json.loads(report.read_text())


def main() -> int:
    started = time.monotonic()
    RESULTS.mkdir(parents=True, exist_ok=True)
    held_out = {
        key: [(t, i) for t, i in labelled(path) if i.startswith(BARRIER_PREFIX)]
        for key, path in HELD_OUT.items()
    }
    results = [score_variant(v, held_out) for v in variants()]
    default = next(r for r in results if r.slug == default_slug())
    training = labelled(DATA_DIR / "nlu")
    peers = [
        TfidfLogisticPeer(training),
        GuideKeywordPeer(read_bundle(), area_slugs(load_domain())),
    ]
    peer_scores = {
        peer.name: {
            key: Scores(tuple(i for _, i in ex), tuple(peer.predict([t for t, _ in ex])))
            for key, ex in held_out.items()
        }
        for peer in peers
    }
    agreement = {
        key: Scores(tuple(i for _, i in held_out[key]), tuple(annotations(path)))
        for key, path in SECOND_ANNOTATOR.items()
    }
    report = Report(
        RESULTS,
        default=default,
        variants=results,
        peers=peer_scores,
        provenance=PROVENANCE,
        agreement=agreement,
        blind=BLIND,
    )
    for key in held_out:
        confusion_matrix_png(
            default.scores[key], f"{default.name}, held-out {key}", RESULTS / f"confusion-{key}.png"
        )
        pairs = list(zip(default.parsed[key], default.scores[key].expected, strict=True))
        right = [p.confidence for p, expected in pairs if p.intent == expected]
        wrong = [p.confidence for p, expected in pairs if p.intent != expected]
        confidence_histogram_png(
            right, wrong, f"Confidence, held-out {key}", RESULTS / f"confidence-{key}.png"
        )
    agent = load_model(default.model)
    for label, folder in CRISIS_SETS.items():
        report.crisis(label, *crisis_results(agent, folder), blind=folder in BLIND_CRISIS_SETS)
    report.out_of_scope(*out_of_scope_results(agent))
    report.short_replies(*short_reply_results(agent))
    report.cross_validation(cross_validation())
    path = report.write(datetime.now(timezone.utc), os.cpu_count() or 0, time.monotonic() - started)
    print("\n" + report.summary())
    print(f"\nReport: {path}")
    return 0


def crisis_results(agent: Agent, folder: Path) -> tuple[dict, dict, dict]:
    """Recall on disclosures and false alarms on look-alikes: the matcher alone, the whole NLU's
    full crisis reply, and any crisis help (the full reply or the short check)."""
    matcher = load_matcher()
    disclosures = lines(folder / "crisis_disclosures.txt")
    lookalikes = lines(folder / "crisis_lookalikes.txt")
    parsed = {
        "disclosures": parse_all(agent, disclosures, "crisis disclosures"),
        "lookalikes": parse_all(agent, lookalikes, "crisis look-alikes"),
    }
    by_nlu = {key: [p.intent == CRISIS_INTENT for p in ps] for key, ps in parsed.items()}
    with_check = {
        key: [p.intent == CRISIS_INTENT or p.crisis_check for p in ps] for key, ps in parsed.items()
    }
    by_matcher = {
        "disclosures": [matcher.is_crisis(t) for t in disclosures],
        "lookalikes": [matcher.is_crisis(t) for t in lookalikes],
    }

    def outcome(fired: dict) -> dict:
        return {
            "missed": [
                t for t, hit in zip(disclosures, fired["disclosures"], strict=True) if not hit
            ],
            "false_alarms": [
                t for t, hit in zip(lookalikes, fired["lookalikes"], strict=True) if hit
            ],
            "disclosures": len(disclosures),
            "lookalikes": len(lookalikes),
        }

    return outcome(by_matcher), outcome(by_nlu), outcome(with_check)


def out_of_scope_results(agent: Agent) -> tuple[Scores, int]:
    """How out-of-scope and clinical questions are answered, and how many got the crisis check."""
    examples = labelled(EVAL_DIR / "out_of_scope.yml")
    parsed = parse_all(agent, [t for t, _ in examples], "out of scope")
    scores = Scores(tuple(i for _, i in examples), tuple(p.intent for p in parsed))
    return scores, sum(p.crisis_check for p in parsed)


def short_reply_results(agent: Agent) -> tuple[int, int, int]:
    """Everyday short turns the model was not trained on: how many, and how many got the full
    crisis reply or the short check (each one a false alarm)."""
    texts = untaught(lines(EVAL_DIR / "short_replies.txt"))
    parsed = parse_all(agent, texts, "short replies")
    full_replies = sum(p.intent == CRISIS_INTENT for p in parsed)
    return len(texts), full_replies, sum(p.crisis_check for p in parsed)


def untaught(texts: list[str]) -> list[str]:
    """The texts no training example matches, whatever their case or end punctuation: a short
    reply such as "cheers" may well be one, and would say nothing about new wording."""
    taught = {_comparable(text) for text, _ in labelled(DATA_DIR / "nlu")}
    return [text for text in texts if _comparable(text) not in taught]


def _comparable(text: str) -> str:
    return text.lower().strip(" .,!?")
