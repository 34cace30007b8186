from __future__ import annotations

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
