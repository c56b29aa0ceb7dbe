# syntax=docker/dockerfile:1
# BASE_IMAGE: a Debian-like image with Python 3.11 (`python3` with its `venv` module, `useradd`).
# Docker Hub's python:3.11-slim by default; `make image-check` builds on a debootstrapped Debian
# bookworm instead (scripts/image_check.py).
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
# Unset for Docker: pip's defaults. `make image-check` points it at the host's pip settings.
ARG PIP_CONFIG_FILE
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
# Only the locked dependencies go into the venv (the app runs from /srv/app), so a change to the
# code reuses this layer. pip and setuptools leave the venv afterwards, and so do the test suites
# of numpy, scipy and pandas (which ortools requires): nothing in the final image builds,
# installs or runs tests.
RUN python3 -m venv /opt/venv \
    && /opt/venv/bin/pip install -r requirements.lock \
    && /opt/venv/bin/pip uninstall -y -q pip setuptools \
    && cd /opt/venv/lib/python3*/site-packages \
    && find numpy scipy pandas -depth -type d -name tests -exec rm -rf {} +

FROM ${BASE_IMAGE}
RUN useradd --create-home --uid 10001 app
WORKDIR /srv
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini ./
COPY migrations ./migrations
COPY app ./app
COPY docs/przewodnik-organizatora.md ./docs/
# Byte-code compiled once here: the app user cannot write /srv, and every worker would compile anew.
RUN python3 -m compileall -q app migrations && mkdir -p /srv/data && chown app:app /srv/data
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 WORKERS=4 PORT=8000
USER app
EXPOSE 8000
HEALTHCHECK CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ['PORT'], timeout=5)"
CMD ["sh", "-c", "alembic upgrade head && exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port ${PORT} --workers ${WORKERS} --proxy-headers"]
