"""The Polish collation key: pure, locale-free, and ordered like the Polish alphabet."""

import random

from app.common.collation import ALPHABET, MAX_LENGTH, sort_key, text_key

SURNAMES = ["Łukasz", "Lewandowski", "Łęcki", "Lis", "Żak", "Zając", "Źrebiec", "Śliwa", "Sowa"]
EXPECTED = ["Lewandowski", "Lis", "Łęcki", "Łukasz", "Sowa", "Śliwa", "Zając", "Źrebiec", "Żak"]


def test_polish_order_not_code_points():
    shuffled = SURNAMES[:]
    random.Random(4).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == EXPECTED
    assert sorted(SURNAMES) != EXPECTED  # plain code-point order would be wrong


def test_every_letter_of_the_alphabet_in_order():
    letters = list(ALPHABET)
    assert sorted(reversed(letters), key=text_key) == letters
    upper = [c.upper() for c in letters]
    assert sorted(reversed(upper), key=text_key) == upper


def test_case_insensitive_and_unicode_normalised():
    assert sort_key("ŻAK", "ŁUCJA") == sort_key("żak", "łucja")
    assert sort_key("Z\u0307ak") == sort_key("Żak")  # decomposed ż (z + dot above) is still ż


def test_last_name_then_first_name():
    people = [("Nowak", "Zofia"), ("Nowak", "Adam"), ("Nowakowski", "Adam"), ("Nowak", "Ćwikła")]
    assert sorted(people, key=lambda p: sort_key(*p)) == [
        ("Nowak", "Adam"),
        ("Nowak", "Ćwikła"),
        ("Nowak", "Zofia"),
        ("Nowakowski", "Adam"),
    ]


def test_compound_names_and_punctuation():
    names = ["Nowakowska", "Nowak-Kowalska", "Nowak", "Nowak Kowalska", "O'Brien", "Obara"]
    ordered = sorted(names, key=sort_key)
    assert ordered.index("Nowak") < ordered.index("Nowak-Kowalska") < ordered.index("Nowakowska")
    assert sort_key("Nowak-Kowalska") == sort_key("Nowak Kowalska") == sort_key("Nowak  -  Kowalska")
    assert sorted(["Obara", "O'Brien"], key=sort_key) == ["Obara", "O'Brien"]  # apostrophe ignored


def test_foreign_letters_sort_with_their_base_letter():
    assert sorted(["Müller", "Mazur", "Mróz", "Mytnik"], key=sort_key) == ["Mazur", "Mróz", "Müller", "Mytnik"]
    assert sorted(["Éluard", "Ęcka", "Ewa", "Eda"], key=sort_key) == ["Eda", "Éluard", "Ewa", "Ęcka"]
    assert text_key("Straße") == text_key("Strasse")
    # other scripts after the Latin alphabet, and consistently
    assert sorted(["Шевченко", "Żak", "Abel"], key=sort_key) == ["Abel", "Żak", "Шевченко"]


def test_key_is_digits_only_so_every_database_collation_agrees():
    for name in [*SURNAMES, "Müller", "Шевченко", "O'Brien", "Nowak-Kowalska", "3M"]:
        key = sort_key(name, "Łucja")
        assert key.isdigit() and key.isascii()


def test_key_is_bounded():
    assert len(sort_key("Ż" * 400, "Ą" * 400)) == MAX_LENGTH
    assert sort_key("", "") == "00"
