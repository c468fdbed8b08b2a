"""What phone users type, read as Vietnamese: Telex leftovers and words typed together.

Pure text logic (no Django, no database): search.vocabulary supplies the catalogue's words.

A buyer without a Vietnamese keyboard types Telex (or VNI) and gets its raw keys:
"nuwowcs mawms" for "nước mắm", "maatj ong" for "mật ong", "ma8m1" (VNI) for "mắm".
Another one drops the spaces: "banhphongtom", "nuocmam", "khoca". `read()` turns such a
query into what was meant ("nước mắm", "bánh phồng tôm"), or returns None when nothing in
it needs reading.

A token is only ever read when it is *not* a possible Vietnamese syllable as typed: "ca",
"so", "ba", "tom", "mat" are left alone (and need no vocabulary at all). Such a token is
then split into pieces, each either a word of the catalogue as typed or a Telex/VNI
spelling (`decode`) of a valid Vietnamese syllable whose folded form is a word of the
catalogue; among the ways to split it, the one whose neighbours are most often
neighbours in the catalogue ("mat ong" rather than "ma tong") wins. A token that is
itself a catalogue word ("farm" of a shop name) or that cannot be split so is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# --- syllable shapes (folded: no tone, no vowel marks, đ → d) ---------------------

ONSETS = (
    "ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
    "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
)
_OPEN_RIMES = {
    "a", "ai", "ao", "au", "ay", "e", "eo", "eu", "i", "ia", "iu", "ieu", "o", "oa", "oai",
    "oao", "oay", "oe", "oeo", "oi", "u", "ua", "uay", "ue", "ui", "uo", "uoi", "uou", "uu",
    "uy", "uya", "uyu", "y", "yeu",
}
#: nucleus → the codas it takes (generous: a shape check, not a dictionary).
_CODAS = {
    "a": ("c", "ch", "m", "n", "ng", "nh", "p", "t"),
    "e": ("c", "ch", "m", "n", "ng", "nh", "p", "t"),
    "i": ("ch", "m", "n", "nh", "p", "t"),
    "o": ("c", "m", "n", "ng", "p", "t"),
    "oo": ("c", "ng"),
    "u": ("c", "m", "n", "ng", "p", "t"),
    "ie": ("c", "m", "n", "ng", "p", "t"),
    "ye": ("m", "n", "t"),
    "uo": ("c", "m", "n", "ng", "p", "t"),
    "oa": ("c", "ch", "m", "n", "ng", "nh", "p", "t"),
    "oe": ("n", "t"),
    "ue": ("ch", "n", "nh", "t"),
    "ua": ("n", "ng", "t"),
    "uy": ("ch", "n", "nh", "t"),
    "uye": ("n", "t"),
}
RIMES = _OPEN_RIMES | {nucleus + coda for nucleus, codas in _CODAS.items() for coda in codas}
_STOPS = ("ch", "c", "p", "t")
#: Vowel groups with their marks ("ưê" is none: "sweet" is not "sưêt").
NUCLEI = {
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "iê", "iêu", "oa", "oă", "oe",
    "oi", "ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uôi", "uơ", "uy", "uya", "uyu",
    "uyê", "ưa", "ưi", "ươ", "ươi", "ươu", "ưu", "yê", "yêu", "oai", "oao", "oay", "oeo", "uây",
}

# Tones as combining marks.
SAC, HUYEN, HOI, NGA, NANG = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_TELEX_TONES = {"s": SAC, "f": HUYEN, "r": HOI, "x": NGA, "j": NANG}
_VNI_TONES = {"1": SAC, "2": HUYEN, "3": HOI, "4": NGA, "5": NANG}
_CIRCUMFLEX = {"a": "â", "e": "ê", "o": "ô"}
_HORN = {"u": "ư", "o": "ơ", "a": "ă"}  # Telex w: horn, or breve on a
_VOWELS = set("aăâeêioôơuưy")
_MARKED = set("ăâêôơư")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})

#: Longest piece tried when splitting a token ("nghieengx", "nguwowfng": 9 keys).
MAX_PIECE = 10
#: Longest token tried at all (a pasted URL is not split).
MAX_TOKEN = 48


def fold(text: str) -> str:
    """'Mật ong Đất Mũi' → 'Mat ong Dat Mui' (as marketplace.core.text.fold)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _split(folded: str) -> tuple[str, str] | None:
    """(onset, rime) of a folded syllable, or None when it has no Vietnamese shape."""
    for onset in ONSETS:
        if not folded.startswith(onset):
            continue
        rime = folded[len(onset):]
        if onset == "qu" and rime.startswith("u"):
            continue
        if rime in RIMES:
            return onset, rime
    return None


