"""Build detectors/names/given_names_intl.txt: given names of many countries, from Faker.

    pip install --target /tmp/faker faker==40.63.0
    PYTHONPATH=/tmp/faker .venv/bin/python scripts/build_given_names.py

The 1990 US Census list (given_names.txt) covers Anglo and Hispanic names; this adds the
first names of Faker's person providers for the locales written in Latin, Greek or
Cyrillic script (Faker is MIT licensed; the names are facts). A name is kept when it is
one capitalised word of at least three letters, is not in the US list already, and is
not an ordinary word: a word the injection model's vocabulary holds (English prompts,
documents and e-mails it was trained on, lowercased) is left out, so "Can" (Turkish), "Said"
and "Angel" do not become names. Faker is needed only to build the list, never to run.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import faker
import faker.providers.person as person

ROOT = Path(__file__).resolve().parents[1]
NAMES = ROOT / "detectors" / "names"
MODEL = ROOT / "detectors" / "models" / "injection_model.json"


def _faker_names() -> set[str]:
    out: set[str] = set()
    for mod in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{mod.name}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            names = vars(provider).get(attr) or getattr(provider, attr, ())
            if isinstance(names, (dict, list, tuple, set, frozenset)):
                out.update(names)
    return out


def _script_ok(word: str) -> bool:
    """Latin, Greek or Cyrillic letters (what the name-list recognizer reads)."""
    return all(
        (c.isalpha() and (ord(c) < 0x0250 or 0x0370 <= ord(c) <= 0x04FF)) or c in "'-" for c in word
    )


# Given names that the vocabulary filter drops although they are names first (the model's
# vocabulary holds names its training text carried); chosen by hand from the 226 the
# filter removes from Faker 40.63.0's list, leaving out every word and surname.
_KEEP_WORDS = """
    abelardo adolf alberico annemette anđa attila bernardino bernd christoffer cinzia
    cormac davor eben edvard einer elon erle ewan ezio feliciano felicien franco fredrik
    freja gianni gyula halldór helmut hilding hülya imre inna jarmila joran josé jouko
    júlia kamila krisztián kálmán leidy lotte luís maarit maite maximilian maximus mette
    michelangelo olwen oskar paulo radka recep relu riku sergey sigurlaug sunniva tayyip
    tiago timo yann zuzana ástríður šárka željko
    """
_KEEP = frozenset(_KEEP_WORDS.split())


def main() -> None:
    us = set((NAMES / "given_names.txt").read_text(encoding="utf-8").split())
    weights = json.loads(MODEL.read_text(encoding="utf-8"))["weights"]
    ordinary = {g.removeprefix("i:") for g in weights if " " not in g}
    kept = set()
    for name in _faker_names():
        if " " in name or len(name) < 3 or not name[:1].isupper() or not _script_ok(name):
            continue
        low = name.lower()
        if low in us or (low in ordinary and low not in _KEEP):
            continue
        kept.add(low)
    out = NAMES / "given_names_intl.txt"
    out.write_text("".join(f"{n}\n" for n in sorted(kept)), encoding="utf-8")
    print(f"{len(kept)} names from Faker {faker.VERSION} -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
