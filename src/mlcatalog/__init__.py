"""mlcatalog: a DataHub-compatible metadata catalog for ML model groups and models."""

__version__ = "0.1.0"
