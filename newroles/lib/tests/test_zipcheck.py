"""Zip-based uploads are checked member by member before any parser opens them."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from newroles.lib.documents import DocumentError, sniff_type
from newroles.lib.tabular import TabularError, read_table
from newroles.lib.tests import bombs
from newroles.lib.zipcheck import ZipCheckError, ZipLimits, check_zip, limits_from_settings

LIMITS = ZipLimits(max_members=1000, max_total_bytes=256 * bombs.MIB, max_ratio=100)


class Bounded:
    """Peak Python memory and time of a block, to assert that refusing a bomb costs little of either."""

    def __enter__(self) -> Bounded:
        tracemalloc.start()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        self.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_a_one_megabyte_odt_that_inflates_to_a_gigabyte_is_refused_cheaply():
    bomb = bombs.odt_bomb(1024)
    assert len(bomb) < 1.2 * bombs.MIB
    with Bounded() as cost, pytest.raises(DocumentError, match=r"more than 1\.0 GB once unpacked; the limit is 256 MB"):
        sniff_type(bomb)
    assert cost.peak < 32 * bombs.MIB and cost.seconds < 5


def test_a_member_far_more_compressed_than_documents_are_is_refused():
    bomb = bombs.odt_bomb(200)  # 200 MiB from about 200 KB: under the total, a thousandfold ratio
    with pytest.raises(ZipCheckError, match=r"decompression bomb: its part 'content\.xml'"):
        check_zip(bomb, LIMITS)


def test_a_member_that_lies_about_its_size_is_refused():
    # It declares 1 MiB (with the CRC of that first MiB) but its stream inflates to 300 MiB: a reader that
    # trusted the stream would inflate it all. Nothing but inflating it tells.
    liar = bombs.build([bombs.plain("mimetype", "x", stored=True), bombs.spaces("content.xml", 300,
                                                                                 declared_mebibytes=1)])  # fmt: skip
    with Bounded() as cost, pytest.raises(ZipCheckError, match=r"damaged: its part 'content\.xml'"):
        check_zip(liar, ZipLimits(1000, 10**12, 10**9))
    assert cost.peak < 32 * bombs.MIB


def test_too_many_members_are_refused_before_they_are_listed():
    members = [bombs.plain(f"m{i}.xml", "<a/>") for i in range(1001)]
    with pytest.raises(ZipCheckError, match="holds 1,001 parts; the limit is 1,000"):
        check_zip(bombs.build(members), LIMITS)


def test_a_damaged_or_encrypted_zip_is_refused():
    with pytest.raises(ZipCheckError, match="damaged"):
        check_zip(b"PK\x03\x04 not really a zip", LIMITS)
    data = bytearray(bombs.build([bombs.plain("a.xml", "<a/>" * 100)]))
    data[6] |= 1  # local header: encrypted
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 1
    with pytest.raises(ZipCheckError, match="password"):
        check_zip(bytes(data), LIMITS)


def test_real_documents_and_workbooks_pass(settings):
    workbook = bombs.xlsx_bytes([["Name", "Service type"]] + [[f"Team {i}", "community"] for i in range(50_000)])
    check_zip(workbook, limits_from_settings())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:text>" + "Job description. " * 50_000 + "</office:text>")
    check_zip(buffer.getvalue(), limits_from_settings())


def test_the_limits_are_settings(settings):
    settings.ZIP_MAX_UNCOMPRESSED_BYTES = bombs.MIB
    with pytest.raises(TabularError, match="the limit is 1 MB"):
        read_table(bombs.xlsx_bytes([["Name"]] + [[f"A longer team name {i}"] for i in range(30_000)]), "a.xlsx")


def test_an_xlsx_with_a_gigabyte_of_shared_strings_is_refused_by_the_tabular_reader():
    with Bounded() as cost, pytest.raises(TabularError, match="once unpacked"):
        read_table(bombs.xlsx_bomb(1024), "teams.xlsx", max_rows=50_000)
    assert cost.peak < 32 * bombs.MIB and cost.seconds < 5


def test_a_million_whitespace_rows_count_toward_the_row_limit_and_are_refused_quickly():
    workbook = bombs.blank_rows_xlsx(1_048_575)
    with Bounded() as cost, pytest.raises(TabularError, match="more than 50,000 rows"):
        read_table(workbook, "teams.xlsx", max_rows=50_000)
    assert cost.seconds < 15 and cost.peak < 64 * bombs.MIB


def test_blank_rows_count_toward_the_row_limit_in_a_csv_too():
    data = ("name\nA\n" + "\n" * 10 + "B\n").encode()
    with pytest.raises(TabularError, match="more than 5 rows"):
        read_table(data, max_rows=5)
