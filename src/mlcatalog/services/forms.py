"""Forms: the ``forms`` aspect of each assigned entity follows its writes, in the same transaction.

A hook on the derived-index seam. After a batch it recomputes, for every entity the batch touched (and every
entity of a form whose prompts or dynamic assignment changed), which forms apply — explicit assignments kept
in the entity's ``forms`` aspect plus forms whose ``dynamicFormAssignment`` filter matches the entity — and
which prompts are complete. Changes are returned as follow-up proposals, so they commit with the write.
"""

from __future__ import annotations

from typing import Any

from mlcatalog.registry.entities import EntityRegistry, ParsedUrn
from mlcatalog.services import form_prompts
from mlcatalog.services.derived import AspectChange
from mlcatalog.services.proposals import Proposal
from mlcatalog.store.base import AspectRecord, WriteTransaction

FORMS = "forms"
FORM_INFO = "formInfo"
DYNAMIC = "dynamicFormAssignment"
EXPLICIT_KEY = "explicitForms"
ENTITY_TYPE_PREFIX = "urn:li:entityType:datahub."
SKIPPED_TYPES = {"form", "structuredProperty", "dataHubExecutionRequest"}


class FormTracker:
    def __init__(self, key_aspects: dict[str, str], documented: dict[str, tuple[str, ...]] | None = None) -> None:
        self.key_aspects = key_aspects  # entity type -> key aspect, to list candidates of a dynamic form
        self.documented = documented or {}  # entity type -> aspects whose description answers a DOCUMENTATION prompt

    def aspect_changed(self, tx: WriteTransaction, change: AspectChange) -> None:
        return None

    def entity_deleted(self, tx: WriteTransaction, target: ParsedUrn) -> None:
        return None

    def batch_finished(self, tx: WriteTransaction, changes: list[AspectChange]) -> list[Proposal] | None:
        touched: dict[str, str] = {}
        changed_forms: set[str] = set()
        for change in changes:
            if change.spec.name in {FORM_INFO, DYNAMIC}:
                changed_forms.add(change.target.urn)
            elif change.target.entity.name not in SKIPPED_TYPES and _may_affect_forms(change):
                touched[change.target.urn] = change.target.entity.name
        if not changed_forms and (not touched or not tx.latest_of_aspect(FORM_INFO)):
            return None  # no form exists: one cheap query per batch, not one per entity
        dynamic = self._dynamic_forms(tx)
        for form in changed_forms:
            touched.update(self._members(tx, form, dynamic.get(form)))
        now, actor = (changes[0].now_ms, changes[0].actor) if changes else (0, "")
        return [p for urn, kind in sorted(touched.items()) if (p := self._settle(tx, urn, kind, dynamic, now, actor))]

    def _dynamic_forms(self, tx: WriteTransaction) -> dict[str, dict[str, Any]]:
        return {r.urn: r.value.get("filter") or {} for r in tx.latest_of_aspect(DYNAMIC)}

    def _members(self, tx: WriteTransaction, form: str, filter: dict[str, Any] | None) -> dict[str, str]:
        found = {r.urn: r.urn.split(":")[2] for r in tx.latest_of_aspect(FORMS) if form in _form_urns(r.value)}
        if filter:
            for kind, key_aspect in self.key_aspects.items():
                if kind not in SKIPPED_TYPES and _type_may_match(filter, kind):
                    found.update({r.urn: kind for r in tx.latest_of_aspect(key_aspect)})
        return found

    def _settle(
        self, tx: WriteTransaction, urn: str, kind: str, dynamic: dict[str, dict], now: int, actor: str
    ) -> Proposal | None:
        """Assigned forms = explicit ones + forms without a rule + forms whose rule matches now; a form
        held only by its rule is unassigned when the entity stops matching (as DataHub's rule runner does)."""
        current_record = tx.latest(urn, FORMS)
        current = current_record.value if current_record else None
        if current is None and not dynamic:
            return None  # nothing assigned and no rule could assign anything: the common case, kept cheap
        aspects = {name: (rec.value if (rec := tx.latest(urn, name)) else None) for name in FACET_ASPECTS}
        held = _form_urns(current)
        explicit = explicit_forms(current_record, dynamic) & held
        matched = {f for f, flt in dynamic.items() if matches(flt, urn, kind, aspects)}
        forms = explicit | matched | {f for f in held if f not in dynamic}
        if not forms and not held:
            return None
        facts = _Facts(tx, urn, aspects, self.documented.get(kind, ()))
        wanted = completion(tx, sorted(forms), current, facts, now, actor)
        marker = with_explicit(current_record, explicit)
        if wanted == current and marker == _properties(current_record):
            return None
        return Proposal(urn, FORMS, value=wanted, system_metadata={"properties": marker}, label="form completion")


