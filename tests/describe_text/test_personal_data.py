"""find_personal_data: each kind found where it is, and ordinary text left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accessshare.describe.text import PERSONAL_DATA_KINDS, PersonalData, TextLine, find_personal_data, luhn_valid

POSITIVES = [
    ("Call +44 20 7946 0958 today", "phone", "+44 20 7946 0958"),
    ("Tel: 020 7946 0958", "phone", "020 7946 0958"),
    ("mobile 07700 900123", "phone", "07700 900123"),
    ("(555) 123-4567", "phone", "(555) 123-4567"),
    ("555-123-4567", "phone", "555-123-4567"),
    ("Call 1-800-555-0199", "phone", "1-800-555-0199"),
    ("+1 415.555.2671", "phone", "+1 415.555.2671"),
    ("write to jane.doe+shop@example.co.uk", "email", "jane.doe+shop@example.co.uk"),
    ("Card 4111 1111 1111 1111", "card-number", "4111 1111 1111 1111"),
    ("5500-0000-0000-0004", "card-number", "5500-0000-0000-0004"),
    ("378282246310005", "card-number", "378282246310005"),
    ("IBAN GB82 WEST 1234 5698 7654 32", "account-number", "GB82 WEST 1234 5698 7654 32"),
    ("DE89370400440532013000", "account-number", "DE89370400440532013000"),
    ("Account no: 12345678", "account-number", "12345678"),
    ("Acct # 0012-3456-78", "account-number", "0012-3456-78"),
    ("12 Main Street", "street-address", "12 Main Street"),
    ("221B Baker St", "street-address", "221B Baker St"),
    ("Flat 3, 10 Downing Street, London", "street-address", "10 Downing Street"),
    ("1600 Pennsylvania Avenue NW", "street-address", "1600 Pennsylvania Avenue"),
    ("DOB 01/02/1990", "birth-date", "DOB 01/02/1990"),
    ("D.O.B. 1990-02-01", "birth-date", "D.O.B. 1990-02-01"),
    ("born 3 March 1985", "birth-date", "born 3 March 1985"),
    ("Date of birth: March 3, 1985", "birth-date", "Date of birth: March 3, 1985"),
]

NEGATIVES = [
    "Region-based segmentation",
    "Open daily 7am - 6pm",
    "Price 12.99",
    "Total 1,234.56",
    "1999 - 2024",
    "Page 12 of 30",
    "Meeting on 12/03/2024",
    "2024-01-01",
    "ISBN 978-0-306-40615-7",
    "4111 1111 1111 1112",  # fails the Luhn check
    "0000 0000 0000 0000",  # passes Luhn but is no card
    "I walked 3 miles down the road",
    "the 3 little pigs",
    "email me at home",
    "user@localhost",
    "Best before 03 2026",
    "Expires 12/27",
]


@pytest.mark.parametrize(("line", "kind", "text"), POSITIVES)
def test_each_kind_is_found(line, kind, text):
    assert PersonalData(kind, text) in find_personal_data([line])


@pytest.mark.parametrize("line", NEGATIVES)
def test_ordinary_text_is_left_alone(line):
    assert find_personal_data([line]) == []


def test_a_card_number_is_not_also_a_phone_number():
    assert find_personal_data(["4111 1111 1111 1111"]) == [PersonalData("card-number", "4111 1111 1111 1111")]


def test_several_lines_and_text_lines_are_accepted():
    found = find_personal_data([TextLine("jane@example.com", 0.9, (0, 0, 1, 1)), "nothing here", "DOB 01/02/1990"])
    assert [p.kind for p in found] == ["email", "birth-date"]


def test_luhn():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=5))
def test_never_crashes_on_arbitrary_text(lines):
    for item in find_personal_data(lines):
        assert item.kind in PERSONAL_DATA_KINDS
        assert any(item.text in line for line in lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789 -+()./:@abcDOBStreet", max_size=120), max_size=4))
def test_never_crashes_on_digit_heavy_text(lines):
    for item in find_personal_data(lines):
        assert item.kind in PERSONAL_DATA_KINDS
