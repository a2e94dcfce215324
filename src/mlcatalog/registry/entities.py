"""Entity and aspect specifications, read from the DataHub model shipped in acryl-datahub.

Every entity type comes from a key aspect's ``keyForEntity``/``entityAspects`` annotation, so a
new DataHub entity works as soon as the pinned acryl-datahub version has it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

import avro.schema
from datahub.emitter.serialization_helper import pre_json_transform
from datahub.metadata import schema_classes
from datahub.metadata.urns import Urn

from mlcatalog.errors import InvalidInput, LimitExceeded
from mlcatalog.registry.annotations import AnnotatedPath, annotated_paths
from mlcatalog.registry.form_prompts import newer_form_info_schema
from mlcatalog.registry.lineage import EXTRA_RELATIONSHIPS, LINEAGE_OVERRIDES
from mlcatalog.registry.validation import pegasus_name, validate

MAX_URN_LENGTH = 500  # the URN columns are VARCHAR(500), as on DataHub
PARSED_CACHE_SIZE = 8192  # recently parsed URNs; a get parses the same URN once per request


@dataclass(frozen=True)
class RelationshipPath:
    """One ``@Relationship`` annotation: where the destination URNs sit and what the edge is."""

    path: tuple[str, ...]
    name: str
    entity_types: tuple[str, ...]
    is_lineage: bool
    is_upstream: bool
    # Where an Edge-typed field keeps the edge's own metadata (same element as the destination).
    created_on: tuple[str, ...] | None = None
    created_actor: tuple[str, ...] | None = None
    via: tuple[str, ...] | None = None
    properties: tuple[str, ...] | None = None


@dataclass(frozen=True)
class AspectSpec:
    name: str
    aspect_class: type
    schema: avro.schema.RecordSchema
    is_timeseries: bool

    # Read from the schema's annotations on first use: walking all 270 aspect schemas up front
    # was most of the registry's build time, a tenth of a second of every server start.
    @cached_property
    def relationships(self) -> tuple[RelationshipPath, ...]:
        return tuple(
            _relationship(self.name, found)
            for found in annotated_paths(self.schema, "Relationship")
            if "name" in found.annotation
        ) + tuple(
            RelationshipPath(extra.path, extra.name, extra.entity_types, extra.is_lineage, extra.is_upstream)
            for extra in EXTRA_RELATIONSHIPS
            if extra.aspect == self.name
        )

    @cached_property
    def searchables(self) -> tuple[AnnotatedPath, ...]:
        return tuple(annotated_paths(self.schema, "Searchable"))

    @property
    def fqn(self) -> str:
        """The Pegasus name the rest.li APIs wrap this aspect's value with."""
        return pegasus_name(self.schema)

    def validate(self, value: Any) -> None:
        validate(self.schema, value, self.name)


@dataclass(frozen=True)
class EntitySpec:
    name: str
    key_aspect: str
    aspects: frozenset[str]
    snapshot_fqn: str
    category: str = "core"
    aspect_order: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ParsedUrn:
    urn: str
    entity: EntitySpec
    key_value: dict[str, Any]


