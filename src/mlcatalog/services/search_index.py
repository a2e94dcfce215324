"""The search index as a DerivedIndex: one document per entity, from its aspects' ``@Searchable`` paths.

Each aspect write marks the entity; just before the transaction commits, the entity's document is
rebuilt once from all its latest aspects, so a search right after a write's response sees it.
Where a value lands follows the annotation: ``boostScore`` >= 5 goes to the name band, other
default-queried text to the description band, URNs (as their readable id), custom properties and
low boosts to the third band; every value is also a filter field under ``fieldName``, its
``fieldNameAliases`` and ``hasValuesFieldName``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from mlcatalog.registry.entities import EntityRegistry, ParsedUrn
from mlcatalog.services import structured
from mlcatalog.services.derived import AspectChange
from mlcatalog.services.proposals import Proposal
from mlcatalog.services.search_extract import NUMERIC_TYPES, Extractor, compile_searchables
from mlcatalog.store.base import AspectRecord, SearchDocument, SearchField, WriteTransaction

# Display-name candidates, best first (properties aspects name things better than keys).
NAME_FIELDS = ("name", "displayName", "fullName", "_entityName", "id", "ldap")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[^\W_]+")


class SearchIndex:
    def __init__(self, registry: EntityRegistry) -> None:
        self.registry = registry
        self._extractors: dict[str, tuple[Extractor, ...]] = {}  # per aspect name; () for timeseries/unknown

    def extractors(self, aspect: str) -> tuple[Extractor, ...]:
        found = self._extractors.get(aspect)
        if found is None:
            spec = self.registry.aspects.get(aspect)
            found = () if spec is None or spec.is_timeseries else compile_searchables(spec.searchables)
            self._extractors[aspect] = found
        return found

    def aspect_changed(self, tx: WriteTransaction, change: AspectChange) -> None:
        target = change.target
        tx.defer(("search", target.urn), lambda: self._reindex(tx, target))
        if structured.soft_delete_toggled(change):  # the holders' documents drop (or regain) its values
            for urn in structured.holders_of(tx, target.urn):
                holder = self.registry.parse_urn(urn)
                tx.defer(("search", urn), lambda holder=holder: self._reindex(tx, holder))

    def entity_deleted(self, tx: WriteTransaction, target: ParsedUrn) -> None:
        tx.defer(("search", target.urn), lambda: tx.delete_search_document(target.urn))

    def batch_finished(self, tx: WriteTransaction, changes: list[AspectChange]) -> list[Proposal] | None:
        return None  # documents are rebuilt by the deferred actions, once per entity, just before commit

    def _reindex(self, tx: WriteTransaction, target: ParsedUrn) -> None:
        aspects = tx.latest_aspects(target.urn)
        values = aspects.get(structured.ASPECT)
        hidden = structured.soft_deleted_among(tx, values.value) if values else frozenset()
        document = self.document(target.urn, aspects, hidden, target)
        if document is None:
            tx.delete_search_document(target.urn)
        else:
            tx.put_search_document(document)

    def document(
        self,
        urn: str,
        aspects: dict[str, AspectRecord],
        hidden: frozenset[str] = frozenset(),
        target: ParsedUrn | None = None,
    ) -> SearchDocument | None:
        """The index document for an entity, or None when it has no key aspect (it does not exist).
        ``hidden``: structured properties whose definition is soft-deleted; their values are left out.
        ``target``: the parsed URN when the caller has it (parsing is a noticeable share of a write)."""
        if target is None:
            try:
                target = self.registry.parse_urn(urn)
            except Exception:  # rows of URNs the registry no longer accepts are not searchable
                return None
        if target.entity.key_aspect not in aspects:
            return None
        builder = _Builder()
        for name, record in sorted(aspects.items()):  # aspect order, so a rebuild writes the same text as ingest
            for extractor in self.extractors(name):
                builder.add(extractor, record.value)
        builder.add_extras(target, aspects, hidden)
        removed = bool((aspects.get("status") and aspects["status"].value.get("removed")) or False)
        return builder.build(target, removed, max(r.created_on for r in aspects.values()))


class _Builder:
    def __init__(self) -> None:
        self.bands: dict[str, list[str]] = {"name": [], "desc": [], "other": []}
        self.fields: list[SearchField] = []
        self.names: dict[str, str] = {}

    def add(self, extractor: Extractor, document: dict[str, Any]) -> None:
        values = extractor.get(document)
        if not values:
            return
        if extractor.has_values:
            self.fields.append(SearchField(extractor.has_values, "true"))
        names, field_type = extractor.names, extractor.field_type
        for value in values:
            self._add_value(names, field_type, value)
            if extractor.naming and isinstance(value, str):
                for name in names:
                    self.names.setdefault(name, value)
        if extractor.band is not None:
            self._add_text(extractor, values)

    def _add_value(self, names: tuple[str, ...] | list[str], field_type: str, value: Any) -> None:
        fields = self.fields
        if isinstance(value, str):  # the common case first
            num = _to_float(value) if field_type in NUMERIC_TYPES else None
            if len(names) == 1:
                fields.append(SearchField(names[0], value, num))
            else:
                fields.extend([SearchField(name, value, num) for name in names])
        elif isinstance(value, tuple):  # (key, value) of a map
            key, inner = value
            for name in names:
                fields.append(SearchField(name, f"{key}={inner}"))
                fields.append(SearchField(f"{name}.{key}", str(inner)))
        elif isinstance(value, bool):
            fields.extend(SearchField(name, "true" if value else "false") for name in names)
        elif isinstance(value, (int, float)):
            fields.extend(SearchField(name, str(value), float(value)) for name in names)

    def _add_text(self, extractor: Extractor, values: list[Any]) -> None:
        words = []
        for value in values:
            if isinstance(value, tuple):
                words.append(f"{value[0]} {value[1]}")
            elif isinstance(value, str):
                words.append(urn_label(value) if extractor.is_urn else value)
        if extractor.band == "name":
            band = self.bands["name"]
            for word in words:
                text = name_words(word)
                if text not in band:  # a key aspect and a properties aspect often carry the same name
                    band.append(text)
                    self.fields.append(SearchField("_exactName", " ".join(_WORD.findall(word.lower()))))
        else:
            self.bands[extractor.band or "other"].extend(words)

    def add_extras(self, target: ParsedUrn, aspects: dict[str, AspectRecord], hidden: frozenset[str]) -> None:
        """Fields DataHub derives outside the annotations: key platform, owner types, structured properties;
        and owners' ids as low-weight full text (DataHub only filters on owners)."""
        platform = target.key_value.get("platform")
        if isinstance(platform, str):
            self.fields.append(SearchField("platform", platform))
        ownership = aspects.get("ownership")
        for owner in ownership.value.get("owners", []) if ownership else []:
            self.bands["other"].append(name_words(urn_label(str(owner.get("owner", "")))))  # "maria" finds hers
            for kind in (owner.get("type"), owner.get("typeUrn")):
                if kind:
                    self.fields.append(SearchField("ownerTypes", kind))
                    self.fields.append(SearchField(f"owners.{kind}", owner.get("owner", "")))
        values = aspects.get("structuredProperties")
        for prop in values.value.get("properties", []) if values else []:
            if prop.get("propertyUrn") in hidden:
                continue
            qualified = str(prop.get("propertyUrn", "")).removeprefix("urn:li:structuredProperty:")
            for item in prop.get("values", []):
                for raw in item.values():
                    for field in {f"structuredProperties.{qualified}", f"structuredProperties.{qualified.replace('.', '_')}"}:
                        if isinstance(raw, str) and (millis := date_millis(raw)) is not None:
                            self.fields.append(SearchField(field, raw, millis))  # dates filter by range too
                        else:
                            self._add_value([field], "COUNT" if isinstance(raw, int | float) else "KEYWORD", raw)
                    self.bands["other"].append(str(raw))
        paths = aspects.get("browsePathsV2")
        if paths:
            ids = [entry.get("urn") or entry.get("id", "") for entry in paths.value.get("path", [])]
            self.fields.append(SearchField("browsePathV2", "".join(f"\u241f{i}" for i in ids)))

    def build(self, target: ParsedUrn, removed: bool, last_modified: int) -> SearchDocument:
        self.fields.append(SearchField("removed", "true" if removed else "false"))
        name = next((self.names[f] for f in NAME_FIELDS if self.names.get(f)), None)
        return SearchDocument(
            urn=target.urn,
            entity_type=target.entity.name,
            name=name,
            removed=removed,
            last_modified=last_modified,
            name_text=" ".join(self.bands["name"]),
            desc_text=" ".join(self.bands["desc"]),
            other_text=" ".join(self.bands["other"]),
            fields=tuple(self.fields),
        )


def date_millis(value: str) -> float | None:
    """Epoch milliseconds of a ``YYYY-MM-DD`` date (UTC midnight), so date values compare in ranges."""
    if len(value) != 10 or value[4] != "-":
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return float(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def _to_float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def urn_label(value: str) -> str:
    """The readable part of a URN (``urn:li:tag:nlp`` → ``nlp``), for full text."""
    if not value.startswith("urn:li:"):
        return value
    rest = value.split(":", 3)[-1]
    return rest.strip("()").replace(",", " ")


def name_words(value: str) -> str:
    """Names as plain words, so both backends tokenize them alike: ``fraud-detection_v2`` → ``fraud detection v2``,
    ``FraudDetector`` → ``FraudDetector Fraud Detector``."""
    words = _WORD.findall(value)
    if not _CAMEL.search(value):  # the common case: nothing to split
        return " ".join(words)
    camel = [part for word in words if _CAMEL.search(word) for part in (word, *_CAMEL.sub(" ", word).split())]
    return " ".join(camel + [w for w in words if not _CAMEL.search(w)])