FACET_ASPECTS = ("structuredProperties", "ownership", "domains", "globalTags", "glossaryTerms", "container", "subTypes")


class _Facts:
    """One entity's aspects as prompts read them: the facet aspects already loaded, others on demand."""

    def __init__(self, tx: WriteTransaction, urn: str, aspects: dict[str, Any], documented: tuple[str, ...]) -> None:
        self.tx, self.urn, self.aspects, self.documented = tx, urn, dict(aspects), documented

    def aspect(self, name: str) -> dict[str, Any] | None:
        if name not in self.aspects:
            record = self.tx.latest(self.urn, name)
            self.aspects[name] = record.value if record else None
        return self.aspects[name]  # type: ignore[no-any-return]

    def lookup(self, urn: str, name: str) -> dict[str, Any] | None:
        record = self.tx.latest(urn, name)
        return record.value if record else None

    def satisfies(self, prompt: dict[str, Any]) -> bool:
        return form_prompts.satisfied(prompt, self.aspect, self.documented, self.lookup)


def completion(
    tx: WriteTransaction,
    forms: list[str],
    current: dict[str, Any] | None,
    facts: _Facts,
    now: int,
    actor: str,
) -> dict[str, Any]:
    """The ``forms`` aspect: each form's prompts split into complete and incomplete; verified when complete."""
    stamps = {
        (assoc.get("urn"), prompt.get("id")): prompt
        for key in ("incompleteForms", "completedForms")
        for assoc in (current or {}).get(key) or []
        for prompt in assoc.get("completedPrompts") or []
    }
    old_verifications = {v.get("form"): v for v in (current or {}).get("verifications") or []}
    result: dict[str, Any] = {"incompleteForms": [], "completedForms": [], "verifications": []}
    for form in forms:
        info_record = tx.latest(form, FORM_INFO)
        info = info_record.value if info_record else {}
        done, missing, required_missing = [], [], False
        for prompt in info.get("prompts") or []:
            if facts.satisfies(prompt):
                stamp = {"time": now, "actor": actor or "urn:li:corpuser:__datahub_system"}
                done.append(stamps.get((form, prompt["id"])) or {"id": prompt["id"], "lastModified": stamp})
            else:
                missing.append({"id": prompt["id"], "lastModified": {"time": now, "actor": actor}})
                required_missing = required_missing or bool(prompt.get("required"))
        complete = not required_missing
        key = "completedForms" if complete else "incompleteForms"
        result[key].append({"urn": form, "incompletePrompts": missing, "completedPrompts": done})
        if complete and info.get("type") == "VERIFICATION":
            result["verifications"].append(
                old_verifications.get(form) or {"form": form, "lastModified": {"time": now, "actor": actor}}
            )
    if current:  # keep unchanged timestamps of still-incomplete prompts so a no-op write changes nothing
        previous = {
            (a.get("urn"), p.get("id")): p
            for key in ("incompleteForms", "completedForms")
            for a in current.get(key) or []
            for p in a.get("incompletePrompts") or []
        }
        for key in ("incompleteForms", "completedForms"):
            for assoc in result[key]:
                assoc["incompletePrompts"] = [previous.get((assoc["urn"], p["id"]), p) for p in assoc["incompletePrompts"]]
    return result


def matches(filter: dict[str, Any], urn: str, kind: str, aspects: dict[str, Any]) -> bool:
    """A DataHub ``Filter`` (or of ands) evaluated on one entity's facets, as DataHub's form assignment does."""
    facets = _facets(urn, kind, aspects)
    return any(all(_criterion_holds(c, facets) for c in group.get("and") or []) for group in filter.get("or") or [])


def _criterion_holds(criterion: dict[str, Any], facets: dict[str, set[str]]) -> bool:
    field = str(criterion.get("field", "")).removesuffix(".keyword")
    wanted = set(criterion.get("values") or ([criterion["value"]] if criterion.get("value") else []))
    have = facets.get(field, set())
    if field in {"_entityType", "entityType"}:
        wanted = {_type_key(w) for w in wanted}
    hit = bool(have & wanted)
    return not hit if criterion.get("negated") else hit


