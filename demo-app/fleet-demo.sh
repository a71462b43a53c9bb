#!/usr/bin/env bash
# Two instances of the demo service sharing a throwaway local PostgreSQL (store=jdbc:...): each
# holds a customer email for approval; the request held on instance a is approved through
# instance b's admin API, as a reviewer behind a load balancer would reach any instance, and a's
# waiting call goes on at once. (b's own request is approved by its demo after 10 s, so that b is
# still running when a's request is approved through it.) Build first: mvn -B -q -DskipTests install
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql); the cluster is
# scripts/throwaway-postgres.sh's, on a free loopback port (or FLEET_DEMO_PG_PORT), deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

agent=agent/target/actiongate-agent.jar
demo=demo-app/target/actiongate-demo-app.jar
for jar in "$agent" "$demo"; do
  [ -f "$jar" ] || { echo "missing $jar: run 'mvn -B -q -DskipTests install' first" >&2; exit 1; }
done
. scripts/throwaway-postgres.sh
throwaway_postgres_bin >/dev/null || exit 1

work=$(mktemp -d /tmp/actiongate-fleet-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  throwaway_postgres_stop
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that the EXIT trap runs on these too

throwaway_postgres_start "$work" ${FLEET_DEMO_PG_PORT:-}
port=$PG_PORT
store=$PG_STORE_URL
echo "PostgreSQL: a throwaway cluster in $work/pg on 127.0.0.1:$port"

mkdir -p "$work/a" "$work/b"
token=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
printf '%s' "$token" > "$work/token"
chmod 600 "$work/token"

start() { # NAME ADMIN_PORT [DEMO OPTIONS...]
  local records="$work/$1/decisions.jsonl"
  # Denials count toward escalation across the fleet: each instance acts for agents of its own.
  java "-Ddemo.actor_suffix=@$1" "-javaagent:$agent=policy=demo-app/policy.yaml,records=$records,service=demo-mail,store=$store,store_user=actiongate,instance=$1,admin_port=$2,admin_token_file=$work/token" \
    -jar "$demo" --records "$records" "${@:3}" > "$work/$1.log" 2>&1 &
  pids+=("$!")
}
start a 8481
start b 8482 --auto-approve-after 10s
echo "instance a: admin API http://127.0.0.1:8481/ (log $work/a.log)"
echo "instance b: admin API http://127.0.0.1:8482/ (log $work/b.log)"

# Approve the request held on one instance through the other one's API.
approve_on() { # HELD_ON REVIEW_ON_PORT
  for _ in $(seq 1 120); do
    id=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$2/approvals" \
      | python3 -c 'import json,sys; print(next((a["id"] for a in json.load(sys.stdin)["approvals"] if a.get("instance")==sys.argv[1]), ""))' "$1" \
      2>/dev/null || true)
    if [ -n "$id" ]; then
      echo "request $id, held on instance $1, approved on the instance at port $2:"
      curl -s -X POST -H "Authorization: Bearer $token" \
        -d "{\"reviewer\": \"olivia\", \"comment\": \"approved through another instance\"}" \
        "http://127.0.0.1:$2/approvals/$id/approve" | grep -E '"(status|instance|reviewer)"' || true
      return 0
    fi
    sleep 0.5
  done
  echo "no request held on instance $1 appeared within 60 s; see $work/$1.log" >&2
  return 1
}
approve_on a 8482
wait "${pids[@]}"
pids=()
for name in a b; do
  echo "--- instance $name"
  grep -E "^(OK|FAILED|Auto-approve)|approved" "$work/$name.log" | grep -v "^[0-9:.]* \[actiongate\]" | tail -n 4 \
    || tail -n 20 "$work/$name.log"
done
echo "Decision records in the database, per instance:"
psql -h 127.0.0.1 -p "$port" -U actiongate -d actiongate -c \
  "SELECT instance, verdict, count(*) FROM decision_records WHERE kind = 'decision' GROUP BY 1, 2 ORDER BY 1, 2" \
  2>/dev/null || echo "(psql not installed: query decision_records with any PostgreSQL client)"