class EntityRegistry:
    """Lookups by entity type and aspect name; built once per process."""

    def __init__(self) -> None:
        self.max_urn_length = MAX_URN_LENGTH
        self._parsed: dict[str, ParsedUrn] = {}  # shared by bounded copies: validity does not depend on the bound
        self.aspects: dict[str, AspectSpec] = {
            name: _aspect_spec(name, cls) for name, cls in schema_classes.ASPECT_NAME_MAP.items()
        }
        if "formInfo" in self.aspects:  # accept the prompt types DataHub's newer servers store
            spec = self.aspects["formInfo"]
            self.aspects["formInfo"] = replace(spec, schema=newer_form_info_schema(spec.schema))
        snapshots = _snapshot_names()
        self.entities: dict[str, EntitySpec] = {}
        for entity_name, key_class in schema_classes.KEY_ASPECTS.items():
            info = key_class.RECORD_SCHEMA.get_prop("Aspect") or {}
            key_name = key_class.ASPECT_NAME
            listed = tuple(info.get("entityAspects", []))
            stem = key_class.RECORD_SCHEMA.name.removesuffix("Key")
            default_snapshot = f"com.linkedin.metadata.snapshot.{stem}Snapshot"
            self.entities[entity_name] = EntitySpec(
                name=entity_name,
                key_aspect=key_name,
                aspects=frozenset((key_name, *listed)),
                snapshot_fqn=snapshots.get(entity_name, default_snapshot),
                category=info.get("entityCategory", "core"),
                aspect_order=(key_name, *listed),
            )

    def with_max_urn_length(self, length: int) -> EntityRegistry:
        """The same registry (sharing its specs) with another URN length bound."""
        bounded = copy.copy(self)
        bounded.max_urn_length = min(length, MAX_URN_LENGTH)
        return bounded

    def entity(self, name: str) -> EntitySpec:
        spec = self.entities.get(name) if isinstance(name, str) else None
        if spec is None:
            raise InvalidInput(f"entityType: unknown entity type {name!r}", field="entityType")
        return spec

    def aspect(self, name: str) -> AspectSpec:
        spec = self.aspects.get(name) if isinstance(name, str) else None
        if spec is None:
            raise InvalidInput(f"aspectName: unknown aspect {name!r}", field="aspectName")
        return spec

    def aspect_of(self, entity: EntitySpec, aspect_name: str) -> AspectSpec:
        spec = self.aspect(aspect_name)
        if aspect_name not in entity.aspects:
            raise InvalidInput(
                f"aspectName: aspect {aspect_name!r} does not belong to entity type {entity.name!r}",
                field="aspectName",
            )
        return spec

    def parse_urn(self, urn: str, field_name: str = "urn") -> ParsedUrn:
        """Parse and validate a URN of a registered entity type, deriving its key aspect."""
        if not isinstance(urn, str) or not urn:
            raise InvalidInput(f"{field_name}: a URN string is required", field=field_name)
        if "\x00" in urn:
            raise InvalidInput(f"{field_name}: a URN may not contain NUL (\\u0000)", field=field_name)
        if len(urn) > self.max_urn_length:
            raise LimitExceeded(
                f"{field_name}: URN of {len(urn)} characters exceeds max_urn_length={self.max_urn_length} "
                "(MLCATALOG_MAX_URN_LENGTH)",
                field=field_name,
            )
        known = self._parsed.get(urn)
        if known is not None:  # parsing and key validation cost ~0.1 ms; callers get their own key dict
            return ParsedUrn(known.urn, known.entity, dict(known.key_value))
        found = self._parse_new(urn, field_name)
        if len(self._parsed) >= PARSED_CACHE_SIZE:
            self._parsed.clear()
        self._parsed[urn] = found
        return ParsedUrn(found.urn, found.entity, dict(found.key_value))

    def _parse_new(self, urn: str, field_name: str) -> ParsedUrn:
        try:
            parsed = Urn.from_string(urn)
        except Exception as exc:  # the SDK raises several exception types for bad URNs
            raise InvalidInput(f"{field_name}: malformed URN {urn!r}: {exc}", field=field_name) from exc
        # Not parsed.entity_type: VersionSetUrn has a key field of that name (the versioned entity's type).
        entity_type = getattr(type(parsed), "ENTITY_TYPE", None) or parsed.entity_type
        if entity_type not in self.entities:
            raise InvalidInput(f"{field_name}: unknown entity type {entity_type!r} in URN {urn!r}", field=field_name)
        entity = self.entities[entity_type]
        try:
            key_value = _key_value(parsed, entity)
            self.aspects[entity.key_aspect].validate(key_value)
        except InvalidInput as exc:
            raise InvalidInput(f"{field_name}: invalid URN {urn!r}: {exc.message}", field=field_name) from exc
        except Exception as exc:  # avro raises on key parts it cannot encode (e.g. a bad FabricType)
            reason = self._key_problem(parsed, entity)
            raise InvalidInput(f"{field_name}: invalid URN {urn!r}: {reason}", field=field_name) from exc
        return ParsedUrn(urn=str(parsed), entity=entity, key_value=key_value)

    def _key_problem(self, parsed: Urn, entity: EntitySpec) -> str:
        """Name the URN part that breaks the key schema (the SDK's own error does not say)."""
        schema = self.aspects[entity.key_aspect].schema
        parts = dict(zip((f.name for f in schema.fields), parsed.entity_ids, strict=False))
        try:
            validate(schema, parts, entity.key_aspect)
        except InvalidInput as exc:
            return exc.message
        return f"its parts do not fit {entity.key_aspect}"


def _key_value(parsed: Urn, entity: EntitySpec) -> dict[str, Any]:
    to_key = getattr(parsed, "to_key_aspect", None)
    if to_key is None:
        raise InvalidInput(f"urn: cannot derive a key for entity type {entity.name!r}", field="urn")
    return pre_json_transform(to_key().to_obj())


def _aspect_spec(name: str, cls: type) -> AspectSpec:
    return AspectSpec(
        name=name,
        aspect_class=cls,
        schema=cls.RECORD_SCHEMA,  # type: ignore[attr-defined]
        is_timeseries=cls.get_aspect_type() == "timeseries",  # type: ignore[attr-defined]
    )


def _relationship(aspect: str, found: AnnotatedPath) -> RelationshipPath:
    annotation = found.annotation
    override = LINEAGE_OVERRIDES.get((aspect, found.path))

    def meta_path(key: str) -> tuple[str, ...] | None:
        raw = annotation.get(key)
        return tuple(part for part in raw.split("/") if part) if isinstance(raw, str) else None

    return RelationshipPath(
        path=found.path,
        name=annotation["name"],
        entity_types=tuple(annotation.get("entityTypes", ())),
        is_lineage=override.is_lineage if override else bool(annotation.get("isLineage", False)),
        is_upstream=override.is_upstream if override else bool(annotation.get("isUpstream", True)),
        created_on=meta_path("createdOn"),
        created_actor=meta_path("createdActor"),
        via=meta_path("via"),
        properties=meta_path("properties"),
    )


def _snapshot_names() -> dict[str, str]:
    names = {}
    for attr in dir(schema_classes):
        if attr.endswith("SnapshotClass"):
            schema = getattr(schema_classes, attr).RECORD_SCHEMA
            entity = (schema.get_prop("Entity") or {}).get("name")
            if entity:
                names[entity] = pegasus_name(schema)
    return names


@cache
def get_registry() -> EntityRegistry:
    return EntityRegistry()
