"""Entry point of `make bench`: ``python -m bench [SUITE] [options]``; the default suite is ``compare``.

A suite is a module with ``add_arguments(parser)`` and ``main(args) -> exit code``; add one by
adding a line to ``SUITES``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

SUITES = {
    "compare": "bench.compare",  # mlcatalog beside DataHub Lite, MLflow and raw SQLite
    "load": "bench.load",  # 32+ concurrent mixed clients against one server
    "lineage": "bench.lineage",  # walks over a 1M-edge ML graph
    "search": "bench.search",  # search, autocomplete and indexing cost at scale
    "postgres": "bench.postgres",  # PostgreSQL beside SQLite, one and three servers
}


def main(argv: list[str]) -> int:
    name = argv[0] if argv and argv[0] in SUITES else "compare"
    rest = argv[1:] if argv and argv[0] in SUITES else argv
    suite = importlib.import_module(SUITES[name])
    if hasattr(suite, "add_arguments"):
        parser = argparse.ArgumentParser(prog=f"python -m bench {name}", description=suite.__doc__)
        suite.add_arguments(parser)
        return int(suite.main(parser.parse_args(rest)))
    sys.argv = [f"python -m bench {name}", *rest]  # suites that parse their own command line
    return int(suite.main() or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
