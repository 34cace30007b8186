"""Which language a document is in (lingua, restricted to the languages of European news).

Only French documents are built by default; the check reads the first few thousand characters
and leaves texts too short to judge alone.
"""

from __future__ import annotations

from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

LANGUAGES = (
    Language.FRENCH,
    Language.ENGLISH,
    Language.GERMAN,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
    Language.DUTCH,
    Language.RUSSIAN,
    Language.UKRAINIAN,
    Language.ARABIC,
)
SAMPLE_CHARS = 1000
MIN_WORDS = 8
# lingua returns no language when the two best are closer than this: such a text is kept.
MIN_DISTANCE = 0.05


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*LANGUAGES)
        .with_minimum_relative_distance(MIN_DISTANCE)
        .build()
    )


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the language of ``text``, or None when it is too short or unclear.

    >>> detect_language("Le Conseil de sécurité se réunira jeudi à New York pour voter le texte.")
    'fr'
    >>> detect_language("Merci.") is None
    True
    """
    sample = text[:SAMPLE_CHARS]
    if len(sample.split()) < MIN_WORDS:
        return None
    language = _detector().detect_language_of(sample)
    return language.iso_code_639_1.name.lower() if language else None


def language_name(code: str) -> str:
    """The English name of a language code, for messages.

    >>> language_name("de")
    'German'
    """
    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code)).name.title()
    except ValueError:
        return code