def is_syllable(folded: str) -> bool:
    """A possible Vietnamese syllable without accents: "mat", "nuoc", "khoai" (not "nuocmam",
    "farm", "maatj")."""
    return _split(folded.lower()) is not None


def decode(token: str) -> str | None:
    """The Vietnamese syllable a Telex (or VNI) key sequence spells, or None.

    "nuwowcs" → "nước", "mawms" → "mắm", "maatj" → "mật", "ddaauf" → "đầu", "ma8m1" → "mắm".
    None when the token uses no Telex/VNI key (nothing to decode: "ca", "tom") or when
    the result is not a valid syllable ("boss", "coffee", "free", "500g").
    """
    keys = token.lower()
    if not keys or len(keys) > MAX_PIECE or not _ASCII_TOKEN.fullmatch(keys):
        return None
    letters: list[str] = []
    tone = ""
    used = False
    i = 0
    while i < len(keys):
        key = keys[i]
        has_vowel = any(letter in _VOWELS for letter in letters)
        if key in _TELEX_TONES and has_vowel or key in _VNI_TONES:
            if tone or not has_vowel:
                return None
            tone = _TELEX_TONES.get(key) or _VNI_TONES[key]
        elif key == "d" and not letters and keys[i + 1 : i + 2] == "d":
            letters.append("đ")
            i += 1
        elif key == "9":
            if letters[:1] != ["d"]:
                return None
            letters[0] = "đ"
        elif key in _CIRCUMFLEX and letters and letters[-1] == key:
            letters[-1] = _CIRCUMFLEX[key]  # aa → â
        elif key in _CIRCUMFLEX and letters and letters[-1] == _CIRCUMFLEX[key]:
            pass  # "ooo": a key pressed once too often still means ô
        elif key == "6":
            if not _mark_last(letters, _CIRCUMFLEX):
                return None
        elif key in ("w", "7", "8"):
            if not _horn(letters, key):
                return None
        elif key.isdigit():
            return None
        else:
            letters.append(key)
            i += 1
            continue
        used = True
        i += 1
    if not used:
        return None
    base = "".join(letters)
    if not _valid_marks(base, tone):
        return None
    return _with_tone(base, tone)


def _mark_last(letters: list[str], marks: dict[str, str]) -> bool:
    for index in range(len(letters) - 1, -1, -1):
        if letters[index] in marks:
            letters[index] = marks[letters[index]]
            return True
        if letters[index] in _VOWELS:
            return False
    return False


def _horn(letters: list[str], key: str) -> bool:
    """Telex w (VNI 7 horn, 8 breve) on the vowel just typed; a bare w is ư."""
    last = next((i for i in range(len(letters) - 1, -1, -1) if letters[i] in _VOWELS), None)
    if last is None:
        if key != "w":
            return False
        letters.append("ư")
        return True
    vowel = letters[last]
    if key == "8":
        if vowel != "a":
            return False
        letters[last] = "ă"
        return True
    if vowel == "a" and key == "7":
        return False
    if vowel == "o" and last > 0 and letters[last - 1] in ("u", "ư"):
        letters[last - 1], letters[last] = "ư", "ơ"  # uow → ươ
        return True
    if vowel == "ơ" and last > 0 and letters[last - 1] == "u":
        letters[last - 1] = "ư"
        return True
    if vowel == "u" and last + 1 < len(letters) and letters[last + 1] == "o":
        letters[last], letters[last + 1] = "ư", "ơ"
        return True
    if vowel in _HORN:
        letters[last] = _HORN[vowel]
        return True
    return False


def _valid_marks(base: str, tone: str) -> bool:
    """The decoded letters make a syllable: a Vietnamese shape, marks where they can be."""
    folded = fold(base)
    parts = _split(folded)
    if parts is None:
        return False
    onset, rime = parts
    marked_rime = base[len(onset):]
    nucleus = re.match(r"[aăâeêioôơuưy]+", marked_rime)
    if nucleus is None or nucleus.group() not in NUCLEI:
        return False
    if marked_rime.endswith(("ă", "â")):
        return False  # ă, â never end a syllable ("ăn", "âm", "âu", "ây")
    if tone and tone not in (SAC, NANG) and rime.endswith(_STOPS):
        return False  # "-c -ch -p -t" take only sắc or nặng
    return True


def _with_tone(base: str, tone: str) -> str:
    if not tone:
        return base
    index = _tone_position(base)
    if index is None:
        return base
    return unicodedata.normalize("NFC", base[:index] + base[index] + tone + base[index + 1 :])


