#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Plot bench-coherence's per-epoch cut traffic: DIR/coherence-epochs.csv ->
DIR/coherence-cut.png (one panel per workload at n=256, k=8 and k=4).
usage: plot.py [DIR [DPI]]"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

d = sys.argv[1] if len(sys.argv) > 1 else "."
rows = list(csv.DictReader(open(f"{d}/coherence-epochs.csv")))
workloads = ["clustered", "random", "pipeline"]
series = [("rr_cut", "round-robin"), ("engine_cross", "engine (decided the epoch before)"),
          ("metis_cut", "METIS (oracle, same epoch)"), ("scotch_cut", "Scotch (oracle, same epoch)")]
fig, axes = plt.subplots(2, 3, figsize=(16, 8), sharex=True)
for row_i, k in enumerate(("8", "4")):
    for col, wl in enumerate(workloads):
        ax = axes[row_i][col]
        sel = [r for r in rows if r["workload"] == wl and r["n"] == "256" and r["k"] == k]
        ep = [int(r["epoch"]) for r in sel]
        for key, label in series:
            ax.plot(ep, [int(r[key]) / 1e3 for r in sel], label=label)
        ax.set_title(f"{wl}, 256 vertices, k={k}")
        ax.set_ylabel("cross-CPU kB per epoch")
        ax.set_ylim(bottom=0)
        if row_i == 1:
            ax.set_xlabel("epoch")
axes[0][0].legend(fontsize=8)
fig.tight_layout()
fig.savefig(f"{d}/coherence-cut.png", dpi=int(sys.argv[2]) if len(sys.argv) > 2 else 100)
print(f"wrote {d}/coherence-cut.png")
