#!/usr/bin/env bash
# Serve the site as production does, on this machine's loopback: production settings,
# PostgreSQL, cache and sessions in Redis, gunicorn with deploy/gunicorn.conf.py, static
# files collected and served by WhiteNoise, and a background worker for long jobs
# (django-tasks' database queue). `make serve-production` runs it; Ctrl-C stops both.
#
# Plain HTTP on 127.0.0.1, so the HTTPS redirect and Secure cookies are turned off here;
# a real deployment leaves them on (README, "Running in production"). Every setting can
# be given in the environment instead, e.g. DATABASE_URL or GUNICORN_WORKERS.
set -euo pipefail
cd "$(dirname "$0")/.."

export DJANGO_ENV=production
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/volunteer}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export CACHE_BACKEND="${CACHE_BACKEND:-django.core.cache.backends.redis.RedisCache}"
export CACHE_LOCATION="${CACHE_LOCATION:-redis://127.0.0.1:6379/1}"
export SESSION_ENGINE="${SESSION_ENGINE:-django.contrib.sessions.backends.cached_db}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SESSION_COOKIE_SECURE="${SESSION_COOKIE_SECURE:-false}"
export CSRF_COOKIE_SECURE="${CSRF_COOKIE_SECURE:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
export GUNICORN_BIND="${GUNICORN_BIND:-127.0.0.1:8000}"
export TASKS_BACKEND="${TASKS_BACKEND:-database}"
# A key of this machine's own, kept outside the repository, made the first time.
if [ -z "${SECRET_KEY:-}" ]; then
  key_file="${XDG_CONFIG_HOME:-$HOME/.config}/volunteer-posts/secret-key"
  if [ ! -s "$key_file" ]; then
    mkdir -p "$(dirname "$key_file")"
    (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" >"$key_file")
  fi
  SECRET_KEY="$(cat "$key_file")"
  export SECRET_KEY
fi
# The ID-number keys likewise (README: Personal data); lose them and the ID numbers in
# this database cannot be read any more.
if [ -z "${ID_NUMBER_KEYS:-}" ]; then
  key_file="${XDG_CONFIG_HOME:-$HOME/.config}/volunteer-posts/id-number-keys"
  if [ ! -s "$key_file" ]; then
    mkdir -p "$(dirname "$key_file")"
    (umask 077 && .venv/bin/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())" >"$key_file")
  fi
  ID_NUMBER_KEYS="$(cat "$key_file")"
  export ID_NUMBER_KEYS
fi
if [ -z "${ID_NUMBER_HASH_KEY:-}" ]; then
  key_file="${XDG_CONFIG_HOME:-$HOME/.config}/volunteer-posts/id-number-hash-key"
  if [ ! -s "$key_file" ]; then
    mkdir -p "$(dirname "$key_file")"
    (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(48))" >"$key_file")
  fi
  ID_NUMBER_HASH_KEY="$(cat "$key_file")"
  export ID_NUMBER_HASH_KEY
fi

scripts/ensure-postgres.sh
db_name="${DATABASE_URL##*/}"
server_url="${DATABASE_URL%/*}/postgres"
if [ -z "$(psql "$server_url" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" ]; then
  psql "$server_url" -qc "CREATE DATABASE \"$db_name\""
fi
if ! redis-cli -u "$CACHE_LOCATION" ping >/dev/null 2>&1; then
  echo "Redis does not answer at $CACHE_LOCATION." >&2
  exit 1
fi
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py collectstatic --no-input -v0

# The worker and gunicorn run side by side; when either stops, so does the other.
pids=()
stop() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap stop EXIT INT TERM
if [ "$TASKS_BACKEND" = database ]; then
  .venv/bin/python manage.py db_worker --no-reload &
  pids+=($!)
fi
echo "Serving http://$GUNICORN_BIND/ with production settings (Ctrl-C stops it)."
.venv/bin/gunicorn -c deploy/gunicorn.conf.py volunteer.wsgi &
pids+=($!)
wait -n
