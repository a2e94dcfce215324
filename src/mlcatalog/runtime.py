"""Process-wide tuning for long-running work: the server, bulk imports, search rebuilds."""

from __future__ import annotations

import gc

GC_THRESHOLDS = (10_000, 20, 20)  # CPython's defaults are (700, 10, 10)


def tune_gc() -> None:
    """Put everything loaded so far (the registry's schemas, compiled search paths, imported modules)
    out of the cyclic collector's reach, and collect young objects less often.

    A write batch builds tens of thousands of short-lived dicts and tuples (aspect values, search
    documents, rows); with the defaults the collector ran every 700 of them and its full passes
    re-walked the whole start-up heap, about a tenth of ingest CPU. Little of it is cyclic garbage,
    so collecting less often costs little memory.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
