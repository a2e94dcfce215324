"""moto in server mode on 127.0.0.1, with SageMaker's four lineage list calls answered (empty).

``python -m tests.support.moto_launcher PORT``. DataHub's SageMaker source starts by listing lineage
actions, artifacts, contexts and associations; moto 5 does not implement those and would fail the
run, so they are added here as empty listings (an account with lineage tracking unused). Everything
else is moto unchanged.
"""

from __future__ import annotations

import sys

from moto import server
from moto.core.responses import ActionResult
from moto.sagemaker.responses import SageMakerResponse

_LISTINGS = {
    "list_actions": "ActionSummaries",
    "list_artifacts": "ArtifactSummaries",
    "list_contexts": "ContextSummaries",
    "list_associations": "AssociationSummaries",
}


def _empty(key: str):  # type: ignore[no-untyped-def]
    def listing(self: SageMakerResponse) -> ActionResult:
        return ActionResult({key: []})

    return listing


def main(port: str) -> None:
    for action, key in _LISTINGS.items():
        if not hasattr(SageMakerResponse, action):
            setattr(SageMakerResponse, action, _empty(key))
    server.main(["-H", "127.0.0.1", "-p", port])


if __name__ == "__main__":
    main(sys.argv[1])
