#!/usr/bin/env python3
"""ONNX Runtime's synthesis real-time factor for a Piper model on the reference cases, one
thread: the comparison scripts/bench --english prints next to the native engine's figures.
Needs the onnxruntime and numpy packages; narrate itself never uses them.

   python3 scripts/ort-rtf.py MODEL.onnx cases.json
"""
import json
import sys
import time

import numpy as np
import onnxruntime

model, cases_file = sys.argv[1], sys.argv[2]
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = 1
options.inter_op_num_threads = 1
session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
total_audio = total_time = 0.0
for case in json.load(open(cases_file))["cases"]:
    ids = np.array([case["input_ids"]], dtype=np.int64)
    feed = {"input": ids, "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
            "scales": np.array(case["scales"], dtype=np.float32)}
    start = time.perf_counter()
    audio = session.run(None, feed)[0]
    elapsed = time.perf_counter() - start
    seconds = audio.size / 22050
    total_audio += seconds
    total_time += elapsed
    print(f"{case['tag']} {elapsed / seconds:.3f}")
print(f"all {total_time / total_audio:.3f}")
