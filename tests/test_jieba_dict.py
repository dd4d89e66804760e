"""jieba's dictionary read a first character at a time (extractor.language.jieba_dict): the same
words, frequencies and tags as jieba's own, the same cuts, and a cache file that is built once,
rebuilt when damaged or stale, and not needed when it cannot be written."""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import pytest

from extractor.language import jieba_dict as J

ROOT = Path(__file__).resolve().parent.parent
SMALL = "生态 50 n\n生态环境 80 n\n生态环境局 30 nt\n环境 60 n\n保护 70 v\n局 10 n\n"


@pytest.fixture
def small_dict(tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text(SMALL, encoding="utf-8")
    return source


def test_the_shards_hold_jiebas_dictionary():
    """Every word and prefix of jieba's prefix dictionary with its frequency, every POS tag, and the total."""
    import jieba
    import jieba.posseg as pseg

    own = jieba.Tokenizer()
    own.initialize()
    tags = pseg.POSTokenizer(own).word_tag_tab
    file = J.shard_file()
    freq, tag = J.ShardedMap(file, J._FREQ), J.ShardedMap(file, J._TAGS)
    assert file.total == own.total
    assert [w for w, n in own.FREQ.items() if w not in freq or freq[w] != n] == []
    assert [w for w, t in tags.items() if tag.get(w) != t] == []
    assert sum(len(file.shard(c, J._FREQ)) for c in file._index) == len(own.FREQ)
    assert sum(len(file.shard(c, J._TAGS)) for c in file._index) == len(tags)
    assert "不是一个词语的字串" not in freq and freq.get("不是一个词语的字串", 7) == 7


def _sentences() -> list[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora").glob("*.txt")))
    return [s for s in re.split(r"[。；\n]", text) if s.strip()][::3]


def test_the_cuts_are_jiebas():
    """POS cuts with user words added, and plain cuts, equal jieba's own on the corpora's sentences."""
    import jieba
    import jieba.posseg as pseg

    ours, theirs = J.pos_tokenizer(), pseg.POSTokenizer(jieba.Tokenizer())
    for word, tag in (("领导小组办公室", "nt"), ("编制组", "nt"), ("牵头抓总", "v")):
        ours.add_word(word, tag=tag)
        theirs.add_word(word, tag=tag)
    sentences = _sentences() + ["生态环境保护督察办公室要加强督查", "领导小组办公室牵头抓总，编制组负责"]
    assert [list(ours.cut(s)) for s in sentences] == [list(theirs.cut(s)) for s in sentences]
    plain, own = J.tokenizer(), jieba.Tokenizer()
    assert [list(plain.cut(s)) for s in sentences] == [list(own.cut(s)) for s in sentences]


def test_words_added_to_one_tokenizer_stay_there():
    one, other = J.pos_tokenizer(), J.pos_tokenizer()
    one.add_word("某某区河湖长制办公室", tag="nt")
    assert [tuple(p) for p in one.cut("某某区河湖长制办公室负责")][0] == ("某某区河湖长制办公室", "nt")
    assert "某某区河湖长制办公室" not in other.tokenizer.FREQ
    assert [tuple(p) for p in other.cut("某某区河湖长制办公室负责")][0] != ("某某区河湖长制办公室", "nt")


def test_the_file_is_built_once_then_read(small_dict, tmp_path, monkeypatch):
    first = J.shard_file(tmp_path / "cache", small_dict)
    assert len(list((tmp_path / "cache").glob("jieba-*.dict"))) == 1
    assert first.total == 300 and first.shard("生", J._FREQ) == {"生": 0, "生态": 50, "生态环": 0, "生态环境": 80, "生态环境局": 30}
    assert first.shard("生", J._TAGS) == {"生态": "n", "生态环境": "n", "生态环境局": "nt"} and first.shard("水", J._FREQ) == {}

    def no_build(*_):
        raise AssertionError("built again")

    monkeypatch.setattr(J, "build", no_build)
    again = J.shard_file(tmp_path / "cache", small_dict)
    assert again.key == first.key and again.shard("环", J._FREQ) == {"环": 0, "环境": 60}


def test_a_damaged_or_stale_file_is_built_again(small_dict, tmp_path):
    J.shard_file(tmp_path, small_dict)
    [path] = tmp_path.glob("jieba-*.dict")
    path.write_bytes(path.read_bytes()[:-5])  # cut short
    assert J.shard_file(tmp_path, small_dict).shard("保", J._FREQ) == {"保": 0, "保护": 70}
    assert f"{sys.version_info[0]}.{sys.version_info[1]}/" in J._key(small_dict)  # marshal's format is Python's
    path.write_bytes(J.build(small_dict, "made from another dictionary, or by another Python"))
    assert J.shard_file(tmp_path, small_dict).key == J._key(small_dict)
    assert J.ShardFile(path.read_bytes()).key == J._key(small_dict)  # and written again
    small_dict.write_text(SMALL + "督查 20 v\n", encoding="utf-8")  # the dictionary changed
    assert J.shard_file(tmp_path, small_dict).shard("督", J._FREQ) == {"督": 0, "督查": 20}
    assert list(tmp_path.glob("jieba-*.dict")) == [path]  # made again in place: one file, not one per version
    path.write_bytes(b"")
    assert J.shard_file(tmp_path, small_dict).total == 320


def test_an_unwritable_folder_keeps_the_dictionary_in_memory(small_dict, tmp_path):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    file = J.shard_file(blocked / "cache", small_dict)
    assert file.total == 300 and file.shard("局", J._FREQ) == {"局": 10}


def test_a_full_disk_leaves_no_partial_file(small_dict, tmp_path, monkeypatch):
    def full(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    file = J.shard_file(tmp_path / "cache", small_dict)
    assert file.total == 300 and list((tmp_path / "cache").iterdir()) == []


def test_a_bad_dictionary_line_names_the_file_and_line(tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text("生态 50 n\n环境 many n\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dict.txt: line 2"):
        J.build(source, "k")


def test_the_cache_folder_is_absolute(monkeypatch, tmp_path):
    from extractor.files import cache_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "planx"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "planx"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "")
    monkeypatch.setattr(os.path, "expanduser", lambda p: p)  # no home folder at all
    assert cache_folder().is_absolute() and cache_folder().parent == Path(tempfile.gettempdir())


def test_a_file_of_another_user_is_built_again(small_dict, tmp_path, monkeypatch):
    J.shard_file(tmp_path, small_dict)
    built = []
    real = J.build
    monkeypatch.setattr(J, "build", lambda *a: built.append(1) or real(*a))
    monkeypatch.setattr(os, "getuid", lambda: 4242)  # the file now belongs to someone else
    assert J.shard_file(tmp_path, small_dict).total == 300 and built == [1]


def _fresh(code: str) -> str:
    """``code`` run in a new Python process (nothing of jieba imported yet); its stdout."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_posseg_is_imported_without_parsing_the_dictionary_and_cuts_as_ever():
    """The module-level POS tokenizer reads no dict.txt at import (a read would be seen) and gets
    the sharded tags; jieba.posseg.cut then tags as a POS tokenizer made the usual way."""
    out = _fresh(r'''
import re, sys
from pathlib import Path
from extractor.language import jieba_dict as J
J._shared()  # (the cache file, built when absent; not what is measured)
import jieba
reads = []
real = jieba.Tokenizer.get_dict_file
jieba.Tokenizer.get_dict_file = lambda self: reads.append(1) or real(self)
pseg = J._posseg()
jieba.Tokenizer.get_dict_file = real
print("reads", len(reads), "pkg_resources", "pkg_resources" in sys.modules)
print("sharded", type(pseg.dt.word_tag_tab).__name__)
usual = pseg.POSTokenizer(jieba.Tokenizer())
text = "".join(p.read_text(encoding="utf-8") for p in sorted(Path("corpora").glob("*.txt")))
sentences = [s for s in re.split(r"[。；\n]", text) if s.strip()][::7]
print("same", [list(pseg.cut(s)) for s in sentences] == [list(usual.cut(s)) for s in sentences])
print("lcut", jieba.lcut("生态环境保护督察办公室") == usual.tokenizer.lcut("生态环境保护督察办公室"))
''')
    assert out.split("\n")[:4] == ["reads 0 pkg_resources False", "sharded ShardedMap", "same True", "lcut True"]


def test_another_default_dictionary_imports_posseg_as_it_is(tmp_path):
    """With jieba's default tokenizer set to another dictionary, jieba.posseg's tokenizer reads
    that one's tags, as jieba does (the sharded file is only jieba's own dict.txt)."""
    source = tmp_path / "dict.txt"
    source.write_text(SMALL, encoding="utf-8")
    out = _fresh(f'''
from extractor.language import jieba_dict as J
jieba = J._jieba()
jieba.set_dictionary({str(source)!r})
pseg = J._posseg()
print(type(pseg.dt.word_tag_tab).__name__, pseg.dt.word_tag_tab.get("生态环境局"))
''')
    assert out.split() == ["dict", "nt"]


def test_threads_importing_at_once_all_get_the_whole_module():
    """Eight threads asking for a POS tokenizer at once in a new process: each gets one, and each
    cuts as jieba's own."""
    out = _fresh(r'''
import threading
from extractor.language import jieba_dict as J
J._shared()
got, errors = [], []
def ask():
    try:
        got.append(list(J.pos_tokenizer().cut("生态环境局负责")))
    except Exception as e:
        errors.append(repr(e))
threads = [threading.Thread(target=ask) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
import jieba.posseg as pseg
print(errors, len(got), all(g == got[0] for g in got), got[0] == list(pseg.POSTokenizer(__import__("jieba").Tokenizer()).cut("生态环境局负责")))
''')
    assert out.strip() == "[] 8 True True"
