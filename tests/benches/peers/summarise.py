"""Prints the figures of tests/benches/peers.sh from its results file.

Rows (tab-separated): `generate|build PEER DOCUMENT OURS_US PEER_US`, one per interleaved pair,
`lines TOOL DOCUMENT LINES`, and `lines ours-runtime - LINES` for the runtime crate our
crates share. Per document: the median time of each tool and the median
(min-max) of the pairs' ratios ours/peer; per comparison: the geometric mean of those medians.
"""

import math
import statistics
import sys
from collections import defaultdict

PEERS = {"progenitor": "progenitor", "oag": "OpenAPI Generator"}
FIGURES = {
    "generate": ("generate, whole process", "ms", 1e3, ".1f"),
    "build": ("debug build of the generated crate, dependencies built", "s", 1e6, ".2f"),
}


def main(path):
    pairs = defaultdict(list)  # (figure, peer, document) -> [(ours, peer)]
    lines = defaultdict(dict)  # document -> tool -> lines of Rust
    with open(path, encoding="utf-8") as results:
        for row in results:
            kind, tool, document, *values = row.rstrip("\n").split("\t")
            if kind == "lines":
                lines[document][tool] = int(values[0])
            else:
                pairs[(kind, tool, document)].append(tuple(int(v) for v in values))

    for figure, (title, unit, per_unit, spec) in FIGURES.items():
        for peer, peer_name in PEERS.items():
            documents = sorted(d for (f, p, d) in pairs if f == figure and p == peer)
            if not documents:
                continue
            print(f"\n{title} ({unit}), ours against {peer_name}:")
            print(f"  {'document':<30} {'ours':>8} {peer:>11}   ours/{peer}: median (min-max)")
            medians = []
            for document in documents:
                runs = pairs[(figure, peer, document)]
                ratios = [ours / theirs for ours, theirs in runs]
                ratio = statistics.median(ratios)
                medians.append(ratio)
                ours = statistics.median(o for o, _ in runs) / per_unit
                theirs = statistics.median(t for _, t in runs) / per_unit
                print(
                    f"  {document:<30} {ours:>8{spec}} {theirs:>11{spec}}   "
                    f"{ratio:.3g} ({min(ratios):.3g}-{max(ratios):.3g})"
                )
            mean = math.exp(statistics.fmean(math.log(r) for r in medians))
            print(f"  geometric mean over {len(medians)} documents: ours/{peer} = {mean:.3g}")

    runtime = lines.pop("-", {}).get("ours-runtime")
    print(
        "\nlines of generated Rust, whole crate"
        + (f" (ours without its runtime crate: {runtime} lines, shared)" if runtime else "")
        + ":"
    )
    tools = ("ours", "progenitor", "oag")
    print(f"  {'document':<30} " + " ".join(f"{tool:>11}" for tool in tools))
    for document in sorted(lines):
        counts = [lines[document].get(tool) for tool in tools]
        cells = [f"{c:>11}" if c else f"{'-':>11}" for c in counts]
        print(f"  {document:<30} {' '.join(cells)}")

if __name__ == "__main__":
    main(sys.argv[1])
