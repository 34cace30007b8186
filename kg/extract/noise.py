"""Web-page furniture: lines that are not the article (teasers, share buttons, signatures).

Blanking replaces them with spaces of the same length, so offsets into the text stay valid.
"""

from __future__ import annotations

import re

_MARKERS = re.compile(
    r"^(voir aussi|à lire aussi|a lire aussi|lire aussi|sur le même sujet|partager|"
    r"dernières nouvelles|les plus lus|publicité|abonnez-vous.*|newsletter|lire la suite|"
    r"suivez-nous.*|commentaires?|"
    # share buttons, one per line once a page is saved as text
    r"(?:partager|publier|envoyer)(?: (?:sur|par|via|l'article|cet article)\b.{0,30})?|"
    r"tweeter|copier le lien|imprimer(?: l'article)?|réagir|s'abonner|facebook|twitter|x|"
    r"linkedin|whatsapp|messenger|e-?mail|flipboard)\W*$",
    re.IGNORECASE,
)
_TEASER_OPENERS = re.compile(
    r"^(voir aussi|à lire aussi|a lire aussi|lire aussi|sur le même sujet)\W*$", re.IGNORECASE
)
_END_MARKERS = re.compile(r"^(dernières nouvelles|les plus lus)\W*$", re.IGNORECASE)
_SIGNATURE = re.compile(
    r"^\(?(afp|reuters|ap|belga|ats|(\w+ )*avec (afp|reuters|ap))\)?\.?$", re.IGNORECASE
)
_MEDIA_TEASER = re.compile(
    r"^(VID[EÉ]O|PHOTOS?|DIRECT|INFOGRAPHIE|REPLAY|PODCAST|EN IMAGES)\b\s*[.:\-–]"
)
_CREDIT = re.compile(
    r"^(?:(?:photo|image|vidéo|illustration)s?(?: d'archives)?\s*(?:[:©]|$)|crédits?\b|©|"
    r"\(?(?:photo|crédit)\s*:)",
    re.IGNORECASE,
)
_INLINE_TEASER = re.compile(
    r"^(?:à lire aussi|a lire aussi|lire aussi|voir aussi|lire)\s*[:>]", re.IGNORECASE
)
_BYLINE = re.compile(
    r"^(?:[Pp]ar|[Bb]y)\s+[A-ZÉÈ][\w'’-]+(?:\s+[A-ZÉÈ][\w'’-]+){0,3}"
    r"(?:\s+(?:et|avec)\s+[A-ZÉÈ][\w'’-]+(?:\s+[A-ZÉÈ][\w'’-]+){0,3})?\s*$"
)
_PUBLISHED = re.compile(r"^(?:publié|mis à jour|modifié|actualisé)\b.{0,80}$", re.IGNORECASE)
_TWEET_SIGNATURE = re.compile(r"^[—–-]\s*[^()\n]{1,80}\(@\w+\)\s+.{0,40}$")


_SENTENCE_END = (".", "!", "?", "»", '"', ":", ";", ")")


def _words(line: str) -> int:
    return len(line.split())


def _is_paragraph(line: str) -> bool:
    return _words(line) >= 25 or (line.endswith((".", "»", '"')) and _words(line) >= 12)


def furniture_lines(text: str) -> list[tuple[int, int]]:
    """Character spans of the lines of ``text`` that are page furniture, not article."""
    spans: list[tuple[int, int]] = []
    kept: list[tuple[int, int, str]] = []
    in_teasers = ended = False
    seen: set[str] = set()
    pos = 0
    lines = text.split("\n")
    for index, raw in enumerate(lines):
        start, end = pos, pos + len(raw)
        pos = end + 1
        line = raw.strip()
        if not line:
            continue
        furniture = ended
        if _END_MARKERS.match(line) or (_SIGNATURE.match(line) and index > len(lines) // 3):
            ended = furniture = True
        elif _TEASER_OPENERS.match(line):
            in_teasers = furniture = True
        elif _MARKERS.match(line):
            in_teasers, furniture = False, True
        elif in_teasers and not _is_paragraph(line):
            furniture = True
        elif (
            _MEDIA_TEASER.match(line)
            or _TWEET_SIGNATURE.match(line)
            or _INLINE_TEASER.match(line)
            or _BYLINE.match(line)
            or _PUBLISHED.match(line)
        ):
            furniture = True
        elif _CREDIT.match(line) and _words(line) <= 10:
            furniture = True
        elif line.endswith(("...", "…")) and not line.startswith(("«", '"')):
            furniture = True
        elif _words(line) >= 5 and line in seen:
            furniture = True  # a headline repeated in the page
        else:
            in_teasers = in_teasers and not _is_paragraph(line)
        seen.add(line)
        if furniture:
            spans.append((start, end))
        else:
            kept.append((start, end, line))
    return sorted(spans + _trailing_teasers(kept))


def _trailing_teasers(kept: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Headline-like lines (no closing punctuation) after the article's last sentence: the
    unrelated teasers a page ends with."""
    spans: list[tuple[int, int]] = []
    for index in range(len(kept) - 1, 0, -1):
        start, end, line = kept[index]
        if line.endswith(_SENTENCE_END) or _is_paragraph(line):
            break
        spans.append((start, end))
    else:
        return []  # no sentence at all before: a title or a list, not an article
    return spans


def blank_furniture(text: str) -> str:
    """``text`` with its furniture lines replaced by spaces of the same length.

    >>> blank_furniture("Titre\\nPartager\\nTexte.") == "Titre\\n" + " " * 8 + "\\nTexte."
    True
    """
    chars = list(text)
    for start, end in furniture_lines(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)
