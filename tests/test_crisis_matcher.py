"""The crisis safety net: every reviewed example, odd input, file validation and the Rasa guard."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.data import TrainingType
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlp.crisis_guard import CRISIS_SIGNALS_KEY, CrisisGuard, _patterns_path
from bot.paths import DATA_DIR
from bot.safety import POSSIBLE_RISK_ENTITY, crisis
from bot.safety.crisis import (
    PATTERNS_FILE,
    CrisisMatcher,
    CrisisPatternError,
    CrisisSignal,
    PatternFile,
    load_matcher,
    load_patterns,
    normalise,
)

PATTERNS = load_patterns()
MUST_FIRE = [
    pytest.param(entry.id, example, id=f"{entry.id}-{number}")
    for entry in PATTERNS.patterns
    for number, example in enumerate(entry.examples, 1)
]
MUST_NOT_FIRE = [
    pytest.param(example, id=f"{entry.id}-{number}")
    for entry in PATTERNS.guarded_idioms
    for number, example in enumerate(entry.examples, 1)
]


@pytest.fixture(scope="module")
def matcher() -> CrisisMatcher:
    return load_matcher()


def ids(matcher: CrisisMatcher, text: str) -> list[str]:
    return [signal.pattern_id for signal in matcher.find(text)]


# --- the reviewed file -------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern_id", "text"), MUST_FIRE)
def test_every_pattern_example_fires_that_pattern(
    matcher: CrisisMatcher, pattern_id: str, text: str
) -> None:
    assert pattern_id in ids(matcher, text)


@pytest.mark.parametrize("text", MUST_NOT_FIRE)
def test_every_guarded_idiom_example_stays_quiet(matcher: CrisisMatcher, text: str) -> None:
    assert matcher.find(text) == []
    assert not matcher.is_crisis(text)


def test_the_file_covers_every_required_kind_of_risk() -> None:
    required = {
        "suicide-mention", "wants-to-die", "kill-self", "end-it", "overdose", "overdose-taken",
        "medication-stockpiling", "hanging", "jumping-or-traffic", "self-harm", "cant-keep-safe",
        "no-reason-to-live", "better-off-dead", "not-being-here", "goodbye-giving-away",
        "harm-to-others", "safeguarding-abuse", "at-a-dangerous-place", "staff-access-to-means",
        "plan-or-timing", "reunited-with-the-dead", "fear-of-own-actions", "coercive-control",
        "financial-abuse", "neglect", "child-safeguarding",
    }  # fmt: skip
    assert required <= {entry.id for entry in PATTERNS.patterns}
    assert len(MUST_FIRE) >= 100
    assert len(MUST_NOT_FIRE) >= 40


def test_default_file_is_found_from_any_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert PATTERNS_FILE.is_absolute()
    assert load_patterns().patterns == PATTERNS.patterns


def test_matcher_is_built_once_and_shared() -> None:
    assert load_matcher() is load_matcher()
    assert load_matcher(PATTERNS_FILE) is load_matcher()


# --- hand-written cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pattern_id"),
    [
        ("I want to kill myself", "kill-self"),
        ("my patient says she'll end it", "end-it"),
        ("he's been stockpiling his pain meds", "medication-stockpiling"),
        ("she's given away her things and said goodbye", "goodbye-giving-away"),
        ("I can't keep myself safe tonight", "cant-keep-safe"),
        ("my patient took an overdose", "overdose-taken"),
        ("my colleague wants to end his life", "kill-self"),
        ("he talked about suicide in clinic", "suicide-mention"),
        ("she won't be around much longer, she said", "not-being-here"),
        ("he said he'd be better off dead", "better-off-dead"),
        ("she told me her dad hits her", "safeguarding-abuse"),
    ],
)
def test_disclosures_from_the_brief_fire(
    matcher: CrisisMatcher, text: str, pattern_id: str
) -> None:
    assert pattern_id in ids(matcher, text)


@pytest.mark.parametrize(
    "text",
    [
        "this waiting list is killing me",
        "I'm dying to know",
        "my back is killing me",
        "I could kill for a coffee",
        "kill two birds with one stone",
        "the paperwork will be the death of me",
        "the deadline is Friday",
        "it's a dead end referral",
        "what painkillers help back pain",
        "I've had an overdose of meetings",
        "the service is dying",
        "she's killing it",
        "Where can I find suicide prevention training?",
        "what's the usual dose of amitriptyline for nerve pain",
        "my patient wants to get back to work",
    ],
)
def test_everyday_wording_does_not_fire(matcher: CrisisMatcher, text: str) -> None:
    assert matcher.find(text) == []


def test_idiom_does_not_hide_a_real_disclosure_in_the_same_message(
    matcher: CrisisMatcher,
) -> None:
    signals = matcher.find("this wait is killing me and I want to kill myself")
    assert signals == [CrisisSignal("kill-self", "kill myself")]


def test_a_guard_only_drops_matches_it_fully_covers(matcher: CrisisMatcher) -> None:
    assert matcher.find("In the end it all worked out") == []
    assert ids(matcher, "I just want to end it all") == ["end-it"]
    assert matcher.find("suicide prevention training for physios") == []
    assert ids(matcher, "I did suicide prevention training and my patient is suicidal") == [
        "suicide-mention"
    ]
    assert ids(matcher, "he said that he will kill me") == ["safeguarding-abuse"]


@pytest.mark.parametrize(
    ("text", "pattern_id"),
    [
        ("how many co-codamol would it take to not wake up", "method-research"),
        ("I've got a rope in the garage and I've thought about using it", "hanging"),
        ("I'm at the station and I keep looking at the tracks", "at-a-dangerous-place"),
        ("I'm sitting here with all my tablets and a bottle of vodka", "overdose"),
        ("I've taken 30 paracetamol", "overdose-taken"),
        ("I lie awake planning how I'd do it", "plan-or-timing"),
        ("this weekend is the end", "plan-or-timing"),
        ("I've been rehoming my pets", "goodbye-giving-away"),
        ("I'm going to be with my late wife soon", "reunited-with-the-dead"),
        ("nobody would notice if I disappeared for good", "better-off-dead"),
        ("I'm scared of what I might do to myself", "fear-of-own-actions"),
        ("I'm tired of everything and I feel so hopeless", "no-reason-to-live"),
        ("I've been scratching my arms with a blade", "self-harm"),
        ("thinking about topping myself", "kill-self"),
        ("I'm a nurse and I keep thinking about using the meds I have access to on myself",
         "staff-access-to-means"),
        ("he's going to hurt his ex when he sees her", "harm-to-others"),
        ("he locks me in and takes my phone", "coercive-control"),
        ("her son takes her pension and shoves her about", "financial-abuse"),
        ("she's been left in soiled sheets all day", "neglect"),
        ("a child told me her stepdad touches her at night", "child-safeguarding"),
    ],
)  # fmt: skip
def test_categories_the_evaluation_found_missing_fire(
    matcher: CrisisMatcher, text: str, pattern_id: str
) -> None:
    assert pattern_id in ids(matcher, text)


def test_tired_of_everything_needs_a_second_sign(matcher: CrisisMatcher) -> None:
    assert matcher.find("I'm tired of everything") == []
    assert ids(matcher, "I'm tired of everything and I just want to give up") == [
        "no-reason-to-live"
    ]


@pytest.mark.parametrize(
    ("text", "pattern_id"),
    [
        ("I did the self-harm training and now I'm cutting myself again", "self-harm"),
        ("we're doing an audit of overdose admissions and I've taken an overdose", "overdose-taken"),
        ("I lost a patient to suicide and now I feel suicidal myself", "suicide-mention"),
        ("the ligature risk assessment is done but she tied a ligature last night", "hanging"),
        ("my retirement do is Friday, I've said goodbye to everyone and then I'll end it", "end-it"),
        ("there's no point going on with this pilot and no point living", "no-reason-to-live"),
        ("how should we record safeguarding concerns on EMIS? my husband hits me", "safeguarding-abuse"),
        ("how do I bring up suicide with a patient who told me she's suicidal", "suicide-mention"),
        ("how many paracetamol would it take to never wake up", "method-research"),
        ("she hurt her back when he pushed her down the stairs", "safeguarding-abuse"),
        ("I've made my mind up to end it", "end-it"),
    ],
)  # fmt: skip
def test_a_professional_guard_never_swallows_a_disclosure_beside_it(
    matcher: CrisisMatcher, text: str, pattern_id: str
) -> None:
    assert pattern_id in ids(matcher, text)


def _training_examples(path: Path) -> list[str]:
    """The example messages of a Rasa NLU file, with entity annotations removed."""
    annotation = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
    examples = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
        for line in str(item.get("examples", "")).splitlines():
            if line.strip().startswith("- "):
                examples.append(annotation.sub(r"\1", line.strip()[2:]))
    return examples


def test_no_non_crisis_training_example_is_a_false_alarm(matcher: CrisisMatcher) -> None:
    nlu = DATA_DIR / "nlu"
    files = [*sorted(nlu.glob("barrier_*.yml")), nlu / "conversation.yml"]
    examples = [text for path in files for text in _training_examples(path)]
    assert len(examples) > 1000
    fired = {text: ids(matcher, text) for text in examples if matcher.is_crisis(text)}
    assert fired == {}


def test_guards_do_real_work(matcher: CrisisMatcher) -> None:
    """Without the idioms these messages fire, so the quiet results above are not vacuous."""
    unguarded = CrisisMatcher(PatternFile(PATTERNS.patterns, ()))
    for text in [
        "this pain is going to kill me",
        "I've had an overdose of meetings",
        "Where can I find suicide prevention training?",
        "what can I give her to kill her pain at night",
        "we're doing an audit of overdose admissions",
        "what does the NICE guidance on self-harm say",
        "I'm running a domestic abuse awareness session next week",
        "how should we record safeguarding concerns on EMIS",
        "we need a ligature risk assessment of the ward",
        "how do I bring up suicide risk with a patient",
        "I lost a patient to suicide two years ago",
        "saying goodbye at my retirement do was emotional",
        "there's no point going on with this pilot",
        "the clinic is 5 kms away",
        "she hurt her back lifting the shopping",
    ]:
        assert unguarded.is_crisis(text)
        assert not matcher.is_crisis(text)


@pytest.mark.parametrize(
    "text",
    [
        "I WANT TO KILL MYSELF",
        "i   want \n\n to   kill\tmyself",
        "I can\u2019t keep myself safe",
        "I can\u2018t keep myself safe",
        "i cant keep myself safe",
        "I c\u200ban't keep myself safe",
        "k\u200bi\u200bl\u200bl my\u00adself",
        "\uff49 \uff57\uff41\uff4e\uff54 \uff54\uff4f \uff44\uff49\uff45",
        "\ufeffim sucidal",
        "feeling suicidle",
        "she took an overdoes",
        "kil myself",
        "thinking about killing my self",
    ],
)
def test_case_spacing_quotes_hidden_characters_and_typos_still_fire(
    matcher: CrisisMatcher, text: str
) -> None:
    assert matcher.is_crisis(text)


def test_matched_text_keeps_the_users_words(matcher: CrisisMatcher) -> None:
    assert matcher.find("Honestly I WANT TO DIE") == [CrisisSignal("wants-to-die", "WANT TO DIE")]


def test_normalise_cleans_untrusted_text() -> None:
    assert (
        normalise("  can\u2019t\u200b \t keep\n\nsafe \u201cnow\u201d ") == 'can\'t keep safe "now"'
    )
    assert normalise("\ud800kill\x00myself") == "kill myself"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "\U0001f642\U0001f62d\U0001f480\U0001f52a",
        "\x00\x01\x02\x7f\ufffd\ud800\udfff" * 500,
        bytes(range(256)).decode("latin-1") * 100,
        "a" * 100_000,
        None,
        12345,
    ],
)
def test_odd_input_never_raises(matcher: CrisisMatcher, text: object) -> None:
    assert matcher.find(text) == []  # type: ignore[arg-type]


def test_bytes_and_lone_surrogates_are_still_read(matcher: CrisisMatcher) -> None:
    assert matcher.is_crisis(b"I want to kill myself")  # type: ignore[arg-type]
    assert matcher.is_crisis("\ud800 I want to kill myself \udfff")


def test_huge_input_is_bounded_but_head_and_tail_are_read(matcher: CrisisMatcher) -> None:
    filler = "we talked about the referral pathway again. " * 2_300  # about 100,000 characters
    assert len(filler) > 100_000
    assert ids(matcher, filler + "I want to kill myself") == ["kill-self"]
    assert ids(matcher, "my patient took an overdose. " + filler)[0] == "overdose-taken"
    segments = crisis._segments(filler * 10)
    assert sum(len(s) for s in segments) <= crisis.HEAD_CHARS + crisis.TAIL_CHARS


# --- validation of the patterns file -----------------------------------------------------------

GOOD_ENTRY = """
  - id: good-one
    description: fine
    phrases: ["purple elephant"]
    examples: ["a purple elephant"]
