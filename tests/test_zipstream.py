"""The workbook's zip writer (extractor/writers/zipstream.py): what it writes, read back by zipfile."""
from __future__ import annotations

import random
import struct
import zipfile
import zlib

import pytest

from extractor.writers import zipstream
from extractor.writers.zipstream import ZipStream


def _members(seed: int) -> dict[str, list[bytes]]:
    """Members of made content, each in pieces: empty, tiny, repetitive XML, random bytes, CJK text."""
    rng = random.Random(seed)
    xml = "".join(f'<row><c t="inlineStr"><is><t>指标{i}：{rng.random()}</t></is></c></row>' for i in range(3000))
    return {
        "[Content_Types].xml": [b""],
        "_rels/.rels": [b"<a/>"],
        "xl/worksheets/sheet1.xml": [xml.encode("utf-8")[i:i + 7919] for i in range(0, len(xml.encode("utf-8")), 7919)],
        "xl/media/noise.bin": [rng.randbytes(rng.randrange(1, 70000)) for _ in range(5)],
        "xl/名称.xml": ["表格 第二部分".encode("utf-8"), b"", "。".encode("utf-8") * 1000],
    }


def _write(path, members: dict[str, list[bytes]]) -> None:
    z = ZipStream(path)
    for name, pieces in members.items():
        if len(pieces) == 1:
            z.writestr(name, pieces[0])
        else:
            z.open(name)
            for piece in pieces:
                z.write(piece)
            z.close()
    z.finish()


def _local_headers(data: bytes, infos: list[zipfile.ZipInfo]) -> list[tuple[int, int, int]]:
    """Each member's local header as written: (CRC, uncompressed size, compressed size) from its ZIP64 extra."""
    out = []
    for info in infos:
        at = info.header_offset
        assert data[at:at + 4] == b"PK\x03\x04"
        crc, = struct.unpack_from("<L", data, at + 14)
        assert struct.unpack_from("<2L", data, at + 18) == (0xFFFFFFFF, 0xFFFFFFFF)
        name_len, extra_len = struct.unpack_from("<2H", data, at + 26)
        tag, size, uncompressed, compressed = struct.unpack_from("<2H2Q", data, at + 30 + name_len)
        assert (tag, size, extra_len) == (1, 16, 20)
        out.append((crc, uncompressed, compressed))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_members_read_back_whole_with_their_headers(tmp_path, seed):
    members = _members(seed)
    path = tmp_path / "book.zip"
    _write(path, members)
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert z.namelist() == list(members)
        for name, pieces in members.items():
            assert z.read(name) == b"".join(pieces)
        infos = z.infolist()
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
    assert _local_headers(path.read_bytes(), infos) == [(i.CRC, i.file_size, i.compress_size) for i in infos]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    _write(tmp_path / "again.zip", members)
    assert (tmp_path / "again.zip").read_bytes() == path.read_bytes()  # the same members, the same file
    sheet = next(i for i in infos if i.filename.endswith("sheet1.xml"))
    assert sheet.compress_size < sheet.file_size / 3  # deflated, not stored


def test_zip64_records_where_values_pass_the_limits(tmp_path, monkeypatch):
    """Offsets, sizes and counts beyond the 32/16-bit fields (here: limits lowered) go to the ZIP64
    extra fields and end records, which zipfile reads back."""
    monkeypatch.setattr(zipstream, "_FITS32", 1000)
    monkeypatch.setattr(zipstream, "_FITS16", 3)
    members = _members(7)
    path = tmp_path / "big.zip"
    _write(path, members)
    data = path.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    end64 = data.index(b"PK\x06\x06")  # the ZIP64 end record, then its locator, then the plain one
    assert struct.unpack_from("<4sLQL", data, eocd - 20) == (b"PK\x06\x07", 0, end64, 1)
    assert struct.unpack_from("<Q2H2L2Q", data, end64 + 4) == (44, 45, 45, 0, 0, len(members), len(members))
    count, total, size, start = struct.unpack_from("<2H2L", data, eocd + 8)
    assert (count, total, start) == (0xFFFF, 0xFFFF, 0xFFFFFFFF)  # too large for the plain record
    assert size == eocd - 56 - 20 - data.index(b"PK\x01\x02")  # the central directory's size, which fits
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        assert {n: z.read(n) for n in z.namelist()} == {n: b"".join(p) for n, p in members.items()}
        assert [i.file_size for i in z.infolist()] == [sum(map(len, p)) for p in members.values()]


def test_zlib_deflates_where_isal_is_missing(tmp_path, monkeypatch):
    monkeypatch.setattr(zipstream, "deflater", lambda: (zlib, 1))
    members = _members(3)
    _write(tmp_path / "z.zip", members)
    with zipfile.ZipFile(tmp_path / "z.zip") as z:
        assert z.testzip() is None and z.read("xl/worksheets/sheet1.xml") == b"".join(members["xl/worksheets/sheet1.xml"])


def test_isal_is_the_deflater_when_installed():
    pytest.importorskip("isal")
    module, level = zipstream.deflater()
    assert module.__name__ == "isal.isal_zlib" and level == 2


def test_misuse_is_refused(tmp_path):
    z = ZipStream(tmp_path / "x.zip")
    with pytest.raises(ValueError):
        z.write(b"no member open")
    z.open("a")
    with pytest.raises(ValueError):
        z.open("b")
    with pytest.raises(ValueError):
        z.finish()
    z.close()
    z.finish()
    with zipfile.ZipFile(tmp_path / "x.zip") as read:
        assert read.namelist() == ["a"] and read.read("a") == b""
