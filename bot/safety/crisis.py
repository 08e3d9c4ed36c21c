"""Deterministic crisis detection from the reviewed list in data/safety/crisis_patterns.yml.

Why rule-based: a risk disclosure must be caught even when the ML intent classifier is unsure or
wrong, so this matcher is plain phrase and lemma matching that a clinician can read, change and
test example by example. It errs towards firing: a false alarm costs far less than a miss.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Span
from spacy.util import filter_spans

from bot.hidden_characters import without_hidden_characters
from bot.paths import DATA_DIR

PATTERNS_FILE = DATA_DIR / "safety" / "crisis_patterns.yml"

# Bound the work on huge inputs: people tend to say what matters first or last.
HEAD_CHARS = 20_000
TAIL_CHARS = 5_000

# The small syntax of a `lemmas` sequence (explained in the patterns file's header).
GAP = "..."
GAP_WORDS = 3
EXACT = "="
CHOICE = "|"
LIST = "@"  # "@medicines" in a choice stands for every word of the file's `word_lists: medicines`
MAX_VARIANTS = 64
# Number signs: a whole sequence word that stands for a number (see the patterns file's header).
NUMBER = "#number"  # any number, in digits or words: "5", "thirty", "1,000"
MANY = "#many"  # ten or more: "10", "30", "30x", "twenty", "dozens" (for counts of tablets)
_TENS_AND_UP = (
    "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|"
    "thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|dozen|dozens"
)
_NUMBER_SIGNS: dict[str, dict[str, Any]] = {
    NUMBER: {"LIKE_NUM": True},
    MANY: {"LOWER": {"REGEX": rf"^(?:[1-9][0-9]+(?:[.,][0-9]+)?x?|{_TENS_AND_UP})$"}},
}

CRISIS = "crisis"
GUARD = "guard"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ENTRY_KEYS = {"id", "description", "phrases", "lemmas", "examples"}
Fail = Callable[[str], "CrisisPatternError"]
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


class CrisisPatternError(ValueError):
    """The patterns file is malformed; the message names the file and the pattern id."""


@dataclass(frozen=True)
class CrisisSignal:
    """One crisis pattern that fired, with the words that fired it (for review and logs)."""

    pattern_id: str
    matched_text: str


@dataclass(frozen=True)
class PatternEntry:
    """One reviewed entry: a crisis pattern or a guarded idiom, with its test examples."""

    id: str
    description: str
    phrases: tuple[str, ...]
    lemmas: tuple[tuple[str, ...], ...]
    examples: tuple[str, ...]


@dataclass(frozen=True)
class PatternFile:
    """The validated contents of a patterns file."""

    patterns: tuple[PatternEntry, ...]
    guarded_idioms: tuple[PatternEntry, ...]


def load_patterns(path: Path = PATTERNS_FILE) -> PatternFile:
    """Read and validate a patterns file, failing loudly: a broken safety list must not load."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CrisisPatternError(f"{path}: cannot read the patterns file: {error}") from error
    if not isinstance(data, dict) or not set(data) <= {"word_lists", "patterns", "guarded_idioms"}:
        raise CrisisPatternError(
            f"{path}: expected a mapping with 'patterns' and optional 'word_lists' and "
            "'guarded_idioms'"
        )
    lists = _word_lists(path, data.get("word_lists"))
    patterns = _entries(path, data, "patterns", lists, required=True)
    idioms = _entries(path, data, "guarded_idioms", lists, required=False)
    seen: set[str] = set()
    for entry in patterns + idioms:
        if entry.id in seen:
            raise CrisisPatternError(f"{path}: pattern '{entry.id}': id is used more than once")
        seen.add(entry.id)
    return PatternFile(patterns, idioms)


