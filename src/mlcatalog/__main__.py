"""``python -m mlcatalog`` runs the CLI (the tests start servers this way)."""

from mlcatalog.cli import main

main()
