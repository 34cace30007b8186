from __future__ import annotations

from kg.build import extract_text
from kg.extract.noise import blank_furniture, furniture_lines

PAGE = """Sommet à Genève : les deux présidents se rencontreront mardi

À lire aussi

Football : le PSG s'impose à Lyon

Météo : des orages attendus dans le Sud

Partager

Les présidents américain et russe se rencontreront mardi à Genève, a annoncé la Maison Blanche dans un communiqué publié lundi soir après des semaines de préparation.

PHOTOS. Les plus belles images du sommet

Lire aussi : Poutine et Biden, une relation glaciale

Par Jeanne Martin

Publié le 15 juin 2021 à 22h10

Photo d'archives © AFP

— Jean Dupont (@jdupont) June 16, 2021

Reuters

Le Conseil de sécurité examinera jeudi un projet de résolution...
"""


def test_noise_furniture_is_blanked_and_article_kept() -> None:
    lines = [PAGE[s:e] for s, e in furniture_lines(PAGE)]
    assert "Football : le PSG s'impose à Lyon" in lines
    assert "Partager" in lines and "Reuters" in lines
    assert any(line.startswith("PHOTOS.") for line in lines)
    for furniture in (
        "Lire aussi : Poutine et Biden, une relation glaciale",
        "Par Jeanne Martin",
        "Publié le 15 juin 2021 à 22h10",
        "Photo d'archives © AFP",
    ):
        assert furniture in lines
    assert any("@jdupont" in line for line in lines)
    assert any(line.startswith("Le Conseil de sécurité examinera") for line in lines)
    assert not any(line.startswith("Les présidents américain") for line in lines)
    assert not any(line.startswith("Sommet à Genève") for line in lines)


def test_noise_blanking_keeps_offsets() -> None:
    blanked = blank_furniture(PAGE)
    assert len(blanked) == len(PAGE)
    start = PAGE.index("Les présidents")
    assert blanked[start : start + 40] == PAGE[start : start + 40]
    assert "Football" not in blanked


# A page as a browser saves it to text: share buttons, teasers, photo credits, a repeated
# headline and unrelated teasers at the end. Every teaser states a fact that must not be read.
FURNISHED = """Les ministres ukrainien et russe se sont rencontrés à Antalya

Partager sur Facebook
Partager sur Twitter
Envoyer par e-mail
Copier le lien

Photo : Ozan Kose / AFP

Le ministre ukrainien des Affaires étrangères, Dmytro Kouleba, a rencontré jeudi à Antalya son homologue russe Sergueï Lavrov, lors de la première rencontre de haut niveau entre les deux pays depuis le début de l'invasion.

À lire aussi

Le Brésil a voté contre la résolution sur le climat

Le Japon a rencontré la Corée du Sud à Séoul

Le ministre turc des Affaires étrangères, Mevlüt Cavusoglu, a salué « un premier pas important », tout en reconnaissant qu'aucun accord n'avait été trouvé sur un cessez-le-feu.

Crédit photo : Reuters

Voir aussi : La Chine a voté pour le texte de l'Assemblée générale

Les ministres ukrainien et russe se sont rencontrés à Antalya

Tweeter
Partager

Le Canada a condamné la Norvège
Le Mexique a négocié avec le Pérou à Lima
"""


def test_noise_share_buttons_credits_and_trailing_teasers() -> None:
    spans = furniture_lines(FURNISHED)
    lines = {FURNISHED[s:e] for s, e in spans}
    for furniture in (
        "Partager sur Facebook",
        "Envoyer par e-mail",
        "Copier le lien",
        "Tweeter",
        "Photo : Ozan Kose / AFP",
        "Crédit photo : Reuters",
        "Le Brésil a voté contre la résolution sur le climat",
        "Voir aussi : La Chine a voté pour le texte de l'Assemblée générale",
        "Le Canada a condamné la Norvège",
        "Le Mexique a négocié avec le Pérou à Lima",
    ):
        assert furniture in lines
    assert not any(line.startswith(("Le ministre", "Partager sur Twitter Le")) for line in lines)
    headline = "Les ministres ukrainien et russe se sont rencontrés à Antalya"
    assert headline in lines and FURNISHED.index(headline) not in {s for s, _ in spans}


def test_noise_trailing_headlines_need_an_article_before() -> None:
    assert furniture_lines("Titre seul\nUne autre ligne sans point") == []
    last = "Le texte sera voté jeudi."
    assert furniture_lines(f"Titre\n\nLa Russie a voté contre.\n{last}") == []


def test_noise_furniture_produces_no_facts() -> None:
    result = extract_text(FURNISHED)
    facts = {(f.subject, f.predicate, f.object) for f in result.facts}
    assert ("person/dmytro-kouleba", "met", "person/serguei-lavrov") in facts
    ends = {end for fact in facts for end in (fact[0], fact[2])}
    for teaser in ("BRA", "JPN", "KOR", "CHN", "CAN", "NOR", "MEX", "PER"):
        assert f"state/{teaser}" not in ends
    assert all(f.evidence.sentence in FURNISHED for f in result.facts)
