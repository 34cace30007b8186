#!/usr/bin/env python3
"""Check the development gold (dev/gold/*.json) against its texts (dev/texts/*.txt).

Standard library only.  Run from anywhere:

    python dev/check_gold.py            # errors make the exit status 1; warnings are printed
    python dev/check_gold.py --totals   # also print totals (entities, relations, negatives)
    python dev/check_gold.py --markdown # totals as Markdown tables (for dev/README.md)

Errors (the gold is wrong):
- a text or gold file without its pair, a file name not of the form NN_slug, a text outside
  150-400 words;
- a missing or unknown key, "doc" not the text's file name, a malformed "date";
- an entity id used twice, an unknown type, an empty or repeated label, a label that is not an
  exact (case-sensitive) substring of the text;
- a relation or negative whose subject or object is not an entity id, whose predicate is not in
  the vocabulary (ontology/kg.ttl direct edges), whose evidence is not an exact substring of the
  text, a modality other than asserted/planned, a holdsPost without a role, a relation repeated,
  ends of the wrong type (votes: State -> Resolution, drafted -> Resolution, holdsPost: Person ->
  State or Body, visited -> Place or State);
- a negative that is also a relation (a negative must never be a direct edge);
- vote_counts on an id that is not a Resolution, a key other than for/against/abstain, a count
  that is not written in the text (as digits or as a French number word).

Warnings (worth a look, not always wrong):
- a label of an entity, seen in another gold file, that occurs as a whole word in this text but is
  not listed for that entity (missed surface form, or a form used only in web furniture);
- an evidence string that contains no label of its subject nor of its object.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

DEV = Path(__file__).resolve().parent
TEXTS = DEV / "texts"
GOLD = DEV / "gold"

TYPES = {"State", "Person", "Body", "Place", "Resolution"}
PREDICATES = {
    "votedFor", "votedAgainst", "abstainedOn", "negotiatedWith", "met", "visited", "hosted",
    "holdsPost", "condemned", "demanded", "accused", "supported", "drafted", "vetoed",
    "withdrew", "attacked",
}
SYMMETRIC = {"negotiatedWith", "met"}
VOTES = {"votedFor", "votedAgainst", "abstainedOn", "vetoed"}
MODALITIES = {"asserted", "planned"}
TOP_KEYS = {"doc", "date", "entities", "relations", "negatives", "vote_counts"}
OPTIONAL_TOP_KEYS = {"notes"}
COUNT_KEYS = {"for", "against", "abstain"}
NAME_RE = re.compile(r"^\d{2}_[a-z0-9_]+$")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
WORDS_MIN, WORDS_MAX = 150, 400

NUMBER_WORDS = {
    1: ["un", "une", "seul", "seule"], 2: ["deux"], 3: ["trois"], 4: ["quatre"], 5: ["cinq"],
    6: ["six"], 7: ["sept"], 8: ["huit"], 9: ["neuf"], 10: ["dix"], 11: ["onze"],
    12: ["douze"], 13: ["treize"], 14: ["quatorze"], 15: ["quinze"], 16: ["seize"],
    20: ["vingt"],
}


def whole_word(needle: str, haystack: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", haystack) is not None


def number_written(n: int, text: str) -> bool:
    if whole_word(str(n), text):
        return True
    low = text.lower()
    return any(whole_word(word, low) for word in NUMBER_WORDS.get(n, []))


def key(s: str, p: str, o: str) -> tuple[str, str, str]:
    if p in SYMMETRIC and o < s:
        s, o = o, s
    return s, p, o


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, msg: str) -> None:
        self.errors.append(f"ERROR   {where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"warning {where}: {msg}")


def check_fact(rep: Report, where: str, fact: dict, types: dict[str, str], text: str,
               negative: bool) -> None:
    allowed = {"s", "p", "o", "evidence", "modality", "role"}
    for k in fact:
        if k not in allowed:
            rep.error(where, f"unknown key {k!r}")
    s, p, o, ev = fact.get("s"), fact.get("p"), fact.get("o"), fact.get("evidence")
    if s not in types:
        rep.error(where, f"subject {s!r} is not an entity id")
    if o not in types:
        rep.error(where, f"object {o!r} is not an entity id")
    if p not in PREDICATES:
        rep.error(where, f"predicate {p!r} is not in the vocabulary")
    if not isinstance(ev, str) or not ev:
        rep.error(where, "evidence missing")
    elif ev not in text:
        rep.error(where, f"evidence is not an exact substring of the text: {ev!r}")
    if "modality" in fact:
        if negative:
            rep.error(where, "a negative carries no modality")
        elif fact["modality"] not in MODALITIES:
            rep.error(where, f"modality {fact['modality']!r} not in {sorted(MODALITIES)}")
    if p == "holdsPost":
        if not isinstance(fact.get("role"), str) or not fact["role"]:
            rep.error(where, "holdsPost without a role")
    elif "role" in fact:
        rep.error(where, "role is only for holdsPost")
    if s in types and o in types:
        ts, to = types[s], types[o]
        if p in VOTES and (ts != "State" or to != "Resolution"):
            rep.error(where, f"{p} must go State -> Resolution, not {ts} -> {to}")
        if p == "drafted" and to != "Resolution":
            rep.error(where, f"drafted must point to a Resolution, not {to}")
        if p == "holdsPost" and (ts != "Person" or to not in {"State", "Body"}):
            rep.error(where, f"holdsPost must go Person -> State|Body, not {ts} -> {to}")
        if p == "visited" and to not in {"Place", "State"}:
            rep.error(where, f"visited must point to a Place or a State, not {to}")
        if p in SYMMETRIC and "Resolution" in (ts, to):
            rep.error(where, f"{p} between a Resolution and {ts if to == 'Resolution' else to}")
        if s == o:
            rep.error(where, "subject and object are the same entity")


def check_file(rep: Report, gold_path: Path, labels_by_id: dict[str, set[str]],
               ambiguous: set[str]) -> dict | None:
    where = gold_path.name
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        rep.error(where, f"invalid JSON: {exc}")
        return None
    text_path = TEXTS / (gold_path.stem + ".txt")
    if not text_path.exists():
        rep.error(where, f"no text {text_path.name}")
        return None
    text = text_path.read_text(encoding="utf-8")

    for k in TOP_KEYS - set(gold):
        rep.error(where, f"missing key {k!r}")
    for k in set(gold) - TOP_KEYS - OPTIONAL_TOP_KEYS:
        rep.error(where, f"unknown key {k!r}")
    if gold.get("doc") != text_path.name:
        rep.error(where, f"doc is {gold.get('doc')!r}, expected {text_path.name!r}")
    date = gold.get("date")
    if date is not None and (not isinstance(date, str) or not DATE_RE.match(date)):
        rep.error(where, f"date {date!r} is not null, YYYY, YYYY-MM or YYYY-MM-DD")

    types: dict[str, str] = {}
    for i, ent in enumerate(gold.get("entities", [])):
        ew = f"{where} entity {ent.get('id', i)}"
        eid = ent.get("id")
        if not isinstance(eid, str) or not eid:
            rep.error(ew, "missing id")
            continue
        if eid in types:
            rep.error(ew, "id used twice")
        if ent.get("type") not in TYPES:
            rep.error(ew, f"type {ent.get('type')!r} not in {sorted(TYPES)}")
        types[eid] = ent.get("type", "?")
        labels = ent.get("labels")
        if not isinstance(labels, list) or not labels:
            rep.error(ew, "labels must be a non-empty list")
            continue
        if len(set(labels)) != len(labels):
            rep.error(ew, "a label is listed twice")
        for lab in labels:
            if not isinstance(lab, str) or not lab.strip():
                rep.error(ew, f"bad label {lab!r}")
            elif lab not in text:
                rep.error(ew, f"label {lab!r} does not occur in the text")
        for k in set(ent) - {"id", "type", "labels"}:
            rep.error(ew, f"unknown key {k!r}")

    seen: dict[tuple[str, str, str], int] = {}
    for i, rel in enumerate(gold.get("relations", [])):
        rw = f"{where} relation #{i} {rel.get('s')} {rel.get('p')} {rel.get('o')}"
        check_fact(rep, rw, rel, types, text, negative=False)
        k = key(rel.get("s", ""), rel.get("p", ""), rel.get("o", ""))
        if k in seen:
            rep.error(rw, f"same relation as #{seen[k]}")
        seen.setdefault(k, i)
        ev = rel.get("evidence") or ""
        ends = [lab for end in (rel.get("s"), rel.get("o")) for ent in gold.get("entities", [])
                if ent.get("id") == end for lab in ent.get("labels", [])]
        if ev and ends and not any(lab in ev for lab in ends):
            rep.warn(rw, "evidence contains no label of either end")
    for i, neg in enumerate(gold.get("negatives", [])):
        nw = f"{where} negative #{i} {neg.get('s')} {neg.get('p')} {neg.get('o')}"
        check_fact(rep, nw, neg, types, text, negative=True)
        if key(neg.get("s", ""), neg.get("p", ""), neg.get("o", "")) in seen:
            rep.error(nw, "a negative is also a relation")

    counts = gold.get("vote_counts", {})
    if not isinstance(counts, dict):
        rep.error(where, "vote_counts must be an object")
        counts = {}
    for rid, tally in counts.items():
        vw = f"{where} vote_counts {rid}"
        if types.get(rid) != "Resolution":
            rep.error(vw, "not a Resolution id")
        if not isinstance(tally, dict) or not tally:
            rep.error(vw, "tally must be a non-empty object")
            continue
        for k, n in tally.items():
            if k not in COUNT_KEYS:
                rep.error(vw, f"key {k!r} not in {sorted(COUNT_KEYS)}")
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                rep.error(vw, f"{k}: {n!r} is not a count")
            elif not number_written(n, text):
                rep.error(vw, f"{k}: {n} is not written in the text")

    # Surface forms seen for the same id elsewhere but not listed here.
    for ent in gold.get("entities", []):
        eid, mine = ent.get("id"), set(ent.get("labels", []))
        masked = text
        for lab in sorted(mine, key=len, reverse=True):
            masked = masked.replace(lab, " " * len(lab))
        for lab in sorted(labels_by_id.get(eid, set()) - mine):
            if lab in ambiguous or len(lab) < 3:
                continue
            if whole_word(lab, masked):
                rep.warn(f"{where} entity {eid}", f"{lab!r} occurs in the text but is not a label")
    return {"gold": gold, "text": text}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--totals", action="store_true", help="print totals")
    ap.add_argument("--markdown", action="store_true", help="print totals as Markdown")
    ap.add_argument("--quiet", action="store_true", help="do not print warnings")
    args = ap.parse_args()
    rep = Report()

    texts = {p.stem for p in TEXTS.glob("*.txt")}
    golds = {p.stem for p in GOLD.glob("*.json")}
    for stem in sorted(texts | golds):
        if not NAME_RE.match(stem):
            rep.error(stem, "file name is not NN_slug (lower case, digits, underscores)")
        if stem not in golds:
            rep.error(stem + ".txt", "no gold file")
        if stem not in texts:
            rep.error(stem + ".json", "no text file")
    words: dict[str, int] = {}
    for stem in sorted(texts):
        n = len((TEXTS / f"{stem}.txt").read_text(encoding="utf-8").split())
        words[stem] = n
        if not WORDS_MIN <= n <= WORDS_MAX:
            rep.error(stem + ".txt", f"{n} words, outside {WORDS_MIN}-{WORDS_MAX}")

    # Labels per id over all files, and labels that name more than one id anywhere.
    labels_by_id: dict[str, set[str]] = defaultdict(set)
    ids_by_label: dict[str, set[str]] = defaultdict(set)
    for p in sorted(GOLD.glob("*.json")):
        try:
            for ent in json.loads(p.read_text(encoding="utf-8")).get("entities", []):
                for lab in ent.get("labels", []):
                    labels_by_id[ent.get("id")].add(lab)
                    ids_by_label[lab].add(ent.get("id"))
        except (json.JSONDecodeError, AttributeError):
            pass
    ambiguous = {lab for lab, ids in ids_by_label.items() if len(ids) > 1}

    loaded = {}
    for p in sorted(GOLD.glob("*.json")):
        res = check_file(rep, p, labels_by_id, ambiguous)
        if res:
            loaded[p.stem] = res

    if not args.quiet:
        for w in rep.warnings:
            print(w)
    for e in rep.errors:
        print(e)

    if args.totals or args.markdown:
        print_totals(loaded, words, args.markdown)
    status = "FAILED" if rep.errors else "OK"
    print(f"{status}: {len(loaded)} gold files, {len(rep.errors)} errors, "
          f"{len(rep.warnings)} warnings", file=sys.stderr)
    return 1 if rep.errors else 0


def print_totals(loaded: dict, words: dict[str, int], markdown: bool) -> None:
    ent_types: Counter = Counter()
    preds: Counter = Counter()
    planned: Counter = Counter()
    neg_preds: Counter = Counter()
    rows = []
    for stem, res in sorted(loaded.items()):
        g = res["gold"]
        ents, rels, negs = g["entities"], g["relations"], g["negatives"]
        ent_types.update(e["type"] for e in ents)
        preds.update(r["p"] for r in rels)
        planned.update(r["p"] for r in rels if r.get("modality") == "planned")
        neg_preds.update(n["p"] for n in negs)
        rows.append((stem, words.get(stem, 0), len(ents), len(rels), len(negs),
                     len(g["vote_counts"]), g["date"] or "null"))
    n_ent, n_rel, n_neg = (sum(ent_types.values()), sum(preds.values()),
                           sum(neg_preds.values()))
    if markdown:
        print("| text | words | entities | relations | negatives | tallies | date |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for r in rows:
            print(f"| `{r[0]}` | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} |")
        print(f"| **total** | {sum(words.values())} | {n_ent} | {n_rel} | {n_neg} | "
              f"{sum(r[5] for r in rows)} | |")
        print()
        print("| entity type | count |")
        print("|---|---:|")
        for t, n in sorted(ent_types.items(), key=lambda x: (-x[1], x[0])):
            print(f"| {t} | {n} |")
        print()
        print("| predicate | relations | of which planned | negatives |")
        print("|---|---:|---:|---:|")
        for p in sorted(set(preds) | set(neg_preds), key=lambda x: (-preds[x], x)):
            print(f"| {p} | {preds[p]} | {planned[p]} | {neg_preds[p]} |")
        print(f"| **total** | {n_rel} | {sum(planned.values())} | {n_neg} |")
    else:
        for r in rows:
            print(f"{r[0]:40} words={r[1]:3} entities={r[2]:3} relations={r[3]:3} "
                  f"negatives={r[4]} tallies={r[5]} date={r[6]}")
        print(f"entities: {n_ent}  " + ", ".join(f"{t}={n}" for t, n in sorted(ent_types.items())))
        print(f"relations: {n_rel} (planned {sum(planned.values())})  "
              + ", ".join(f"{p}={n}" for p, n in sorted(preds.items())))
        print(f"negatives: {n_neg}  " + ", ".join(f"{p}={n}" for p, n in sorted(neg_preds.items())))


if __name__ == "__main__":
    sys.exit(main())
