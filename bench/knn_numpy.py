#!/usr/bin/env python3
"""Brute-force k-NN with NumPy: the baseline of the query_knn scenario.

Reads N vectors of D float32 (little-endian) from DATA and Q query vectors from QUERIES, then
answers each query exactly (cosine: rows normalised once up front, as px-kvstore stores them; a
query is normalised per call), timing every call. Prints one JSON line: the median and p90 in
milliseconds and the row numbers of the first query's k nearest, nearest first.
"""
import json
import sys
import time

import numpy as np


def main():
    data_file, queries_file, dims, k, warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    data = np.fromfile(data_file, dtype="<f4").reshape(-1, dims)
    queries = np.fromfile(queries_file, dtype="<f4").reshape(-1, dims)
    data = data / np.linalg.norm(data, axis=1, keepdims=True)
    first = None
    times = []
    for i in range(warm + len(queries)):
        # The same query order as the px-kvstore side: the warm-up calls go through the queries
        # in turn, and the measured calls start again from the first.
        q = queries[(i if i < warm else i - warm) % len(queries)]
        t0 = time.perf_counter()
        qn = q / np.linalg.norm(q)
        scores = data @ qn
        top = np.argpartition(-scores, k)[:k]
        top = top[np.argsort(-scores[top])]
        t1 = time.perf_counter()
        if i >= warm:
            times.append((t1 - t0) * 1000)
            if first is None:
                first = [int(x) for x in top]
    times.sort()
    print(json.dumps({"p50_ms": times[len(times) // 2], "p90_ms": times[int(len(times) * 0.9)], "first": first}))


if __name__ == "__main__":
    main()
