# A throwaway PostgreSQL cluster on a free loopback port, for the fleet demo and the fleet
# benchmarks. Source it, then:
#   throwaway_postgres_start DIR     # initdb into DIR/pg, start it, create the database
#   throwaway_postgres_stop          # stop it and delete DIR/pg (call it from an EXIT trap)
# After a start: PG_PORT, PG_STORE_URL (jdbc:postgresql://127.0.0.1:PORT/actiongate) and
# PG_STORE_USER (actiongate, trusted on loopback). Needs PostgreSQL's server binaries (Debian:
# apt-get install postgresql; or PG_BIN=/path/to/bin). As root the cluster runs as the postgres
# user, since PostgreSQL refuses root; DIR is then handed to that user.

throwaway_postgres_bin() {
  local bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
  if [ ! -x "$bin/initdb" ]; then
    echo "no PostgreSQL server binaries: apt-get install postgresql, or set PG_BIN" >&2
    return 1
  fi
  printf '%s\n' "$bin"
}

# A port nothing listens on: probed with bash's /dev/tcp, from a random start. PostgreSQL
# fails to start if another process takes it meanwhile, and says so in its log.
throwaway_postgres_free_port() {
  local port=$((20000 + RANDOM % 30000)) tries
  for tries in $(seq 1 200); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      printf '%s\n' "$port"
      return 0
    fi
    port=$((port + 1))
  done
  echo "no free loopback port found" >&2
  return 1
}

throwaway_postgres_start() { # DIR [PORT]
  _pg_dir="$1"
  _pg_bin=$(throwaway_postgres_bin) || return 1
  PG_PORT="${2:-$(throwaway_postgres_free_port)}" || return 1
  _pg_as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$_pg_dir"
    _pg_as=(runuser -u postgres --)
  fi
  "${_pg_as[@]}" "$_pg_bin/initdb" -D "$_pg_dir/pg" -U actiongate -A trust --no-sync >/dev/null || return 1
  if ! "${_pg_as[@]}" "$_pg_bin/pg_ctl" -D "$_pg_dir/pg" -l "$_pg_dir/pg.log" -w \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $_pg_dir" start >/dev/null; then
    echo "PostgreSQL did not start on 127.0.0.1:$PG_PORT; its log:" >&2
    cat "$_pg_dir/pg.log" >&2
    return 1
  fi
  "$_pg_bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U actiongate actiongate || return 1
  PG_STORE_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/actiongate"
  PG_STORE_USER=actiongate
}

throwaway_postgres_stop() {
  if [ -n "${_pg_dir:-}" ] && [ -d "$_pg_dir/pg" ]; then
    "${_pg_as[@]}" "$_pg_bin/pg_ctl" -D "$_pg_dir/pg" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$_pg_dir/pg"
  fi
}
