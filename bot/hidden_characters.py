"""Characters nobody types but pasted or forged text carries: controls, invisible formatting
(zero-width spaces, soft hyphens, direction overrides) and lone surrogates.

Why: they hide words from matching (a zero-width space inside "kill") and sway the classifier
(NUL and SOH before "hi" drew the crisis check), so every channel and the crisis matcher read
text without them.
"""

import unicodedata

DROPPED = {"Cf", "Cs"}  # invisible format characters; lone surrogates, which spaCy cannot store


def without_hidden_characters(text: str) -> str:
    """`text` with each control character turned into a space and invisible ones removed."""
    return "".join(
        " " if unicodedata.category(ch) == "Cc" else ch
        for ch in text
        if unicodedata.category(ch) not in DROPPED
    )
