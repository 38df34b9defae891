#!/usr/bin/env python3
"""Write the Markdown summary of a benchmark results directory.

Usage: report.py suite DIR     (results of bench/run.sh)
       report.py buffers DIR   (results of bench/buffers.sh)

Times come from hyperfine's JSON exports, DIR/times/INPUT.PLACEMENT.roundK.G.json
for hyperfine invocation G of round K.  A median pools the runs of every
round.  A ratio divides two such medians.  Its range, the lowest and
highest ratio of the per-round medians, shows how much the shared machine
moved the figure.
"""

import csv
import glob
import json
import os
import statistics
import sys

PLACEMENTS = ["ext4", "tmpfs", "ext4-to-tmpfs"]
PLACEMENT_TITLES = {
    "ext4": "ext4 → ext4",
    "tmpfs": "tmpfs → tmpfs",
    "ext4-to-tmpfs": "ext4 → tmpfs",
}
BASELINE = "cp --reflink=never"
# Row order of the tables: the order of bench/run.sh and bench/buffers.sh.
TOOL_ORDER = [
    "fcopy auto", "fcopy stream", "fcopy whole", "fcopy buffered",
    "fcopy -b 4096", "fcopy -b 128K", "cp --reflink=never", "cp", "cat",
    "dd bs=4096", "dd bs=128K", "fcopy loop", "cat loop", "cp loop",
    "-b 4K", "-b 16K", "-b 64K", "-b 128K", "-b 256K", "-b 512K", "-b 1M", "-b 4M",
]


