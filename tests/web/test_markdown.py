"""The widget's Markdown subset (web/src/markdown.js), parsed by Node without a browser."""

import json
import subprocess

import pytest

from bot.paths import PROJECT_ROOT

MARKDOWN_JS = PROJECT_ROOT / "web" / "src" / "markdown.js"


def parse(text: str) -> list[dict]:
    script = (
        f"import {{ parse }} from {json.dumps(MARKDOWN_JS.as_uri())};"
        "process.stdout.write(JSON.stringify(parse(process.argv[1])));"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script, text],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(done.stdout)


def test_bold_and_safe_links() -> None:
    [paragraph] = parse("This sounds like **Local knowledge**. See [NHS](https://www.nhs.uk/).")
    assert paragraph == {
        "paragraph": [
            [
                {"text": "This sounds like "},
                {"strong": [{"text": "Local knowledge"}]},
                {"text": ". See "},
                {"link": "https://www.nhs.uk/", "text": "NHS"},
                {"text": "."},
            ]
        ]
    }


@pytest.mark.parametrize(
    "link",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](data:text/html,hi)",
        "[click](/relative/path)",
        "[click](mailto:someone@example.org)",
    ],
)
def test_links_other_than_http_and_https_stay_literal_text(link: str) -> None:
    assert parse(link) == [{"paragraph": [[{"text": link}]]}]


def test_html_is_never_markup() -> None:
    text = '<img src=x onerror=alert(1)> <b>bold</b> <a href="https://x.org">x</a>'
    assert parse(text) == [{"paragraph": [[{"text": text}]]}]


def test_numbered_and_bullet_lists_after_a_lead_line() -> None:
    blocks = parse("Three things you could try:\n1. **First**\n2. Second\n\n- one\n- two")
    assert blocks == [
        {"paragraph": [[{"text": "Three things you could try:"}]]},
        {
            "list": "ol",
            "start": 1,
            "items": [[{"strong": [{"text": "First"}]}], [{"text": "Second"}]],
        },
        {"list": "ul", "start": 1, "items": [[{"text": "one"}], [{"text": "two"}]]},
    ]


def test_a_list_keeps_its_numbering_and_lines_keep_their_breaks() -> None:
    assert parse("4. more\n5. again")[0]["start"] == 4
    assert parse("line one\nline two") == [
        {"paragraph": [[{"text": "line one"}], [{"text": "line two"}]]}
    ]