def _facets(urn: str, kind: str, aspects: dict[str, Any]) -> dict[str, set[str]]:
    def get(name: str) -> dict[str, Any]:
        return aspects.get(name) or {}

    platform = urn.split("(", 1)[1].split(",", 1)[0] if "(urn:li:dataPlatform:" in urn else ""
    return {
        "_entityType": {_type_key(kind)},
        "platform": {platform} if platform else set(),
        "domains": set(get("domains").get("domains") or []),
        "owners": {o.get("owner") for o in get("ownership").get("owners") or []},
        "tags": {t.get("tag") for t in get("globalTags").get("tags") or []},
        "glossaryTerms": {t.get("urn") for t in get("glossaryTerms").get("terms") or []},
        "container": {get("container").get("container")} - {None},
        "typeNames": set(get("subTypes").get("typeNames") or []),
    }


def _type_key(value: str) -> str:
    return value.removeprefix(ENTITY_TYPE_PREFIX).replace("_", "").lower()


def _type_may_match(filter: dict[str, Any], kind: str) -> bool:
    for group in filter.get("or") or []:
        types = [
            c for c in group.get("and") or [] if str(c.get("field", "")).removesuffix(".keyword") in {"_entityType", "entityType"}
        ]
        if not types or all(_type_key(kind) in {_type_key(v) for v in c.get("values") or []} for c in types):
            return True
    return False


def _may_affect_forms(change: AspectChange) -> bool:
    """Our own follow-up writes of ``forms`` trigger nothing unless the set of assigned forms changed."""
    name = change.spec.name
    if name == FORMS:
        return change.value is not None and _form_urns(change.value) != _form_urns(change.previous)
    if name in FACET_ASPECTS or name == "documentation" or name.endswith("Properties"):  # answers to prompts
        return True
    return name == change.target.entity.key_aspect and change.value is not None


def explicit_forms(record: AspectRecord | None, dynamic: dict[str, Any]) -> set[str]:
    """Forms assigned explicitly (``batchAssignForm``): kept even when a rule of theirs stops matching.
    Kept in the ``forms`` aspect's system metadata, as the aspect itself has no field for it; a ``forms``
    value written without the marker (by a client, or before it existed) counts its rule-less forms."""
    if record is None:
        return set()
    properties = _properties(record)
    if EXPLICIT_KEY in properties:
        return {urn for urn in properties[EXPLICIT_KEY].split(",") if urn}
    return _form_urns(record.value) - set(dynamic)


def with_explicit(record: AspectRecord | None, explicit: set[str]) -> dict[str, str]:
    """The system-metadata properties of a ``forms`` write that records ``explicit``."""
    return {**_properties(record), EXPLICIT_KEY: ",".join(sorted(explicit))}


def assigned_explicitly(record: AspectRecord | None, form: str) -> dict[str, Any] | None:
    """System metadata recording ``form`` as explicitly assigned, or None when it already is."""
    properties = _properties(record)
    before = {urn for urn in properties.get(EXPLICIT_KEY, "").split(",") if urn}
    if form in before and form in _form_urns(record.value if record else None):
        return None
    return {"properties": with_explicit(record, before | {form})}


def without_form(record: AspectRecord | None, form: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The ``forms`` value and system metadata once ``form`` is taken off (``batchRemoveForm``), or None
    when it is not there. A rule that still matches assigns it again, as DataHub's next evaluation would."""
    if record is None or form not in _form_urns(record.value):
        return None
    value = {
        **record.value,
        **{k: [a for a in record.value.get(k) or [] if a.get("urn") != form] for k in ("incompleteForms", "completedForms")},
        "verifications": [v for v in record.value.get("verifications") or [] if v.get("form") != form],
    }
    explicit = {u for u in _properties(record).get(EXPLICIT_KEY, "").split(",") if u and u != form}
    return value, {"properties": with_explicit(record, explicit)}


def _properties(record: AspectRecord | None) -> dict[str, str]:
    return dict(((record.system_metadata or {}).get("properties") or {}) if record else {})


def documented_aspects(registry: EntityRegistry) -> dict[str, tuple[str, ...]]:
    """Per entity type, the aspects whose description answers a DOCUMENTATION prompt."""

    def has_description(name: str) -> bool:
        spec = registry.aspects.get(name)
        return spec is not None and any(f.name == "description" for f in spec.schema.fields)

    return {
        kind: tuple(a for a in sorted(spec.aspects) if a == "documentation" or (a.endswith("Properties") and has_description(a)))
        for kind, spec in registry.entities.items()
    }


def _form_urns(value: dict[str, Any] | None) -> set[str]:
    return {a.get("urn") for key in ("incompleteForms", "completedForms") for a in (value or {}).get(key) or []}
