# Sourced by start.sh and ensure-services.sh: reads `.env` (gitignored; copy .env.example) as
# KEY=value lines. What the caller's environment already says wins, so a test's or CI's
# DATABASE_URL is never replaced by a developer's file. Values are taken literally.
if [ -f .env ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      key=${BASH_REMATCH[1]}
      if [ -z "${!key+set}" ]; then export "$key=${BASH_REMATCH[2]}"; fi
    fi
  done <.env
  unset line key
fi
# With Docker's MariaDB and Redis (docker-compose.yml), the service signs in with the passwords
# from .env; a locally installed MariaDB keeps the passwordless root of a fresh install.
if [ -n "${MARIADB_PASSWORD:-}" ] && [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="mysql://liuliang:${MARIADB_PASSWORD}@127.0.0.1:3306/liuliang"
fi
if [ -n "${REDIS_PASSWORD:-}" ] && [ -z "${REDIS_URL:-}" ]; then
  export REDIS_URL="redis://:${REDIS_PASSWORD}@127.0.0.1:6379"
fi
