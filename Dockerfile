# syntax=docker/dockerfile:1
#
# Klassa production image. One image serves every role of docker-compose.yml: the web
# server (gunicorn, the default command), the Celery worker and beat, and the one-shot
# migration. Build: docker compose build   (or: docker build -t klassa .)

# --- Front-end libraries ----------------------------------------------------------------
# Installed exactly as locked in package-lock.json. Only node_modules leaves this stage;
# Node itself is not part of the final image.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- Python runtime -----------------------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Shared libraries and fonts that WeasyPrint (PDF reports) needs at run time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libffi8 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Every package, dependencies included, is pinned with its hash in the lock file.
COPY requirements/base.lock /tmp/requirements/base.lock
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install --require-hashes -r /tmp/requirements/base.lock \
    && rm -rf /tmp/requirements

# The application runs as an unprivileged user. It owns only var/ (uploads, file e-mail)
# and its home directory (gunicorn's control socket); the code stays read-only to it.
RUN groupadd --system klassa \
    && useradd --system --gid klassa --create-home --home-dir /home/klassa \
        --shell /usr/sbin/nologin klassa

WORKDIR /app

# --- Static files -------------------------------------------------------------------------
# Built in their own stage so that node_modules never reaches the final image.
FROM runtime AS static
COPY . /app
COPY --from=assets /build/node_modules /app/node_modules
RUN python scripts/vendor_assets.py
# Production settings refuse to load without a secret key and allowed hosts. collectstatic
# touches neither, so this step alone gets throwaway values: the allowed host is a build
# argument and the key is random, made inside the step. Neither is stored in the image
# environment or in any layer.
ARG COLLECTSTATIC_ALLOWED_HOSTS=build.invalid
RUN KLASSA_ENV=production \
    ALLOWED_HOSTS="$COLLECTSTATIC_ALLOWED_HOSTS" \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(60))')" \
    STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --no-input

# --- Final image --------------------------------------------------------------------------
FROM runtime
COPY . /app
COPY --from=static /app/klassa_app/static/vendor /app/klassa_app/static/vendor
COPY --from=static /app/staticfiles /app/staticfiles
RUN mkdir -p /app/var/media /app/var/mail \
    && chown -R klassa:klassa /app/var

USER klassa
EXPOSE 8000

# The worker count comes from GUNICORN_WORKERS (default 3). TLS is terminated by the reverse
# proxy in front; logs go to standard output.
CMD ["sh", "-c", "exec gunicorn klassa_app.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --worker-tmp-dir /dev/shm --access-logfile - --error-logfile -"]
