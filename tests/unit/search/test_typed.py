"""Reading what phone users type (search/typed.py): Telex/VNI decoding, joined words."""

from __future__ import annotations

import pytest

from search.typed import Reading, Vocabulary, decode, is_syllable, read, segment

CATALOGUE = Vocabulary.from_texts([
    "Bánh phồng tôm", "Bánh phồng tôm – hộp 500 g", "Nước mắm Mạch Long", "Nước mắm Ngọc Trân",
    "Mật ong U Minh Hạ", "Mật ong hoa tràm", "Khô cá bổi", "Khô cá kèo", "Tôm khô Rạch Gốc",
    "Mắm tôm chà", "Trà mãng cầu", "Tổng hợp", "Má Tư", "Đặc sản địa phương",
    "Thực phẩm", "Cua Cà Mau", "HTX Thủy sản Đầm Dơi", "Nông sản FARM", "Cà phê Rin",
])


@pytest.mark.parametrize(("keys", "syllable"), [
    ("nuwowcs", "nước"),
    ("nuwowsc", "nước"),  # the tone key before the last consonant
    ("mawms", "mắm"),
    ("maatj", "mật"),
    ("ongf", "òng"),
    ("tooom", "tôm"),  # a key pressed once too often
    ("toom", "tôm"),
    ("khoo", "khô"),
    ("ddaauf", "đầu"),
    ("ddi", "đi"),
    ("uwowts", "ướt"),
    ("hoaf", "hòa"),
    ("thuyr", "thủy"),
    ("quas", "quá"),
    ("giaf", "già"),
    ("tieens", "tiến"),
    ("muoons", "muốn"),
    ("bawngf", "bằng"),
    ("phoongf", "phồng"),
    ("CAS", "cá"),
    # VNI
    ("ma8m1", "mắm"),
    ("nu7o7c1", "nước"),
    ("nuoc71", "nước"),
    ("d9a6u2", "đầu"),
    ("ma6t5", "mật"),
])
def test_telex_and_vni_keys_decode_to_the_syllable(keys, syllable):
    assert decode(keys) == syllable


@pytest.mark.parametrize("keys", [
    # no Telex key: nothing to decode
    "ca", "so", "ba", "tom", "mat", "nuoc", "kho",
    # English and brand words: not a Vietnamese syllable once decoded
    "boss", "coffee", "free", "farm", "tools", "honey", "shop", "sweet", "apple", "jar",
    # stop consonants take only sắc or nặng
    "matf", "caacr", "bacx",
    # ă, â need a final consonant; two tones; numbers
    "aw", "maa", "casf", "500g", "2024", "a0",
    # not letters
    "mật", "nước",
])
def test_tokens_that_are_not_telex_stay_undecoded(keys):
    assert decode(keys) is None


@pytest.mark.parametrize("folded", ["ca", "so", "ba", "tom", "mat", "nuoc", "khoai", "nghieng",
                                    "quyet", "giuong", "xoong", "uyen", "oanh"])
def test_vietnamese_syllables(folded):
    assert is_syllable(folded)


@pytest.mark.parametrize("text", ["nuocmam", "banhphongtom", "farm", "maatj", "khoo", "tomm",
                                  "500g", "dd", "w"])
def test_not_vietnamese_syllables(text):
    assert not is_syllable(text)


@pytest.mark.parametrize(("query", "meant"), [
    ("banhphongtom", "bánh phồng tôm"),
    ("nuocmam", "nước mắm"),
    ("matong", "mật ong"),  # not "ma tong": "mật ong" are neighbours in the catalogue
    ("khoca", "khô cá"),
    ("nuwowcs mawms", "nước mắm"),
    ("maatj ong", "mật ong"),
    ("tooom khoo", "tôm khô"),
    ("nuwowcsmawms", "nước mắm"),  # both at once
    ("BanhPhongTom", "bánh phồng tôm"),
    ("ma8m1 toom", "mắm tôm"),
    ("nuocmam Ngọc Trân", "nước mắm Ngọc Trân"),  # the rest as typed
    ("matonguminh", "mật ong u minh"),  # "u" between neighbours
])
def test_read_decodes_and_splits(query, meant):
    reading = read(query, lambda: CATALOGUE)
    assert reading == Reading(text=meant, folded=meant_folded(meant))


def meant_folded(text: str) -> str:
    from search.typed import fold

    return fold(text).lower()


@pytest.mark.parametrize("query", [
    "farm",  # a word of the catalogue (a shop's name) as typed
    "tomm", "banh phong tomm",  # typos are the search server's fuzziness, not a reading
    "xyzzy", "500g", "iphone",
    "mtt onggg",
])
def test_read_leaves_other_queries_alone(query):
    assert read(query, lambda: CATALOGUE) is None


@pytest.mark.parametrize("query", ["mat ong", "Mật ong", "tom kho rach goc", "ca so ba", "banh phong tom",
                                   "Bánh fồng tôm", "", "  "])
