"""newroles.lib.tabular: reading uploaded CSV and XLSX files, or saying clearly why not."""

from __future__ import annotations

import datetime as dt

import pytest

from newroles.lib.tabular import TabularError, decode_text, normalise_header, read_table, sniff_delimiter
from newroles.lib.tests.helpers import xlsx


@pytest.mark.parametrize(
    ("header", "key"),
    [("Pay Band", "payband"), ("pay_band", "payband"), (" PAY-BAND ", "payband"), ("ODS code", "odscode")],
)
def test_it_normalises_headers_to_letters_and_digits(header, key):
    assert normalise_header(header) == key


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("name,service\nA,community\n", ","),
        ("name;service\nA;community\n", ";"),
        ("name\tservice\nA\tcommunity\n", "\t"),
        ('name;description\nA;"one, two, three"\n', ";"),
    ],
)
def test_it_sniffs_the_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_it_falls_back_to_comma_when_it_cannot_tell():
    assert sniff_delimiter("just one column\nand another line\n") == ","


def test_it_reads_a_csv_with_row_numbers_from_the_file():
    table = read_table(b"name,service\nA,community\n\nB,crisis\n")
    assert table.headers == ["name", "service"]
    # The header is row 1; the blank line 3 is skipped but still counted.
    assert table.rows == [(2, ["A", "community"]), (4, ["B", "crisis"])]
    assert (table.file_format, table.encoding, table.delimiter) == ("CSV", "UTF-8", ",")


def test_it_pads_short_rows_in_records():
    table = read_table(b"name,service,description\nA,community\n")
    assert table.records() == [(2, {"name": "A", "service": "community", "description": ""})]


def test_it_strips_a_utf8_byte_order_mark():
    table = read_table("\ufeffname,service\nCafé,community\n".encode())
    assert table.headers == ["name", "service"]
    assert table.rows[0][1][0] == "Café"


def test_it_reads_windows_1252():
    table = read_table("name,service\nCafé Olé – North,community\n".encode("cp1252"))
    assert table.encoding == "Windows-1252"
    assert table.rows[0][1][0] == "Café Olé – North"


def test_it_reads_utf16_with_a_byte_order_mark():
    table = read_table("name\tservice\nZoë,community\n".replace(",", "\t").encode("utf-16"))
    assert table.encoding == "UTF-16"
    assert table.rows[0][1] == ["Zoë", "community"]


def test_it_refuses_utf16_without_a_byte_order_mark():
    with pytest.raises(TabularError, match="not readable text"):
        read_table("name,service\nA,community\n".encode("utf-16-le"))


def test_it_refuses_bytes_invalid_in_utf8_and_windows_1252():
    # 0x81 is undefined in Windows-1252 and cannot start a UTF-8 character.
    with pytest.raises(TabularError, match="UTF-8 or Windows-1252") as caught:
        decode_text(b"name,service\nA\x81,community\n")
    assert "byte 15" in str(caught.value)


def test_it_refuses_control_characters():
    with pytest.raises(TabularError, match="control characters"):
        read_table(b"name,service\nA\x07,community\n")


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xef\xbb\xbf\n"])
def test_it_refuses_an_empty_file(data):
    with pytest.raises(TabularError, match="empty"):
        read_table(data)


def test_it_refuses_a_header_only_csv():
    with pytest.raises(TabularError, match="no rows of data"):
        read_table(b"name,service\n")


def test_it_refuses_a_header_only_workbook():
    with pytest.raises(TabularError, match="no rows of data"):
        read_table(xlsx([["name", "service"]]), "teams.xlsx")


@pytest.mark.parametrize("headers", ["name,service,Name", "Team name,service,team_name"])
def test_it_refuses_duplicate_headers(headers):
    with pytest.raises(TabularError, match=r"Columns 1 and 3 have the same name"):
        read_table(f"{headers}\nA,community,B\n".encode())


def test_it_refuses_a_nameless_column():
    with pytest.raises(TabularError, match="Column 2 has no name"):
        read_table(b"name,,service\nA,x,community\n")


def test_it_ignores_trailing_empty_headers():
    assert read_table(b"name,service,,\nA,community,,\n").headers == ["name", "service"]


def test_it_refuses_a_fake_workbook():
    with pytest.raises(TabularError, match="not one"):
        read_table(b"name,service\nA,community\n", "teams.xlsx")


def test_it_refuses_a_broken_workbook():
    with pytest.raises(TabularError, match="could not be opened"):
        read_table(b"PK\x03\x04 this is not really a zip file", "teams.xlsx")


def test_it_reads_a_workbook_by_its_content_not_its_name():
    data = xlsx(
        [
            ["name", "count", "started", "shared", None],
            ["Maple Ward", 12.0, dt.datetime(2024, 4, 1), True, None],
            [None, None, None, None, None],
            ["CMHT North", 3.5, dt.datetime(2024, 4, 1, 9, 30), False, None],
        ],
        extra_sheet=True,
    )
    table = read_table(data, "export.csv")
    assert table.file_format == "XLSX"
    assert table.headers == ["name", "count", "started", "shared"]
    assert table.rows == [
        (2, ["Maple Ward", "12", "2024-04-01", "yes"]),
        (4, ["CMHT North", "3.5", "2024-04-01 09:30:00", "no"]),
    ]
    assert table.notes == ["Only the first sheet ('Teams') was read."]


def test_it_limits_the_number_of_rows():
    data = ("name\n" + "".join(f"team {i}\n" for i in range(5))).encode()
    with pytest.raises(TabularError, match="more than 3 rows"):
        read_table(data, max_rows=3)
    assert len(read_table(data, max_rows=5).rows) == 5


def test_it_reports_an_unreadable_csv_with_its_row():
    huge = "x" * 200_000  # beyond the csv module's field size limit
    with pytest.raises(TabularError, match=r"Row 3: the CSV could not be read"):
        read_table(f"name,service\nA,community\n{huge},crisis\n".encode())