def _word_lists(path: Path, raw: Any) -> dict[str, tuple[str, ...]]:
    """Named lists of words that a lemma sequence can use as "@name" (e.g. "@medicines")."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CrisisPatternError(f"{path}: 'word_lists' must map names to lists of words")
    lists: dict[str, tuple[str, ...]] = {}
    for name, words in raw.items():
        if not isinstance(name, str) or not _ID.fullmatch(name):
            raise CrisisPatternError(
                f"{path}: word list {name!r}: name must be lower-case words joined by hyphens"
            )
        if (
            not isinstance(words, list)
            or not words
            or not all(isinstance(w, str) and w.strip() for w in words)
            or any(CHOICE in w or LIST in w or GAP in w for w in words)
        ):
            raise CrisisPatternError(
                f"{path}: word list '{name}' must be a non-empty list of words or phrases "
                f"(no '{CHOICE}', '{LIST}' or '{GAP}' inside them)"
            )
        lists[name] = tuple(w.strip() for w in words)
    return lists


def _entries(
    path: Path, data: dict, section: str, lists: dict[str, tuple[str, ...]], *, required: bool
) -> tuple[PatternEntry, ...]:
    raw = data.get(section) or []
    if not isinstance(raw, list) or (required and not raw):
        raise CrisisPatternError(f"{path}: '{section}' must be a non-empty list")
    return tuple(_entry(path, section, number, item, lists) for number, item in enumerate(raw, 1))


def _entry(
    path: Path, section: str, number: int, item: Any, lists: dict[str, tuple[str, ...]]
) -> PatternEntry:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        raise CrisisPatternError(f"{path}: entry {number} of '{section}' has no id")
    pattern_id = item["id"]

    def fail(problem: str) -> CrisisPatternError:
        return CrisisPatternError(f"{path}: pattern '{pattern_id}': {problem}")

    if not _ID.fullmatch(pattern_id):
        raise fail("id must be lower-case words joined by hyphens, e.g. 'self-harm'")
    unknown = set(item) - _ENTRY_KEYS
    if unknown:
        raise fail(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_ENTRY_KEYS)}")
    description = item.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("needs a description")
    phrases = _strings(item.get("phrases"), fail, "phrases")
    lemmas = item.get("lemmas") or []
    if not isinstance(lemmas, list):
        raise fail("'lemmas' must be a list of word lists")
    sequences = tuple(_sequence(words, fail, lists) for words in lemmas)
    if not phrases and not sequences:
        raise fail("needs at least one phrase or lemma sequence")
    examples = _strings(item.get("examples"), fail, "examples")
    if not examples:
        raise fail("needs at least one example")
    return PatternEntry(pattern_id, description.strip(), phrases, sequences, examples)


def _strings(value: Any, fail: Fail, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"'{key}' must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _sequence(words: Any, fail: Fail, lists: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if not isinstance(words, list) or not words:
        raise fail(f"lemma sequence {words!r} must be a non-empty list of words")
    if not all(isinstance(w, str) and w.strip() for w in words):
        raise fail(f"lemma sequence {words!r} has an empty or non-text word")
    words = [w.strip() for w in words]
    if GAP in (words[0], words[-1]):
        raise fail(f"lemma sequence {words!r} cannot start or end with '{GAP}'")
    for word in words:
        if word != GAP and any(not a.strip(EXACT + " ") for a in word.split(CHOICE)):
            raise fail(f"lemma sequence {words!r} has an empty choice in {word!r}")
        if "#" in word and word not in _NUMBER_SIGNS:
            raise fail(
                f"lemma sequence {words!r}: {word!r} is not a number sign; use "
                f"{' or '.join(repr(sign) for sign in _NUMBER_SIGNS)} on its own"
            )
    return tuple(word if word == GAP else _expand_lists(word, words, fail, lists) for word in words)


def _expand_lists(
    word: str, words: list[str], fail: Fail, lists: dict[str, tuple[str, ...]]
) -> str:
    """Replace each "@name" choice with the words of that word list."""
    choices: list[str] = []
    for choice in (c.strip() for c in word.split(CHOICE)):
        if LIST in choice[1:]:
            raise fail(f"lemma sequence {words!r}: write a word list as '{LIST}name' on its own")
        if not choice.startswith(LIST):
            choices.append(choice)
        elif choice[1:] in lists:
            choices.extend(lists[choice[1:]])
        else:
            known = ", ".join(LIST + name for name in lists) or "none"
            raise fail(
                f"lemma sequence {words!r} uses unknown word list {choice!r} (known: {known})"
            )
    return CHOICE.join(choices)


def normalise(text: str) -> str:
    """Undo the tricks untrusted text plays on matching: width forms, curly quotes, hidden
    characters and odd spacing."""
    text = unicodedata.normalize("NFKC", without_hidden_characters(text)).translate(_QUOTES)
    return " ".join(text.split())


def _segments(text: str) -> list[str]:
    """The normalised text to scan: all of it, or only its head and tail when it is huge."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return [normalise(text)[: HEAD_CHARS + TAIL_CHARS]]
    return [normalise(text[:HEAD_CHARS])[:HEAD_CHARS], normalise(text[-TAIL_CHARS:])[-TAIL_CHARS:]]


