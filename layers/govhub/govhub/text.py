"""What user text may contain: no control characters, bidirectional overrides or invisible characters.

Such characters let a name look like another (`fraud\u202edetector`), hide text in a report or a terminal
(`\x1b[2K`), or break a line in a log. One rule for every text field, in two strengths: short text (names,
owners, tags, reasons) takes none of them; long free text also takes line breaks and tabs.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls and DEL; bidi embeddings/overrides (U+202A-202E) and isolates (U+2066-2069); the implicit
# direction marks and zero-width characters (U+200B-200F, U+2060-2064, U+FEFF) that render as nothing.
_HIDDEN = "\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_LINE_BREAKS = "\t\n\r"
# The same sets as the inside of a regex character class, for documented patterns (govhub.schemas).
HIDDEN_CLASS = _HIDDEN
HIDDEN_BUT_LINE_BREAKS_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
SHORT_TEXT_REFUSED = re.compile(f"[{_HIDDEN}]")
LONG_TEXT_REFUSED = re.compile(f"(?![{_LINE_BREAKS}])[{_HIDDEN}]")


def _describe(char: str) -> str:
    name = unicodedata.name(char, "control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def refuse_hidden(value: str, *, line_breaks: bool = False) -> str:
    """`value` unchanged, or ValueError naming the first character it may not hold."""
    found = (LONG_TEXT_REFUSED if line_breaks else SHORT_TEXT_REFUSED).search(value)
    if found:
        where = "" if line_breaks else " (line breaks and tabs only in long text)" if found.group() in _LINE_BREAKS else ""
        raise ValueError(f"must not contain control, bidirectional or invisible characters: {_describe(found.group())}{where}")
    return value


def nfkc(value: str) -> str:
    """The compatibility form: full-width letters, ligatures and the like become their plain characters."""
    return unicodedata.normalize("NFKC", value)


def fold_name(value: str) -> str:
    """What makes two names the same name: NFKC, case folded (Unicode's NFKC_Casefold, near enough), stripped."""
    return nfkc(nfkc(value.strip()).casefold())


def printable(value: str) -> str:
    """`value` for a terminal or a log: every refused character shown as its escape (`\\x1b`, `\\u202e`)."""
    return SHORT_TEXT_REFUSED.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)


_MENTION = re.compile(r"@(?=[\w!])")


def chat_safe(value: str) -> str:
    """`value` for a chat message (Slack, Teams, Discord webhooks): markup escaped, so a model name or a reason cannot
    ping a channel (`<!channel>`, `@everyone`), mention someone (`<@U…>`) or show a link under a false label."""
    escaped = printable(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MENTION.sub("@\u200b", escaped)  # a zero-width space after @ keeps it readable and inert
