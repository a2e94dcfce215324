"""What exists: entity types, aspects, URNs and schemas, all derived from acryl-datahub's model."""

from mlcatalog.registry.entities import AspectSpec, EntityRegistry, EntitySpec, get_registry

__all__ = ["AspectSpec", "EntityRegistry", "EntitySpec", "get_registry"]
