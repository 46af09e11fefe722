"""Toned-pinyin error counts for ASR-judge results (run by scripts/zh-eval --pinyin in the
comparison venv that has pypinyin).

Reads JSON lines {"ref": ..., "hyp": ...} (the judge's normalized texts) on stdin and writes one
JSON line {"errors": N, "syllables": M} per input: the edit distance between the two texts
read as toned pinyin syllables. A character Whisper wrote as a homophone of the one spoken
(诗篇 → 视片 is a tone error, 拟定 → 拟订 none) counts here only when the sounds differ, so this
rate is what the voice said wrong, not what the judge's language model spelled differently.
"""
import json
import sys

from pypinyin import Style, lazy_pinyin


def syllables(text):
    return lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True)


def edit_distance(a, b):
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


for line in sys.stdin:
    pair = json.loads(line)
    ref, hyp = syllables(pair["ref"]), syllables(pair["hyp"])
    print(json.dumps({"errors": edit_distance(ref, hyp), "syllables": len(ref)}))