"""


@pytest.mark.parametrize(
    ("entry", "named", "problem"),
    [
        (
            '  - id: no-examples\n    description: d\n    phrases: ["x y"]\n',
            "no-examples",
            "example",
        ),
        (
            "  - id: no-wording\n    description: d\n    examples: [x]\n",
            "no-wording",
            "phrase or lemma",
        ),
        (
            '  - id: typo-key\n    description: d\n    phrase: ["x"]\n    examples: [x]\n',
            "typo-key",
            "unknown key",
        ),
        (
            '  - id: gap-first\n    description: d\n    lemmas: [["...", "pill"]]\n'
            "    examples: [x]\n",
            "gap-first",
            "cannot start or end",
        ),
        (
            '  - id: empty-choice\n    description: d\n    lemmas: [["pill||tablet"]]\n'
            "    examples: [x]\n",
            "empty-choice",
            "empty choice",
        ),
        (
            '  - id: Bad_Id\n    description: d\n    phrases: ["x"]\n    examples: [x]\n',
            "Bad_Id",
            "lower-case",
        ),
        (
            '  - id: good-one\n    description: again\n    phrases: ["y"]\n    examples: [y]\n',
            "good-one",
            "more than once",
        ),
    ],
)
def test_validation_error_names_the_bad_pattern(
    tmp_path: Path, entry: str, named: str, problem: str
) -> None:
    path = tmp_path / "patterns.yml"
    path.write_text("patterns:\n" + GOOD_ENTRY.lstrip("\n") + entry, encoding="utf-8")
    with pytest.raises(CrisisPatternError) as raised:
        load_patterns(path)
    assert f"'{named}'" in str(raised.value)
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    ("lemmas", "problem"),
    [
        ('[["took", "#lots", "pill"]]', "not a number sign"),
        ('[["took", "#many|loads", "pill"]]', "not a number sign"),
        ('[["took", "@nope"]]', "unknown word list '@nope'"),
        ('[["took", "=@pills"]]', "on its own"),
    ],
)
def test_bad_number_signs_and_word_lists_are_named(
    tmp_path: Path, lemmas: str, problem: str
) -> None:
    path = tmp_path / "patterns.yml"
    path.write_text(
        "word_lists:\n  pills: [pill, tablet]\npatterns:\n  - id: bad-sign\n"
        f"    description: d\n    lemmas: {lemmas}\n    examples: [x]\n",
        encoding="utf-8",
    )
    with pytest.raises(CrisisPatternError, match="'bad-sign'") as raised:
        load_patterns(path)
    assert problem in str(raised.value)


@pytest.mark.parametrize(
    "word_lists",
    ["[pill, tablet]", "{Pills: [pill]}", "{pills: []}", '{pills: ["pill|tablet"]}'],
)
def test_malformed_word_lists_fail_clearly(tmp_path: Path, word_lists: str) -> None:
    path = tmp_path / "patterns.yml"
    path.write_text(f"word_lists: {word_lists}\npatterns:\n" + GOOD_ENTRY, encoding="utf-8")
    with pytest.raises(CrisisPatternError, match=r"word.list"):
        load_patterns(path)


def test_word_lists_and_number_signs_match(tmp_path: Path) -> None:
    path = tmp_path / "patterns.yml"
    path.write_text(
        "word_lists:\n  pills: [pill, tablet, co-codamol]\npatterns:\n  - id: counted\n"
        "    description: d\n"
        '    lemmas: [["=took", "#many", "@pills|capsule"], ["#number", "=kms"]]\n'
        "    examples: [x]\n",
        encoding="utf-8",
    )
    small = CrisisMatcher(load_patterns(path))
    for text in ["I took 30 tablets", "i took twenty co-codamol", "took 12 capsules", "ran 5 kms"]:
        assert small.is_crisis(text), text
    for text in ["I took 2 tablets", "I took 30 minutes", "took ten", "kms"]:
        assert not small.is_crisis(text), text


def test_a_valid_small_file_loads_and_matches(tmp_path: Path) -> None:
    path = tmp_path / "patterns.yml"
    path.write_text("patterns:\n" + GOOD_ENTRY, encoding="utf-8")
    small = CrisisMatcher(load_patterns(path))
    assert small.find("A Purple  Elephant!") == [CrisisSignal("good-one", "Purple Elephant")]
    assert not small.is_crisis("I want to kill myself")


def test_a_sequence_that_expands_too_far_is_rejected_by_name(tmp_path: Path) -> None:
    two_word_choices = ", ".join(['"car park|bus stop"'] * 7)
    path = tmp_path / "patterns.yml"
    path.write_text(
        "patterns:\n  - id: too-wide\n    description: d\n"
        f"    lemmas: [[{two_word_choices}]]\n    examples: [x]\n",
        encoding="utf-8",
    )
    with pytest.raises(CrisisPatternError, match="'too-wide'"):
        CrisisMatcher(load_patterns(path))


def test_unreadable_or_wrong_shaped_files_fail_clearly(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yml"
    with pytest.raises(CrisisPatternError, match="cannot read"):
        load_patterns(missing)
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(CrisisPatternError, match="expected a mapping"):
        load_patterns(wrong)


# --- the Rasa component ------------------------------------------------------------------------


def make_guard(tmp_path: Path, config: dict | None = None) -> CrisisGuard:
    storage = LocalModelStorage.create(tmp_path / "model_storage")
    context = ExecutionContext(GraphSchema({}), model_id="test-model")
    return CrisisGuard.create(
        {**CrisisGuard.get_default_config(), **(config or {})},
        storage,
        Resource("crisis_guard"),
        context,
    )


def classified(text: str, ranking: list[dict]) -> Message:
    """A message as FallbackClassifier leaves it: top intent plus the full ranking."""
    return Message(
        data={TEXT: text, INTENT: dict(ranking[0]), INTENT_RANKING_KEY: copy.deepcopy(ranking)},
        output_properties={INTENT, INTENT_RANKING_KEY},
    )


FALLBACK_RANKING = [
    {"name": "nlu_fallback", "confidence": 0.7},
    {"name": "barrier_local_knowledge", "confidence": 0.41},
    {"name": "greet", "confidence": 0.12},
]


def test_guard_forces_crisis_and_keeps_the_previous_ranking(tmp_path: Path) -> None:
    guard = make_guard(tmp_path)
    message = classified(
        "my patient says she'll end it, she's been saving her pills", FALLBACK_RANKING
    )

    [result] = guard.process([message])

    crisis_intent = {"name": "crisis", "confidence": 1.0}
    assert result.get(INTENT) == crisis_intent
    assert result.get(INTENT_RANKING_KEY) == [crisis_intent, *FALLBACK_RANKING]
    assert result.get(CRISIS_SIGNALS_KEY) == ["end-it", "medication-stockpiling"]
    output = result.as_dict(only_output_properties=True)
    assert output[INTENT]["name"] == "crisis"
    assert output[CRISIS_SIGNALS_KEY] == ["end-it", "medication-stockpiling"]


def test_guard_leaves_a_non_crisis_message_untouched(tmp_path: Path) -> None:
    guard = make_guard(tmp_path)
    ranking = [{"name": "barrier_local_knowledge", "confidence": 0.93}, *FALLBACK_RANKING[2:]]
    message = classified("my back is killing me and I don't know any local groups", ranking)
    before = copy.deepcopy(message.data)

    [result] = guard.process([message])

    assert result.data == before
    assert CRISIS_SIGNALS_KEY not in result.output_properties


def test_guard_handles_a_batch_and_a_model_crisis_guess_is_not_listed_twice(
    tmp_path: Path,
) -> None:
    guard = make_guard(tmp_path)
    crisis_guess = [{"name": "crisis", "confidence": 0.55}, {"name": "greet", "confidence": 0.45}]
    flagged = classified("I can't keep myself safe tonight", crisis_guess)
    quiet = classified("hello there", [{"name": "greet", "confidence": 0.99}])
    no_text = Message(data={INTENT: {"name": "greet", "confidence": 0.9}})

    results = guard.process([flagged, quiet, no_text])

    assert results[0].get(INTENT_RANKING_KEY) == [
        {"name": "crisis", "confidence": 1.0},
        {"name": "greet", "confidence": 0.45},
    ]
    assert results[1].get(INTENT) == {"name": "greet", "confidence": 0.99}
    assert results[2].get(INTENT) == {"name": "greet", "confidence": 0.9}


def test_guard_sets_a_ranking_when_there_was_none(tmp_path: Path) -> None:
    [result] = make_guard(tmp_path).process([Message(data={TEXT: "I want to die"})])
    assert result.get(INTENT_RANKING_KEY) == [{"name": "crisis", "confidence": 1.0}]


MODEL_WORRIED_RANKING = [
    {"name": "barrier_patient_expectations", "confidence": 0.62},
    {"name": "crisis", "confidence": 0.08},
    {"name": "greet", "confidence": 0.01},
]
UNMATCHED_TEXT = "he has been very low since the accident and won't talk to anyone"


def test_guard_marks_a_message_the_model_alone_worries_about_for_the_check(
    tmp_path: Path,
) -> None:
    guard = make_guard(tmp_path, {"check_threshold": 0.05})
    message = classified(UNMATCHED_TEXT, MODEL_WORRIED_RANKING)

    [result] = guard.process([message])

    assert result.get(INTENT) == {"name": "crisis", "confidence": 0.08}
    assert result.get(INTENT_RANKING_KEY) == [
        {"name": "crisis", "confidence": 0.08},
        MODEL_WORRIED_RANKING[0],
        MODEL_WORRIED_RANKING[2],
    ]
    [entity] = result.as_dict(only_output_properties=True)[ENTITIES]
    assert entity["entity"] == POSSIBLE_RISK_ENTITY
    assert CRISIS_SIGNALS_KEY not in result.output_properties


@pytest.mark.parametrize("threshold", [None, 0.1])
def test_below_the_threshold_or_without_one_the_model_alone_changes_nothing(
    tmp_path: Path, threshold: float | None
) -> None:
    guard = make_guard(tmp_path, {"check_threshold": threshold})
    message = classified(UNMATCHED_TEXT, MODEL_WORRIED_RANKING)
    before = copy.deepcopy(message.data)

    [result] = guard.process([message])

    assert result.data == before


def test_a_matcher_hit_gets_the_full_reply_never_the_check(tmp_path: Path) -> None:
    guard = make_guard(tmp_path, {"check_threshold": 0.05})
    [result] = guard.process([classified("I want to die", MODEL_WORRIED_RANKING)])
    assert result.get(INTENT) == {"name": "crisis", "confidence": 1.0}
    assert not result.get(ENTITIES)


def test_the_models_own_crisis_answer_is_left_as_the_full_reply(tmp_path: Path) -> None:
    guard = make_guard(tmp_path, {"check_threshold": 0.05})
    ranking = [{"name": "crisis", "confidence": 0.9}, {"name": "greet", "confidence": 0.1}]
    [result] = guard.process([classified(UNMATCHED_TEXT, ranking)])
    assert result.get(INTENT) == ranking[0]
    assert not result.get(ENTITIES)


@pytest.mark.parametrize("threshold", [0, -0.1, 1.5])
def test_a_threshold_outside_zero_to_one_stops_the_model_loading(
    tmp_path: Path, threshold: float
) -> None:
    with pytest.raises(ValueError, match="check_threshold"):
        make_guard(tmp_path, {"check_threshold": threshold})


def test_guard_uses_a_configured_patterns_file(tmp_path: Path) -> None:
    path = tmp_path / "patterns.yml"
    path.write_text("patterns:\n" + GOOD_ENTRY, encoding="utf-8")
    guard = make_guard(tmp_path, {"patterns_file": str(path)})

    flagged, quiet = guard.process(
        [Message(data={TEXT: "a purple elephant"}), Message(data={TEXT: "I want to die"})]
    )

    assert flagged.get(CRISIS_SIGNALS_KEY) == ["good-one"]
    assert quiet.get(INTENT) is None


def test_guard_refuses_to_load_a_broken_patterns_file(tmp_path: Path) -> None:
    path = tmp_path / "patterns.yml"
    path.write_text("patterns:\n  - id: broken\n    description: d\n", encoding="utf-8")
    with pytest.raises(CrisisPatternError, match="'broken'"):
        make_guard(tmp_path, {"patterns_file": str(path)})


def test_relative_patterns_file_is_read_from_the_project_root() -> None:
    assert _patterns_path(None) == PATTERNS_FILE
    assert _patterns_path("data/safety/crisis_patterns.yml") == PATTERNS_FILE


def test_recipe_places_the_guard_last_in_the_prediction_graph() -> None:
    config = {
        "recipe": "default.v1",
        "language": "en",
        "assistant_id": "crisis-guard-test",
        "pipeline": [
            {"name": "WhitespaceTokenizer"},
            {"name": "CountVectorsFeaturizer"},
            {"name": "DIETClassifier", "epochs": 1},
            {"name": "FallbackClassifier"},
            {"name": "bot.nlp.crisis_guard.CrisisGuard"},
        ],
        "policies": [],
    }
    graph = DefaultV1Recipe().graph_config_for_recipe(config, {}, TrainingType.NLU)
    [name] = [n for n, node in graph.predict_schema.nodes.items() if node.uses is CrisisGuard]
    node = graph.predict_schema.nodes[name]
    assert node.fn == "process"
    assert node.needs == {"messages": "run_FallbackClassifier3"}
    assert not any(node.uses is CrisisGuard for node in graph.train_schema.nodes.values())
