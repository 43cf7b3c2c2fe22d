"""The fast-entry parser (a pure function)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from resolvers.fast_entry import parse, parse_line


@pytest.mark.parametrize(
    ("text", "code", "quantity"),
    [
        ("ABC 2", "ABC", "2"),
        ("ABC   12", "ABC", "12"),
        ("ABC\t3", "ABC", "3"),  # pasted from a spreadsheet
        ("ABC;4", "ABC", "4"),
        ("ABC,5", "ABC", "5"),
        ("ABC 2,5", "ABC", "2.5"),  # decimal comma
        ("ABC;2,5", "ABC", "2.5"),
        ("ABC,2,5", "ABC", "2.5"),  # the first comma separates, the second is the decimal comma
        ("ABC\t2,5", "ABC", "2.5"),
        ("ABC 1.25", "ABC", "1.25"),
        ("  ABC ; 7 ;  ", "ABC", "7"),  # spaces around, a trailing separator (spreadsheet export)
        ('"AB-12";"6"', "AB-12", "6"),  # CSV with quoted cells
        ("5400000000017 10", "5400000000017", "10"),
        ("ABC -1", "ABC", "-1"),  # read; refused later as INVALID_QUANTITY
        ("ABC 0", "ABC", "0"),
    ],
)
def test_a_code_and_a_quantity_are_read(text, code, quantity):
    line = parse_line(1, text)
    assert (line.code, line.quantity, line.problem) == (code, Decimal(quantity), None)
    assert line.input == text


@pytest.mark.parametrize("text", ["ABC", "ABC ;", "ABC 2 5", "ABC two", "ABC 2x", "ABC 2,5,1", ";5", "ABC 1e3"])
def test_lines_without_a_single_quantity_are_unreadable(text):
    line = parse_line(3, text)
    assert line.code is None and line.quantity is None
    assert line.problem


def test_blank_lines_are_skipped_but_counted():
    lines = parse("A 1\n\n   \r\nB\t2\r\n\t\nC;3")
    assert [(x.line_number, x.code, x.quantity, x.input) for x in lines] == [
        (1, "A", Decimal(1), "A 1"),
        (4, "B", Decimal(2), "B\t2"),
        (6, "C", Decimal(3), "C;3"),
    ]


def test_empty_text_has_no_lines():
    assert parse("") == [] and parse("\n \n") == []