def test_plain_queries_need_no_vocabulary(query):
    def vocabulary():
        raise AssertionError("the vocabulary was loaded")

    assert read(query, vocabulary) is None


def test_the_vocabulary_is_loaded_once_per_query():
    calls = []

    def vocabulary():
        calls.append(1)
        return CATALOGUE

    assert read("nuocmam khoca maatj", vocabulary).text == "nước mắm khô cá mật"
    assert calls == [1]


def test_a_token_is_only_split_into_catalogue_words():
    # "tax" decodes to "tã", which the catalogue does not have
    assert decode("tax") == "tã"
    assert segment("tax", CATALOGUE) is None
    assert read("tax", lambda: CATALOGUE) is None
    # no piece of one letter: "500 g" gives no "g" to split "tomg" with
    assert segment("tomg", CATALOGUE) is None


def test_vocabulary_keeps_the_usual_spelling_and_neighbours():
    vocabulary = Vocabulary.from_texts(["Mật ong", "Mật ong rừng", "Mát lạnh"])
    assert vocabulary.words["mat"] == "mật"
    assert vocabulary.spellings_of("mat") == ["mật", "mát"]
    assert ("mat", "ong") in vocabulary.pairs
    assert ("ong", "mat") not in vocabulary.pairs
    assert ("mật", "ong") in vocabulary.accented_pairs
    assert ("mát", "ong") not in vocabulary.accented_pairs


#: Words of the demo catalogue that the first reader turned English and brand words into:
#: "sở" (Cơ sở), "có" (có tem), "lá" (Nón lá), "ba" (Ba khía), "bó" (combo 3 bó), "mì",
#: "a" and "e" (vitamin A, vitamin E); and "cá" far commoner than "cà" (Cà Mau), "kèo"
#: (cá kèo) than "kẹo", "dưa" (Dưa bồn bồn) than "dừa", "bó" than "bò".
DEMO = Vocabulary.from_texts([
    "Cơ sở Ngọc Giàu", "Cơ sở Yến Khoa", "Cua biển Cà Mau (có tem QR truy xuất)", "Nón lá",
    "Trà lá nhàu", "Ba khía muối", "Mắm ba khía", "Đũa đước – combo 3 bó", "Đũa đước – combo 10 bó",
    "Mì tôm chua", "Viên dầu gấc vitamin E", "Viên dầu gấc vitamin A", "Cà phê Rin",
    "Khô cá kèo", "Khô cá bổi", "Khô cá khoai", "Khô cá thòi lòi", "Cá lóc đồng", "Cá khô",
    "Kẹo dừa Bến Tre", "Dưa bồn bồn", "Dưa bồn bồn – combo 3 hũ", "Khô bò một nắng",
    "Nước mắm Ngọc Trân", "Nước mắm Mạch Long", "Tour 1 ngày Mũi Cà Mau", "Bánh kẹo",
])


@pytest.mark.parametrize("query", [
    "socola",  # was "sở có lá": "so co" and "co la" are no neighbours in the catalogue
    "bar",  # was "bả": the catalogue has "ba", never "bả"
    "box",  # was "bõ": "bó" has another tone
    "mix",  # was "mĩ": the catalogue has "mì"
    "cafe",  # was "cà e": no piece of one letter
    "caa",  # was "cá a"
    "tomca",  # "tôm" and "cá" are no neighbours: no lone word between breaks
    "cacamau",  # "ca" alone before "cà mau"
    "nuocmama",  # a vowel after a break
])
def test_english_and_brand_words_are_not_read(query):
    assert read(query, lambda: DEMO) is None


@pytest.mark.parametrize(("query", "meant"), [
    ("camau", "cà mau"),  # not "cá mau", though "cá" is the commoner "ca"
    ("nuocmamcamau", "nước mắm cà mau"),  # two runs of neighbours: nước mắm | cà mau
    ("keodua", "kẹo dừa"),  # not "kèo dưa"
    ("khobo", "khô bò"),  # not "khô bó"
    ("khoca", "khô cá"),
    ("cuabien", "cua biển"),
    ("mif", "mì"),  # Telex with the catalogue's tone
    ("bar camau", "bar cà mau"),  # an English word next to a reading is kept
    ("nuwowcs mawm", "nước mắm"),  # a mark left out: the catalogue's spelling
    ("vitamina", "vitamin a"),  # a one-letter word inside a run of neighbours
])
def test_accents_follow_the_catalogues_neighbours(query, meant):
    reading = read(query, lambda: DEMO)
    assert reading is not None and reading.text == meant


def test_a_telex_syllable_must_agree_with_the_catalogues_spelling():
    assert decode("bar") == "bả" and decode("box") == "bõ" and decode("mix") == "mĩ"
    assert DEMO.spellings_of("ba", "bả") == []
    assert DEMO.spellings_of("ba", "ba") == ["ba"]
    assert DEMO.spellings_of("mam", "măm") == ["mắm"]
    assert DEMO.spellings_of("ca", "cà") == ["cà"]
    assert DEMO.spellings_of("ca")[0] == "cá"
