# syntax=docker/dockerfile:1
# Flasky for production: wheels built in a builder stage, installed in a slim image that has no compilers,
# run by an unprivileged user. Build: docker build -t flasky .   Run: see compose.yaml and the README.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
# Compilers and headers, for any dependency without a wheel for this platform; they stay in this stage.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Only the dependency list and the pins: this layer is rebuilt when they change, not on every code change.
COPY pyproject.toml ./
COPY requirements/constraints.txt requirements/constraints.txt
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && pip wheel --no-cache-dir --wheel-dir /wheels --requirement requirements.txt \
        --constraint requirements/constraints.txt

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    FLASK_APP=flasky \
    FLASK_CONFIG=production \
    PORT=8000
RUN groupadd --system --gid 10001 flasky \
    && useradd --system --uid 10001 --gid flasky --home-dir /app --shell /usr/sbin/nologin flasky
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl
WORKDIR /app
# The code belongs to root and is only readable by the app's user, which cannot change what it runs.
COPY config.py flasky.py gunicorn.conf.py ./
COPY migrations ./migrations
COPY app ./app
# The compiled catalogues are built here, as root: the app's user cannot write them at start (app/i18n.py).
RUN python -c "from app.i18n import compile_catalogues; compile_catalogues()"
USER flasky
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['PORT']}/healthz\", timeout=4)"]
# Run `flask deploy` once per release before starting (compose.yaml: the release service; Procfile: release).
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