def read_tsv(path):
    """Return the rows of a tab-separated file, or [] if it is missing."""
    if not os.path.exists(path):
        return []
    with open(path, newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t") if row]


class Times:
    """Run times in seconds per (input, placement, command) and per round."""

    def __init__(self, directory):
        # (input, placement) -> round -> command -> times
        self.rounds = {}
        self.order = {}
        pattern = os.path.join(directory, "times", "*.round*.json")
        for path in sorted(glob.glob(pattern)):
            input_name, placement, round_name, _ = os.path.basename(path).split(".", 3)
            with open(path) as handle:
                results = json.load(handle)["results"]
            rounds = self.rounds.setdefault((input_name, placement), {})
            commands = rounds.setdefault(int(round_name[len("round"):]), {})
            order = self.order.setdefault((input_name, placement), [])
            for result in results:
                commands[result["command"]] = result["times"]
                if result["command"] not in order:
                    order.append(result["command"])

    def has(self, input_name, placement, command):
        return command in self.order.get((input_name, placement), [])

    def commands(self, input_name, placement):
        """Return the commands in the order of TOOL_ORDER, then as measured."""
        measured = self.order.get((input_name, placement), [])
        return sorted(measured, key=lambda c: (TOOL_ORDER.index(c) if c in TOOL_ORDER
                                               else len(TOOL_ORDER), measured.index(c)))

    def round_times(self, input_name, placement, command):
        """Return {round: times} for one command."""
        rounds = self.rounds.get((input_name, placement), {})
        return {k: v[command] for k, v in rounds.items() if command in v}

    def median(self, input_name, placement, command):
        """Return the median over all rounds, or None if not measured."""
        rounds = self.round_times(input_name, placement, command)
        if not rounds:
            return None
        return statistics.median([t for times in rounds.values() for t in times])

    def ratio(self, input_name, placement, command, reference):
        """Return (ratio of medians, lowest round ratio, highest round ratio)."""
        mine = self.round_times(input_name, placement, command)
        theirs = self.round_times(input_name, placement, reference)
        if not mine or not theirs:
            return None
        ratio = (self.median(input_name, placement, command)
                 / self.median(input_name, placement, reference))
        per_round = [statistics.median(mine[k]) / statistics.median(theirs[k])
                     for k in sorted(mine) if k in theirs]
        return ratio, min(per_round), max(per_round)


def format_seconds(seconds):
    """Format a time with 3 significant digits in ms or s."""
    if seconds is None:
        return "–"
    if seconds >= 1:
        return f"{seconds:.3g} s"
    return f"{seconds * 1000:.3g} ms"


def format_ratio(ratio, digits=2):
    if ratio is None:
        return "–"
    value, low, high = ratio
    if low == high:
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ({low:.2f}–{high:.2f})"


def table(header, rows):
    """Return a Markdown table as a list of lines."""
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def time_table(times, input_name, reference, placements=PLACEMENTS, first_header="tool"):
    """Return a table of medians and ratios to REFERENCE per placement."""
    commands = []
    for placement in placements:
        for command in times.commands(input_name, placement):
            if command not in commands:
                commands.append(command)
    header = [first_header]
    for placement in placements:
        header += [f"{PLACEMENT_TITLES[placement]} median", "ratio"]
    rows = []
    for command in commands:
        row = [f"`{command}`"]
        for placement in placements:
            row.append(format_seconds(times.median(input_name, placement, command)))
            row.append(format_ratio(times.ratio(input_name, placement, command, reference)))
        rows.append(row)
    return table(header, rows)


class Targets:
    """Verdicts of the performance targets, as rows of the targets table."""

    def __init__(self):
        self.rows = []

    def check(self, target, where, value, limit, display=None):
        """Record whether VALUE ≤ LIMIT, shown as DISPLAY (default: VALUE).

        A missing VALUE is recorded as 'not measured'.
        """
        if value is None:
            verdict = "not measured"
            display = "–"
        else:
            verdict = "met" if value <= limit else "**missed**"
            if display is None:
                display = f"{value:.2f}"
        self.rows.append([target, where, display, verdict])

    def check_ratio(self, target, where, ratio, limit):
        value = None if ratio is None else ratio[0]
        # Three decimals, so that a ratio just over the limit does not show as equal.
        self.check(target, where, value, limit, format_ratio(ratio, 3))

    def lines(self):
        return table(["target", "where", "measured", "verdict"], self.rows)


def faster_reference(times, input_name, placement, candidates):
    """Return the candidate command with the lowest median."""
    measured = [(times.median(input_name, placement, c), c) for c in candidates
                if times.has(input_name, placement, c)]
    return min(measured)[1] if measured else None


def suite_targets(directory, times, inputs):
    targets = Targets()
    large = ["64MiB", "1GiB"]

    for name in large:
        for placement in ("ext4", "tmpfs"):
            reference = faster_reference(times, name, placement, ["cp", "cat"])
            where = f"{name}, {PLACEMENT_TITLES[placement]}"
            if reference:
                where += f" (vs `{reference}`)"
            targets.check_ratio(
                "`fcopy auto` ≤ 1.0 × faster of `cp` and `cat`", where,
                times.ratio(name, placement, "fcopy auto", reference) if reference else None,
                1.0)
    for name in large:
        targets.check_ratio("`fcopy auto` ≤ 0.9 × `cp`",
                            f"{name}, ext4 → tmpfs",
                            times.ratio(name, "ext4-to-tmpfs", "fcopy auto", "cp"), 0.9)

    # Only dense inputs: on the sparse one cp skips the holes while a read/write
    # loop of any tool writes every byte, so the ratio measures sparseness.
    dense = [row[0] for row in inputs if row[0] != "source-blocks"
             and not row[0].startswith(("files", "sparse"))]
    for command, references in (("fcopy -b 4096", ["dd bs=4096"]),
                                ("fcopy -b 128K", ["dd bs=128K", BASELINE])):
        for reference in references:
            for name in dense:
                for placement in PLACEMENTS:
                    targets.check_ratio(
                        f"`{command}` ≤ 1.0 × `{reference}`",
                        f"{name}, {PLACEMENT_TITLES[placement]}",
                        times.ratio(name, placement, command, reference), 1.0)

    for placement in PLACEMENTS:
        targets.check_ratio("`fcopy whole` ≤ 1.3 × `cp --reflink=never`",
                            f"64MiB, {PLACEMENT_TITLES[placement]}",
                            times.ratio("64MiB", placement, "fcopy whole", BASELINE), 1.3)

    memory = {(row[0], row[1]): int(row[2]) for row in
              read_tsv(os.path.join(directory, "memory.tsv")) if row[2].isdigit()}
    limits = {
        "fcopy whole": 64 * 1024 + 2048,
        "fcopy auto": 128 + 2048,
        "fcopy stream": 128 + 2048,
        "fcopy buffered": 128 + 2048,
        "fcopy -b 128K": 128 + 2048,
        "fcopy -b 4096": 4 + 2048,
    }
    for command, limit in limits.items():
        for placement in PLACEMENTS:
            value = memory.get((placement, command))
            targets.check(f"`{command}` peak memory ≤ {limit} KiB",
                          f"64MiB, {PLACEMENT_TITLES[placement]}", value, limit,
                          None if value is None else f"{value} KiB")

    syscalls = {(row[0], row[1]): int(row[2]) for row in
                read_tsv(os.path.join(directory, "syscalls.tsv")) if row[2].isdigit()}
    for placement in PLACEMENTS:
        value = syscalls.get((placement, "fcopy auto"))
        targets.check("`fcopy auto` ≤ 40 system calls", f"4KiB, {PLACEMENT_TITLES[placement]}",
                      value, 40, None if value is None else str(value))
    instructions = {row[0]: int(row[1].replace(",", "")) for row in
                    read_tsv(os.path.join(directory, "instructions.tsv"))
                    if row[1].replace(",", "").isdigit()}
    value = instructions.get("fcopy auto")
    targets.check("`fcopy auto` ≤ 135,000 instructions", "4KiB, ext4 → ext4", value, 135000,
                  None if value is None else f"{value:,}")

    files = [row[0] for row in inputs if row[0].startswith("files")]
    for name in files:
        for placement in PLACEMENTS:
            targets.check_ratio("one `fcopy` per file ≤ 1.0 × one `cat` per file",
                                f"{name}, {PLACEMENT_TITLES[placement]}",
                                times.ratio(name, placement, "fcopy loop", "cat loop"), 1.0)

    sparse = [row[0] for row in inputs if row[0].startswith("sparse")]
    source_blocks = {row[1]: int(row[2]) for row in inputs if row[0] == "source-blocks"}
    outputs = {(row[0], row[1], row[2]): int(row[4]) for row in
               read_tsv(os.path.join(directory, "outputs.tsv"))}
    for name in sparse:
        for placement in PLACEMENTS:
            value = outputs.get((name, placement, "fcopy auto"))
            limit = source_blocks.get(placement)
            targets.check("`fcopy auto` blocks ≤ source blocks",
                          f"{name}, {PLACEMENT_TITLES[placement]}",
                          value, limit if limit is not None else -1,
                          None if value is None else f"{value} (source {limit})")
            targets.check_ratio("`fcopy auto` ≤ 1.0 × `cp`",
                                f"{name}, {PLACEMENT_TITLES[placement]}",
                                times.ratio(name, placement, "fcopy auto", "cp"), 1.0)
    return targets


def machine_lines(directory):
    rows = read_tsv(os.path.join(directory, "machine.tsv"))
    return table(["", ""], [[key, value] for key, value, *_ in rows])


def per_placement_table(rows, value_header, first_header="tool"):
    """Return a table of tool rows with one value column per placement."""
    values = {}
    tools = []
    for placement, tool, *rest in rows:
        if tool not in tools:
            tools.append(tool)
        values[(placement, tool)] = rest
    header = [first_header] + [f"{PLACEMENT_TITLES[p]} {value_header}" for p in PLACEMENTS]
    body = []
    for tool in tools:
        row = [f"`{tool}`"]
        for placement in PLACEMENTS:
            rest = values.get((placement, tool))
            row.append("–" if rest is None else " / ".join(rest))
        body.append(row)
    return table(header, body)


def suite(directory):
    times = Times(directory)
    inputs = read_tsv(os.path.join(directory, "inputs.tsv"))
    out = ["# fcopy benchmark results", "", "## Machine", ""]
    out += machine_lines(directory)

    out += ["", "## Targets", ""]
    out += suite_targets(directory, times, inputs).lines()

    out += ["", "## Copy times", "",
            f"Median wall time; ratio = median / median of `{BASELINE}` "
            "(in brackets: lowest–highest ratio of the rounds).", ""]
    for row in inputs:
        name = row[0]
        if name == "source-blocks" or name.startswith("files"):
            continue
        out += [f"### {name}: {row[2]}", ""]
        out += time_table(times, name, BASELINE)
        out.append("")

    for row in inputs:
        if row[0].startswith("files"):
            out += [f"### {row[0]}: {row[2]}", "", "Ratio to `cat loop`.", ""]
            out += time_table(times, row[0], "cat loop")
            out.append("")

    outputs = read_tsv(os.path.join(directory, "outputs.tsv"))
    sparse = [row for row in outputs if row[0].startswith("sparse")]
    if sparse:
        source = {row[1]: row[2] for row in inputs if row[0] == "source-blocks"}
        out += ["## Allocated blocks of the sparse copy", "",
                "512-byte blocks (`stat -c %b`); source: "
                + ", ".join(f"{PLACEMENT_TITLES[p]} {source.get(p, '–')}"
                            for p in PLACEMENTS) + ".", ""]
        out += per_placement_table([[r[1], r[2], r[4]] for r in sparse], "blocks")
        out.append("")

    different = [row for row in outputs if row[5] == "DIFFERENT"]
    out += ["## Content check", ""]
    if different:
        out += ["fcopy output that differs from its source:", ""]
        out += table(["input", "placement", "tool", "size", "blocks"],
                     [row[:5] for row in different])
    else:
        checked = sum(1 for row in outputs if row[5] == "identical")
        out.append(f"All {checked} fcopy outputs are identical to their sources (cmp).")
    out.append("")

    out += ["## System calls of a 4 KiB copy to a new DEST", "",
            "`strace -f -c`: calls / failed calls.  For `cat`, bench/run.sh opens DEST "
            "before strace starts, so that `openat` is not counted.", ""]
    out += per_placement_table(read_tsv(os.path.join(directory, "syscalls.tsv")), "calls")

    out += ["", "## Peak memory of a 64 MiB copy", "",
            "Maximum resident set size in KiB (`/usr/bin/time -v`).", ""]
    out += per_placement_table(read_tsv(os.path.join(directory, "memory.tsv")), "KiB")

    out += ["", "## Instructions of a 4 KiB copy to a new DEST (ext4)", "",
            "User-space instructions (`valgrind --tool=callgrind`, Ir); "
            "the kernel's are not counted.", ""]
    out += table(["tool", "instructions"],
                 [[f"`{row[0]}`", row[1]] for row in
                  read_tsv(os.path.join(directory, "instructions.tsv"))])
    out.append("")
    print("\n".join(out))


def buffers(directory):
    times = Times(directory)
    inputs = read_tsv(os.path.join(directory, "inputs.tsv"))
    name = inputs[0][0]
    placements = [p for p in PLACEMENTS if times.commands(name, p)]
    out = ["# fcopy buffer size results", "", "## Machine", ""]
    out += machine_lines(directory)
    out += ["", f"## `-s buffered -b N`, {name}: {inputs[0][2]}", "",
            "Median wall time; ratio = median / median of `-b 128K` "
            "(in brackets: lowest–highest ratio of the rounds).", ""]
    out += time_table(times, name, "-b 128K", placements, "buffer")
    memory = read_tsv(os.path.join(directory, "memory.tsv"))
    if memory:
        out += ["", "## Peak memory", "",
                "Maximum resident set size in KiB (`/usr/bin/time -v`).", ""]
        out += per_placement_table(memory, "KiB", "buffer")
    out.append("")
    print("\n".join(out))


def main(argv):
    if len(argv) != 3 or argv[1] not in ("suite", "buffers"):
        sys.exit("usage: report.py suite|buffers DIR")
    if argv[1] == "suite":
        suite(argv[2])
    else:
        buffers(argv[2])


if __name__ == "__main__":
    main(sys.argv)