@lru_cache(maxsize=1)
def _pipeline() -> Language:
    """Blank English with lookup lemmas from spacy-lookups-data: nothing to download."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


class CrisisMatcher:
    """Finds crisis signals in a message; a signal inside a guarded idiom is not reported."""

    def __init__(self, patterns: PatternFile) -> None:
        self.patterns = patterns
        self._nlp = _pipeline()
        self._phrases = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._sequences = Matcher(self._nlp.vocab, validate=True)
        for kind, entries in ((CRISIS, patterns.patterns), (GUARD, patterns.guarded_idioms)):
            for entry in entries:
                self._add(kind, entry)
        self._matchers = (self._phrases, self._sequences)

    def _add(self, kind: str, entry: PatternEntry) -> None:
        key = f"{kind}:{entry.id}"
        if entry.phrases:
            self._phrases.add(key, [self._nlp.make_doc(p.lower()) for p in entry.phrases])
        token_patterns = [
            variant for words in entry.lemmas for variant in self._variants(entry.id, words)
        ]
        if token_patterns:
            self._sequences.add(key, token_patterns)

    def _variants(self, pattern_id: str, words: tuple[str, ...]) -> list[list[dict]]:
        """Expand one lemma sequence into spaCy token patterns (one per multi-word choice)."""
        options = [self._word_options(word) for word in words]
        count = 1
        for choices in options:
            count *= len(choices)
        if count > MAX_VARIANTS:
            raise CrisisPatternError(
                f"pattern '{pattern_id}': lemma sequence {list(words)} expands to {count} "
                f"variants (limit {MAX_VARIANTS}); split it into simpler sequences"
            )
        return [
            [token for part in combination for token in part]
            for combination in itertools.product(*options)
        ]

    def _word_options(self, word: str) -> list[list[dict]]:
        """The token patterns one sequence word can match; single words share one `IN` test."""
        if word == GAP:
            return [[{"OP": "?"} for _ in range(GAP_WORDS)]]
        if word in _NUMBER_SIGNS:
            return [[dict(_NUMBER_SIGNS[word])]]
        single: dict[str, set[str]] = {"LEMMA": set(), "LOWER": set()}
        options: list[list[dict]] = []
        for choice in word.split(CHOICE):
            choice = choice.strip()
            attr = "LOWER" if choice.startswith(EXACT) else "LEMMA"
            text = choice.removeprefix(EXACT).strip().lower()
            doc = self._nlp(text)
            values = [t.lower_ if attr == "LOWER" else t.lemma_ for t in doc]
            if len(values) == 1:
                # Keep the word as written too: "belonging" is itself looked up as "belong".
                single[attr].update({values[0], text})
            elif [{attr: v} for v in values] not in options:
                options.append([{attr: v} for v in values])
        options += [[{attr: {"IN": sorted(v)}}] for attr, v in single.items() if v]
        return options

    def find(self, text: str) -> list[CrisisSignal]:
        """Every crisis pattern that fires, in order of appearance. Never raises on odd input."""
        signals: list[CrisisSignal] = []
        for segment in _segments(_as_text(text)):
            for signal in self._find_in(segment):
                if signal not in signals:
                    signals.append(signal)
        return signals

    def is_crisis(self, text: str) -> bool:
        """True when any crisis pattern fires outside a guarded idiom."""
        return bool(self.find(text))

    def _find_in(self, text: str) -> list[CrisisSignal]:
        lowered = text.lower()
        doc = self._nlp(lowered)
        # Report the user's own casing when lower-casing kept the offsets (it nearly always does).
        source = text if len(lowered) == len(text) else lowered
        crisis: dict[str, list[Span]] = {}
        guards: list[tuple[int, int]] = []
        # An empty matcher warns on every call, so only run the ones holding patterns.
        matches = [m for matcher in self._matchers if len(matcher) for m in matcher(doc)]
        for match_id, start, end in matches:
            kind, pattern_id = self._nlp.vocab.strings[match_id].split(":", 1)
            if kind == GUARD:
                guards.append((start, end))
            else:
                crisis.setdefault(pattern_id, []).append(Span(doc, start, end, label=pattern_id))
        kept = [
            span
            for spans in crisis.values()
            for span in filter_spans(spans)
            if not _inside_guard(span, guards)
        ]
        kept.sort(key=lambda span: (span.start, span.end))
        return [CrisisSignal(s.label_, source[s.start_char : s.end_char]) for s in kept]


def _inside_guard(span: Span, guards: list[tuple[int, int]]) -> bool:
    """A crisis match is dropped only when a guarded idiom covers all of it."""
    return any(start <= span.start and span.end <= end for start, end in guards)


def _as_text(value: object) -> str:
    """Untrusted input may not even be text; decode bytes and treat anything else as empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace")
    return ""


def load_matcher(path: Path = PATTERNS_FILE) -> CrisisMatcher:
    """The matcher for a patterns file, built on first use and then shared."""
    return _cached_matcher(Path(path).resolve())


@lru_cache(maxsize=8)
def _cached_matcher(path: Path) -> CrisisMatcher:
    return CrisisMatcher(load_patterns(path))
