"""Character-level prose diff for Chinese text (diff-match-patch with semantic clean-up)."""
from __future__ import annotations

Ops = list[tuple[int, str]]  # (-1 deleted / 0 kept / 1 inserted, text)


def char_diff(old: str, new: str) -> Ops:
    """Character-level edit script, cleaned up to human-sized chunks."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0.5
    ops = dmp.diff_main(old or "", new or "")
    dmp.diff_cleanupSemantic(ops)
    return [(int(op), text) for op, text in ops]


def changed_regions(ops: Ops) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Offsets of what was deleted from the old text and inserted into the new one.

    A pure deletion is an empty interval in the new text (and vice versa)."""
    old_regions, new_regions = [], []
    i = j = 0
    for op, text in ops:
        if op == 0:
            i += len(text)
            j += len(text)
        elif op < 0:
            old_regions.append((i, i + len(text)))
            new_regions.append((j, j))
            i += len(text)
        else:
            new_regions.append((j, j + len(text)))
            old_regions.append((i, i))
            j += len(text)
    return old_regions, new_regions
