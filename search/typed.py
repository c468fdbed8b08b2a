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
    """Folded words of the catalogue with their accented spellings, and neighbours (folded and
    accented)."""

    words: dict[str, str] = field(default_factory=dict)  # "mat" → "mật" (the most common)
    pairs: set[tuple[str, str]] = field(default_factory=set)  # ("mat", "ong")
    spellings: dict[str, Counter] = field(default_factory=dict)  # "ca" → {"cá": 9, "cà": 2}
    accented_pairs: set[tuple[str, str]] = field(default_factory=set)  # ("cà", "mau")

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        spellings: dict[str, Counter] = {}
        pairs: set[tuple[str, str]] = set()
        accented_pairs: set[tuple[str, str]] = set()
        for text in texts:
            previous = None
            for word in re.findall(r"\w+", (text or "").lower()):
                word = unicodedata.normalize("NFC", word)
                folded = fold(word)
                spellings.setdefault(folded, Counter())[word] += 1
                if previous is not None:
                    pairs.add((fold(previous), folded))
                    accented_pairs.add((previous, word))
                previous = word
        words = {folded: counts.most_common(1)[0][0] for folded, counts in spellings.items()}
        return cls(words=words, pairs=pairs, spellings=spellings, accented_pairs=accented_pairs)

    def piece(self, folded: str) -> bool:
        """A word that a token may be split into: letters only, two or more, or a vowel
        ("u" of "U Minh") that `segment` only takes between catalogue neighbours."""
        return folded in self.words and folded.isalpha() and (len(folded) > 1 or folded in "aeiouy")

    def spellings_of(self, folded: str, typed: str | None = None) -> list[str]:
        """The catalogue's spellings of a folded word, most common first; with `typed` (a
        decoded Telex syllable) only those it agrees with: its marks and tone where it has
        them ("mắm" for "măm" or "mắm"; none for "bả" when the catalogue only has "ba")."""
        counts = self.spellings.get(folded, Counter())
        found = [word for word, _ in counts.most_common()]
        if typed is None:
            return found
        return [word for word in found if _agrees(typed, word)]


_TONES = (SAC, HUYEN, HOI, NGA, NANG)


def _tone_and_letters(word: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", word)
    tone = next((ch for ch in decomposed if ch in _TONES), "")
    letters = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return tone, letters


def _agrees(typed: str, word: str) -> bool:
    """`typed` is `word` with perhaps fewer marks: "măm" and "mắm" agree with "mắm", "bả" does
    not agree with "ba", nor "đa" with "da" (where the tone goes does not matter)."""
    typed_tone, typed_letters = _tone_and_letters(typed)
    tone, letters = _tone_and_letters(word)
    if typed_tone and typed_tone != tone or len(typed_letters) != len(letters):
        return False
    return all(a == b or a == fold(b) for a, b in zip(typed_letters, letters, strict=True))


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


#: DP state: (last folded word, words in the current run of catalogue neighbours, capped at 2).
_State = tuple[str, int]


def segment(keys: str, vocabulary: Vocabulary) -> list[str] | None:
    """The best split of a token into catalogue words (as typed, or Telex/VNI-decoded), shown
    accented: "banhphongtom" → ["bánh", "phồng", "tôm"], "maatj" → ["mật"]; None if none.

    A split is accepted when it is one decoded syllable ("maatj"), or when its words come in
    runs of two or more that are neighbours in the catalogue: "khoca" (khô cá),
    "nuocmamcamau" (nước mắm | cà mau); never "so co la" for "socola" when the catalogue
    has no "so co" and "co la". A one-letter vowel is a piece only inside a run
    ("matongu": mật ong u of "U Minh"), never at a break nor alone ("cafe" is not "cà e"). Best: fewest breaks between runs, then fewest pieces, then
    fewest decoded pieces (a dynamic programme over the token's prefixes). The accents
    then follow the catalogue's accented neighbours (`accents`).
    """
    Cost = tuple[int, int, int]
    # best[end][state] = (cost, [(folded, decoded syllable or None), …])
    best: list[dict[_State, tuple[Cost, list[tuple[str, str | None]]]]] = [
        {} for _ in range(len(keys) + 1)
    ]
    best[0][("", 0)] = ((0, 0, 0), [])
    for start in range(len(keys)):
        for end in range(start + 1, min(len(keys), start + MAX_PIECE) + 1):
            if not best[start]:
                break
            candidate = _piece(keys[start:end], vocabulary)
            if candidate is None:
                continue
            folded, decoded = candidate
            for (last, run), ((breaks, count, telex), pieces) in best[start].items():
                if not last:
                    state, extra = (folded, 1), 0
                elif (last, folded) in vocabulary.pairs:
                    state, extra = (folded, 2), 0
                elif run >= 2 and len(last) > 1 and len(folded) > 1:
                    state, extra = (folded, 1), 1  # a new run after a run of neighbours
                else:
                    continue  # a lone word, or a vowel ("a", "e") not between neighbours
                cost = (breaks + extra, count + 1, telex + (decoded is not None))
                current = best[end].get(state)
                if current is None or cost < current[0]:
                    best[end][state] = (cost, [*pieces, (folded, decoded)])
    ends = [entry for (_, run), entry in best[-1].items()
            if run >= 2 or (len(entry[1]) == 1 and entry[1][0][1] is not None
                            and len(entry[1][0][0]) > 1)]
    if not ends:
        return None
    return accents(min(ends, key=lambda entry: entry[0])[1], vocabulary)


def _piece(keys: str, vocabulary: Vocabulary) -> tuple[str, str | None] | None:
    """(folded word, the decoded syllable or None when typed plain) of one piece, or None."""
    if vocabulary.piece(keys):
        return keys, None
    decoded = decode(keys)
    if decoded is not None:
        folded = fold(decoded)
        if vocabulary.piece(folded) and vocabulary.spellings_of(folded, decoded):
            return folded, decoded
    return None


def accents(pieces: list[tuple[str, str | None]], vocabulary: Vocabulary) -> list[str]:
    """The catalogue's spellings of the pieces, chosen so that neighbours are accented
    neighbours of the catalogue: ("ca", "mau") → ["cà", "mau"] (as in "Cà Mau") though "cá"
    is the commoner "ca"; ("keo", "dua") → ["kẹo", "dừa"]. A decoded piece keeps the marks
    it was typed with. Then the more common spellings (a Viterbi pass)."""
    # per piece: spelling → (links, -rank sum, spellings so far)
    paths: dict[str, tuple[int, int, list[str]]] = {"": (0, 0, [])}
    for folded, decoded in pieces:
        options = vocabulary.spellings_of(folded, decoded) or [decoded or folded]
        step: dict[str, tuple[int, int, list[str]]] = {}
        for rank, spelling in enumerate(options):
            step[spelling] = max(
                (links + ((previous, spelling) in vocabulary.accented_pairs), ranks - rank,
                 [*chosen, spelling])
                for previous, (links, ranks, chosen) in paths.items()
            )
        paths = step
    return max(paths.values())[2]
