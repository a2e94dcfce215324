"""Tables of figures and ratios, the targets verdict, and the RESULTS.md section for one size."""

from __future__ import annotations

import math
import re
from pathlib import Path

from bench.measure import Figure, Results

SUBJECT = "mlcatalog"
METRICS = [
    "ingest batch",
    "ingest batch rest.li",
    "ingest batch OpenAPI",
    "ingest single emit",
    "get entity p50",
    "get entity p99",
    "get aspect p50",
    "get aspect p99",
    "search p50",
    "search p99",
    "relationships p50",
    "relationships p99",
    "lineage 3-hop p50",
    "lineage 3-hop p99",
    "cold start",
    "cold start (loaded db)",
    "server RSS idle",
    "server RSS after load",
    "database size",
]


def advantage(ours: Figure, theirs: Figure) -> float:
    """How many times better mlcatalog is: above 1 better, below 1 worse, whatever the unit."""
    if ours.value == 0 or theirs.value == 0:
        return math.nan
    return ours.value / theirs.value if ours.higher_is_better else theirs.value / ours.value


def _cell(value: Figure | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value.unit == "aspects/s":
        return f"{value.value:,.0f} aspects/s"
    if value.unit == "ms":
        return f"{value.value:.3f} ms" if value.value < 1 else f"{value.value:.2f} ms"
    if value.unit == "s":
        return f"{value.value:.2f} s"
    return f"{value.value:.1f} {value.unit}"


def _ratio_cell(ours: Figure | str | None, theirs: Figure | str | None) -> str:
    if not isinstance(ours, Figure) or not isinstance(theirs, Figure):
        return ""
    found = advantage(ours, theirs)
    if math.isnan(found):
        return ""
    if found >= 1:
        return f"{found:,.1f}x better" if found < 100 else f"{found:,.0f}x better"
    return f"{1 / found:,.1f}x worse" if found > 0.01 else f"{1 / found:,.0f}x worse"


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def figures_table(results: dict[str, Results]) -> str:
    systems = list(results)
    rows = []
    for metric in METRICS:
        cells = [_cell(results[system].get(metric)) for system in systems]
        if any(cells):
            rows.append([metric, *cells])
    return _markdown(["metric", *systems], rows)


def ratios_table(results: dict[str, Results]) -> str:
    others = [system for system in results if system != SUBJECT]
    ours = results.get(SUBJECT, {})
    rows = []
    for metric in METRICS:
        cells = [_ratio_cell(ours.get(metric), results[other].get(metric)) for other in others]
        if any(cells):
            rows.append([metric, *cells])
    return _markdown(["mlcatalog vs", *others], rows)


def _value(results: dict[str, Results], system: str, metric: str) -> float | None:
    found = results.get(system, {}).get(metric)
    return found.value if isinstance(found, Figure) else None


def targets(results: dict[str, Results]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target of issue 11; met is None when not measurable."""

    def check(name: str, measured: float | None, goal: float, below: bool, unit: str) -> tuple[str, str, bool | None]:
        if measured is None:
            return name, "n/a", None
        return name, f"{measured:,.2f}{unit}", measured < goal if below else measured >= goal

    ingest = _value(results, SUBJECT, "ingest batch")
    found = [check("ingest ≥ 3,000 aspects/s", ingest, 3000, False, " aspects/s")]
    for other, factor in (("DataHub Lite", 5), ("MLflow", 20)):
        theirs = _value(results, other, "ingest batch")
        ratio = ingest / theirs if ingest and theirs else None
        found.append(check(f"ingest ≥ {factor}x {other}", ratio, factor, False, "x"))
    found += [
        check("get p50 < 3 ms", _value(results, SUBJECT, "get entity p50"), 3, True, " ms"),
        check("search p50 < 10 ms", _value(results, SUBJECT, "search p50"), 10, True, " ms"),
        check("search p99 < 50 ms", _value(results, SUBJECT, "search p99"), 50, True, " ms"),
        check("server RSS after load < 250 MB", _value(results, SUBJECT, "server RSS after load"), 250, True, " MB"),
        check("cold start < 2 s", _value(results, SUBJECT, "cold start"), 2, True, " s"),
    ]
    return found


def targets_table(results: dict[str, Results]) -> str:
    verdict = {True: "met", False: "MISSED", None: "not measured"}
    return _markdown(["target", "mlcatalog", "verdict"], [[n, m, verdict[ok]] for n, m, ok in targets(results)])


def notes(results: dict[str, Results]) -> str:
    lines: list[str] = []
    for system, figures in results.items():
        for metric in METRICS:
            found = figures.get(metric)
            line = f"- {system}, {metric.removesuffix(' p50').removesuffix(' p99')}: {getattr(found, 'note', '')}"
            if isinstance(found, Figure) and found.note and line not in lines:
                lines.append(line)
    return "\n".join(lines)


def section(size: int, header: str, results: dict[str, Results]) -> str:
    return "\n\n".join(
        [
            f"<!-- size {size} -->\n## N = {size:,} model groups",
            header,
            "### Figures",
            figures_table(results),
            "### mlcatalog compared with each alternative",
            ratios_table(results),
            "### Targets",
            targets_table(results),
            "### How each figure was taken",
            notes(results),
        ]
    )


def write_results(path: Path, size: int | str, body: str, preamble: str) -> None:
    """Replace one section of RESULTS.md (a size of ``bench compare``, or a named suite's) and keep the rest.

    Sections start with ``<!-- size N -->`` or ``<!-- NAME -->``; sizes come first, in order.
    """
    sections: dict[str, str] = {}
    if path.exists():
        for match in re.finditer(r"<!-- ([\w ]+) -->.*?(?=<!-- [\w ]+ -->|\Z)", path.read_text(), re.DOTALL):
            sections[match.group(1)] = match.group(0).strip()
    sections[f"size {size}" if isinstance(size, int) else size] = body.strip()

    def order(key: str) -> tuple[int, int, str]:
        return (0, int(key[5:]), "") if key.startswith("size ") and key[5:].isdigit() else (1, 0, key)

    path.write_text(preamble.strip() + "\n\n" + "\n\n".join(sections[key] for key in sorted(sections, key=order)) + "\n")