def _tone_position(base: str) -> int | None:
    """Where the tone goes (the catalogue's style: "hòa", "thủy", "nước", "tiến")."""
    start = 0
    if base.startswith(("qu", "gi")) and len(base) > 2 and base[2] in _VOWELS:
        start = 2
    vowels = [i for i in range(start, len(base)) if base[i] in _VOWELS]
    if not vowels:
        return None
    marked = [i for i in vowels if base[i] in _MARKED]
    if marked:
        return marked[-1]
    has_coda = vowels[-1] < len(base) - 1
    if has_coda or len(vowels) == 1:
        return vowels[-1]
    if len(vowels) == 3:
        return vowels[1]
    return vowels[0]


# --- the catalogue's words ----------------------------------------------------------


@dataclass
class Vocabulary:
    """Folded words of the catalogue (with their usual accented spelling) and neighbours."""

    words: dict[str, str] = field(default_factory=dict)  # "mat" → "mật"
    pairs: set[tuple[str, str]] = field(default_factory=set)  # ("mat", "ong")

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        spellings: dict[str, Counter] = {}
        pairs: set[tuple[str, str]] = set()
        for text in texts:
            previous = None
            for word in re.findall(r"\w+", (text or "").lower()):
                folded = fold(word)
                spellings.setdefault(folded, Counter())[word] += 1
                if previous is not None:
                    pairs.add((previous, folded))
                previous = folded
        words = {folded: counts.most_common(1)[0][0] for folded, counts in spellings.items()}
        return cls(words=words, pairs=pairs)

    def piece(self, folded: str) -> bool:
        """A word that a token may be split into: letters only, two or more (or a vowel: "u")."""
        return folded in self.words and folded.isalpha() and (len(folded) > 1 or folded in "aeiouy")


@dataclass(frozen=True)
class Reading:
    """A query as it was meant: `text` to show and search ("nước mắm"), `folded` ("nuoc mam")."""

    text: str
    folded: str


def read(query: str, vocabulary: Callable[[], Vocabulary]) -> Reading | None:
    """The query with its Telex leftovers decoded and its joined words split, or None.

    `vocabulary` is called (at most once) only when a token is not a Vietnamese syllable
    as typed: "mat ong", "tom kho rach goc" and accented queries never need it.
    """
    loaded: list[Vocabulary] = []

    def words() -> Vocabulary:
        if not loaded:
            loaded.append(vocabulary())
        return loaded[0]

    changed = False
    out = []
    for token in query.split():
        reading = _read_token(token, words)
        if reading is None:
            out.append(token)
        else:
            out.append(reading)
            changed = True
    if not changed:
        return None
    text = " ".join(out)
    return Reading(text=text, folded=fold(text).lower())


def _read_token(token: str, words: Callable[[], Vocabulary]) -> str | None:
    keys = token.lower()
    if (not _ASCII_TOKEN.fullmatch(keys) or len(keys) > MAX_TOKEN or keys.isdigit()
            or is_syllable(keys)):
        return None
    vocabulary = words()
    if keys in vocabulary.words:
        return None
    pieces = segment(keys, vocabulary)
    return " ".join(pieces) if pieces else None


def segment(keys: str, vocabulary: Vocabulary) -> list[str] | None:
    """The best split of a token into catalogue words (as typed, or Telex/VNI-decoded), shown
    accented: "banhphongtom" → ["bánh", "phồng", "tôm"], "maatj" → ["mật"]; None if none.

    Best: fewest breaks between words that are not neighbours in the catalogue, then fewest
    pieces, then fewest decoded pieces (a dynamic programme over the token's prefixes, one
    state per last word).
    """
    # best[end][last folded word] = (cost, pieces shown)
    best: list[dict[str, tuple[tuple[int, int, int], list[str]]]] = [{} for _ in range(len(keys) + 1)]
    best[0][""] = ((0, 0, 0), [])
    for start in range(len(keys)):
        if not best[start]:
            continue
        for end in range(start + 1, min(len(keys), start + MAX_PIECE) + 1):
            candidate = _piece(keys[start:end], vocabulary)
            if candidate is None:
                continue
            folded, shown, decoded = candidate
            for last, ((breaks, count, telex), pieces) in best[start].items():
                linked = bool(last) and (last, folded) in vocabulary.pairs
                cost = (breaks + (0 if linked else 1), count + 1, telex + decoded)
                current = best[end].get(folded)
                if current is None or cost < current[0]:
                    best[end][folded] = (cost, [*pieces, shown])
    if not best[-1]:
        return None
    return min(best[-1].values(), key=lambda entry: entry[0])[1]


def _piece(keys: str, vocabulary: Vocabulary) -> tuple[str, str, int] | None:
    """(folded word, accented word, 1 if decoded) of one piece, or None."""
    if vocabulary.piece(keys):
        return keys, vocabulary.words[keys], 0
    decoded = decode(keys)
    if decoded is not None:
        folded = fold(decoded)
        if vocabulary.piece(folded):
            return folded, decoded, 1
    return None
