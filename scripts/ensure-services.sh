#!/usr/bin/env bash
# Finds MySQL/MariaDB and Redis, or brings them up: Docker Compose where a Docker engine
# answers, else locally installed servers; says what to do when there are none.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/dotenv.sh

DATABASE_URL=${DATABASE_URL:-mysql://root@127.0.0.1:3306/liuliang}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}

host_port() { # URL → "host port"
  node -e 'const u = new URL(process.argv[1]); console.log(u.hostname, u.port || process.argv[2])' "$1" "$2"
}
read -r DB_HOST DB_PORT <<<"$(host_port "$DATABASE_URL" 3306)"
read -r REDIS_HOST REDIS_PORT <<<"$(host_port "$REDIS_URL" 6379)"

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for() { # name host port
  for _ in $(seq 1 60); do answers "$2" "$3" && return 0; sleep 1; done
  echo "$1 did not come up on $2:$3" >&2
  return 1
}

if answers "$DB_HOST" "$DB_PORT" && answers "$REDIS_HOST" "$REDIS_PORT"; then
  echo "==> using MySQL at $DB_HOST:$DB_PORT and Redis at $REDIS_HOST:$REDIS_PORT"
  exit 0
fi

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  if [ ! -f .env ]; then
    echo "docker-compose.yml takes its passwords from .env: copy .env.example to .env, change the passwords, and run this again." >&2
    exit 1
  fi
  echo "==> starting MariaDB and Redis with Docker Compose (on 127.0.0.1 only)"
  docker compose up -d --wait
  wait_for MySQL "$DB_HOST" "$DB_PORT"
  wait_for Redis "$REDIS_HOST" "$REDIS_PORT"
  exit 0
fi

if ! answers "$DB_HOST" "$DB_PORT" && [ -x /usr/sbin/mariadbd ] && command -v start-stop-daemon >/dev/null 2>&1; then
  echo "==> starting the local MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  wait_for MySQL "$DB_HOST" "$DB_PORT" || true
fi
if ! answers "$REDIS_HOST" "$REDIS_PORT" && command -v redis-server >/dev/null 2>&1; then
  # Scheduled jobs, idempotency records and pending grabs live in Redis: a restart without its
  # data would lose them, so it keeps an append-only file (at most a second of writes at risk)
  # under the repo's git-ignored .run/, which a newcomer can write without root.
  REDIS_DATA_DIR="$PWD/.run/redis"
  mkdir -p "$REDIS_DATA_DIR"
  echo "==> starting the local Redis (data in $REDIS_DATA_DIR)"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DATA_DIR" \
    --save "" --appendonly yes --appendfsync everysec --logfile "$REDIS_DATA_DIR/redis.log" >/dev/null
  wait_for Redis "$REDIS_HOST" "$REDIS_PORT" || true
fi

if answers "$DB_HOST" "$DB_PORT" && answers "$REDIS_HOST" "$REDIS_PORT"; then exit 0; fi
cat >&2 <<MSG
Liuliang needs MySQL (or MariaDB) and Redis, and found neither running nor a way to start them.
  - With Docker: start Docker, then run this again (docker compose brings up both).
  - Without Docker: install MariaDB 10.11+ and Redis 7 (e.g. apt-get install mariadb-server redis-server),
    start them, or point DATABASE_URL (now $DATABASE_URL) and REDIS_URL (now $REDIS_URL) at yours.
MSG
exit 1
