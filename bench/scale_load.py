"""Loading ``bench.scale_data`` units through the servers' batch ingest, from several client processes.

Work is cut into chunks of ``batch_units`` units (one ``ingestProposalBatch`` request each, under
the server's 1,000-proposal limit); ``clients`` processes take chunks as they free up and send
chunk ``k`` to server ``k mod len(servers)``, so several servers share the load. Every finished
chunk is appended to a checkpoint file, so a run stopped half way resumes where it stopped
(writes are idempotent: an unchanged value makes no new version).
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.scale_data import aspects_in, entities_in, unit_proposals

RETRIES = 3
_session: requests.Session | None = None


@dataclass(frozen=True)
class Chunk:
    start: int
    stop: int
    server: str

    @property
    def key(self) -> str:
        return f"{self.start} {self.stop}"


@dataclass
class LoadResult:
    servers: int
    entities: int = 0  # entities in the units this phase covered (some may come from a resumed run)
    aspects: int = 0
    sent_entities: int = 0  # sent by this run, in ``seconds``
    seconds: float = 0.0

    @property
    def entities_per_s(self) -> float:
        return self.sent_entities / self.seconds if self.seconds else 0.0


def _post(chunk: Chunk) -> Chunk:
    """Runs in a client process: one batch request, retried on a transient failure."""
    global _session
    _session = _session or requests.Session()
    proposals = [p for m in range(chunk.start, chunk.stop) for p in unit_proposals(m, "bench-scale", int(time.time() * 1000))]
    for attempt in range(RETRIES):
        try:
            reply = _session.post(f"{chunk.server}/aspects", params={"action": "ingestProposalBatch"},
                                  json={"proposals": proposals}, timeout=600)  # fmt: skip
            if reply.status_code < 500:
                reply.raise_for_status()
                return chunk
            error = f"{reply.status_code}: {reply.text[:300]}"
        except requests.ConnectionError as exc:
            error = str(exc)
        time.sleep(2**attempt)
    raise RuntimeError(f"units {chunk.start}-{chunk.stop} failed {RETRIES} times; last: {error}")


def _unit_count(chunk: Chunk) -> tuple[int, int]:
    """Entities and aspects of the units in ``chunk``, counting each group once (its first unit)."""
    return entities_in(chunk.stop) - entities_in(chunk.start), aspects_in(chunk.stop) - aspects_in(chunk.start)


def load_units(
    start: int, stop: int, servers: list[str], clients: int, batch_units: int, checkpoint: Path, label: str
) -> LoadResult:
    """Load units ``start..stop-1``, skipping chunks ``checkpoint`` says are done; prints progress."""
    done = set(checkpoint.read_text().splitlines()) if checkpoint.exists() else set()
    bounds = [(s, min(s + batch_units, stop)) for s in range(start, stop, batch_units)]
    chunks = [Chunk(s, e, servers[k % len(servers)]) for k, (s, e) in enumerate(bounds)]
    result = LoadResult(len(servers), entities_in(stop) - entities_in(start), aspects_in(stop) - aspects_in(start))
    todo = [c for c in chunks if c.key not in done]
    if len(todo) < len(chunks):
        print(f"  {label}: resuming, {len(chunks) - len(todo)} of {len(chunks)} chunks already loaded", file=sys.stderr)
    total = sum(_unit_count(c)[0] for c in todo)
    started = last_report = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(clients) as pool, checkpoint.open("a") as log:
        for chunk in pool.imap_unordered(_post, todo):
            log.write(chunk.key + "\n")
            log.flush()
            result.sent_entities += _unit_count(chunk)[0]
            now = time.perf_counter()
            if now - last_report >= 15 or result.sent_entities == total:
                rate = result.sent_entities / (now - started)
                left = total - result.sent_entities
                print(f"  {label}: {result.sent_entities:,} entities in {now - started:,.0f} s, {rate:,.0f}/s, "
                      f"about {left / rate if rate else 0:,.0f} s left", file=sys.stderr, flush=True)  # fmt: skip
                last_report = now
    result.seconds = time.perf_counter() - started
    return result
