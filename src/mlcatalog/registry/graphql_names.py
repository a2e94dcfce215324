"""DataHub's GraphQL ``EntityType`` enum values for entity type names (``mlModelGroup`` -> ``MLMODEL_GROUP``).

The SDK has this mapping in its graph client module, whose import pulls in the whole HTTP client
stack (requests, httpx, rich, telemetry): about 0.2 s of server start-up for one string function.
"""

from __future__ import annotations

import re
from functools import cache

# Names where DataHub's enum does not follow the camelCase -> UPPER_SNAKE rule.
_IRREGULAR = {
    "corpuser": "CORP_USER",
    "mlModel": "MLMODEL",
    "mlModelGroup": "MLMODEL_GROUP",
    "mlFeatureTable": "MLFEATURE_TABLE",
    "mlFeature": "MLFEATURE",
    "mlPrimaryKey": "MLPRIMARY_KEY",
}
_BOUNDARY = re.compile(r"(?<=.)(?=[A-Z])")


@cache
def graphql_entity_type(entity_type: str) -> str:
    """The enum value the SDK sends and expects for ``entity_type``."""
    if entity_type in _IRREGULAR:
        return _IRREGULAR[entity_type]
    value = _BOUNDARY.sub("_", entity_type).upper()
    return value.removeprefix("DATA_HUB_")
