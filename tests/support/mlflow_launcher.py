"""Run a real MLflow tracking server (tracking + model registry on one SQLite file) on 127.0.0.1.

``python -m tests.support.mlflow_launcher DB_URI ARTIFACT_ROOT PORT``. It serves MLflow's own Flask
app with werkzeug instead of gunicorn so the process is one Python interpreter we can start and stop.
MLflow 2.20 (the newest the DataHub source accepts) imports a pool class SQLAlchemy 2.1 removed;
it is aliased here before MLflow loads, the server itself is unchanged.
"""

from __future__ import annotations

import os
import sys

import sqlalchemy.pool


def main(db_uri: str, artifact_root: str, port: int) -> None:
    if not hasattr(sqlalchemy.pool, "FallbackAsyncAdaptedQueuePool"):
        sqlalchemy.pool.FallbackAsyncAdaptedQueuePool = sqlalchemy.pool.AsyncAdaptedQueuePool  # type: ignore[attr-defined]
    os.environ["_MLFLOW_SERVER_FILE_STORE"] = db_uri
    os.environ["_MLFLOW_SERVER_REGISTRY_STORE"] = db_uri
    os.environ["_MLFLOW_SERVER_ARTIFACT_ROOT"] = artifact_root
    from mlflow.server import app
    from mlflow.server.handlers import initialize_backend_stores
    from werkzeug.serving import run_simple

    initialize_backend_stores(db_uri, db_uri, artifact_root)
    run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
