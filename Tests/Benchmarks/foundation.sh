#!/usr/bin/env bash
# rpemu foundation benchmark: a program that prints figures, not a test (DESIGN.md "Tests"). Not run by CI.
#
# Builds rpemu in release mode, starts it on 127.0.0.1, and measures with wrk on the same machine:
#   - GET of a restore point collection, HTTP keep-alive, 64 connections
#   - the same GET over HTTPS
#   - PUT of new resource groups (durable: on-disk SQLite, WAL), via put-resource-group.lua
#   - p50/p99 latency from wrk's latency distribution
#   - start to ready (exec → first 200 of GET /_emulator/ready), with a fresh and an existing data dir
#   - RSS right after start, and idle RSS (VmRSS after the load, once idle for 2 s)
# Machines here are shared and noisy, so throughputs are ratios to nginx measured in the same run: nginx
# (one worker, access log off, keep-alive) serves the exact GET response body as a static file over HTTP
# and HTTPS with rpemu's own certificate and key, driven by the same wrk settings.
# Results and docs: docs/performance.md.
#
# Usage: Tests/Benchmarks/foundation.sh
# Environment:
#   RUNS=1          repeat every wrk measurement; the table shows the median (ratios: median of per-run ratios)
#   DURATION=10     seconds per wrk measurement
#   CONNECTIONS=64  wrk -c;  THREADS=2  wrk -t
#   STARTS=5        start-to-ready samples per kind (fresh data dir, existing data dir)
#   SKIP_BUILD=1    reuse the binary in $SCRATCH instead of building
#   SCRATCH=.build-bench   SwiftPM scratch path of the release build
#   RESULTS=bench-results/<date>   where raw wrk outputs and the table are kept (gitignored)
#   FORCE=1         run even when CI=true
# Exits 0 even when targets are missed: it is a report. Exits non-zero only when it cannot measure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/Tests/Benchmarks"
cd "$ROOT"

RUNS="${RUNS:-1}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
STARTS="${STARTS:-5}"
SCRATCH="${SCRATCH:-.build-bench}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="${RESULTS:-$ROOT/bench-results/$STAMP}"
SUB="00000000-0000-0000-0000-000000000001"
AUTH="Authorization: Bearer x"

if [[ "${CI:-}" == "true" && "${FORCE:-}" != "1" ]]; then
    echo "foundation.sh: not run under CI (a benchmark, not a test); FORCE=1 to override"
    exit 0
fi

say() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'foundation.sh: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------- cleanup: every process we start
PIDS=()
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rpemu-bench.XXXXXX")"
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget_pid() {
    local keep=() pid
    for pid in "${PIDS[@]}"; do [[ "$pid" != "$1" ]] && keep+=("$pid"); done
    PIDS=("${keep[@]}")
}

# SIGTERM, then SIGKILL after 2 s; TERM_STOPS counts the processes SIGTERM alone stopped.
TERM_STOPS=0 TERM_KILLS=0
stop_pid() {
    kill -TERM "$1" 2>/dev/null
    for _ in $(seq 1 40); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1" 2>/dev/null
        ((++TERM_KILLS))
    else
        ((++TERM_STOPS))
    fi
    wait "$1" 2>/dev/null
    forget_pid "$1"
}

# ---------------------------------------------------------------- tools
install_if_missing() {
    local pkg missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    ((${#missing[@]} == 0)) && return 0
    local sudo=()
    ((EUID != 0)) && sudo=(sudo)
    say "installing ${missing[*]} with apt"
    "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} failed"
}
install_if_missing wrk nginx curl
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$NGINX" ]] || die "nginx not found"
[[ -n "${EPOCHREALTIME:-}" ]] || die "bash 5 needed (EPOCHREALTIME)"

# ---------------------------------------------------------------- build
BIN="$ROOT/$SCRATCH/release/rpemu"
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
    say "swift build -c release --product rpemu --scratch-path $SCRATCH"
    swift build -c release --product rpemu --scratch-path "$SCRATCH" >"$WORK/build.log" 2>&1 ||
        { tail -40 "$WORK/build.log" >&2; die "release build failed"; }
fi
[[ -x "$BIN" ]] || die "no binary at $BIN (build first or unset SKIP_BUILD)"
mkdir -p "$RESULTS"

# ---------------------------------------------------------------- helpers
now_us() { local t="${EPOCHREALTIME/./}"; echo "$((10#$t))"; }

# One GET /_emulator/ready over bash's /dev/tcp (builtins only, no fork): 0 when the status line is 200.
ready_once() {
    local fd status
    { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    printf 'GET /_emulator/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd" 2>/dev/null
    IFS= read -r -t 2 status <&"$fd"
    exec {fd}>&-
    [[ "$status" == "HTTP/1.1 200"* ]]
}

# Starts rpemu on ports 0 and measures exec → listening line → first 200 of /_emulator/ready.
# Sets RP_PID RP_HTTP RP_HTTPS RP_LISTEN_US RP_READY_US RP_POLLS.
start_rpemu() {
    local dir="$1" tag="$2" out="$WORK/rpemu-$2.out" line t0 t1 t2 polls=0
    : >"$out"
    t0=$(now_us)
    "$BIN" serve --http-port 0 --https-port 0 --data-dir "$dir" --log-level error >"$out" 2>"$WORK/rpemu-$tag.err" &
    RP_PID=$!
    PIDS+=("$RP_PID")
    RP_HTTP="" RP_HTTPS=""
    # Tight poll of the stdout file with builtins only (read, pattern match): a few µs per iteration.
    while [[ -z "$RP_HTTP" || -z "$RP_HTTPS" ]]; do
        while IFS= read -r line; do
            [[ "$line" =~ ^rpemu:\ listening\ http://127\.0\.0\.1:([0-9]+) ]] && RP_HTTP="${BASH_REMATCH[1]}"
            [[ "$line" =~ ^rpemu:\ listening\ https://127\.0\.0\.1:([0-9]+) ]] && RP_HTTPS="${BASH_REMATCH[1]}"
        done <"$out"
        ((++polls))
        if ((polls % 1000 == 0)); then
            kill -0 "$RP_PID" 2>/dev/null || { cat "$WORK/rpemu-$tag.err" >&2; die "rpemu exited during start"; }
            (($(now_us) - t0 > 30000000)) && die "rpemu did not print its ports within 30 s"
        fi
    done
    t1=$(now_us)
    until ready_once "$RP_HTTP"; do
        ((++polls))
        (($(now_us) - t0 > 30000000)) && die "rpemu not ready within 30 s"
    done
    t2=$(now_us)
    RP_LISTEN_US=$((t1 - t0)) RP_READY_US=$((t2 - t0)) RP_POLLS=$polls
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
# utime+stime of a process in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLK_TCK="$(getconf CLK_TCK)"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else print a[int((NR + 1) / 2)]}'; }

# A free port on 127.0.0.1 (nobody answering a connect); nginx cannot bind port 0 and report it.
free_port() {
    local p fd
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        if ! { exec {fd}<>"/dev/tcp/127.0.0.1/$p"; } 2>/dev/null; then
            echo "$p"
            return 0
        fi
        exec {fd}>&-
    done
    die "no free port found"
}

# wrk output (args: url first, then options; GNU getopt permutes, -- ends them) → "rps p50_ms p99_ms non2xx errors"
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v + 0
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /^Requests\/sec:/ { rps = $2 }
        /Non-2xx or 3xx responses:/ { bad = $NF }
        /Socket errors:/ { gsub(",", ""); errs = $4 + $6 + $8 + $10 }
        END { printf "%s %s %s %d %d\n", rps == "" ? "nan" : rps, p50 == "" ? "nan" : p50, p99 == "" ? "nan" : p99, bad, errs }
    ' "$1"
}

# run_wrk <name> <run> <server pid> <url> [wrk args...] → appends "rps p50 p99 non2xx errors cpu%" to $WORK/<name>
run_wrk() {
    local name="$1" run="$2" pid="$3" url="$4"
    shift 4
    local file="$RESULTS/wrk-$name-run$run.txt" c0 c1
    say "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency $url $*   ($name, run $run)"
    c0=$(cpu_ticks "$pid")
    timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" "$@" >"$file" 2>&1
    c1=$(cpu_ticks "$pid")
    local fields
    fields="$(parse_wrk "$file")"
    # Server CPU share of one core during the run (100% = one core busy for the whole run).
    sleep 1
    # Server CPU share of one core during the run (100% = one core busy for the whole run); VmRSS 1 s after.
    echo "$fields $(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v s="$DURATION" 'BEGIN {printf "%.0f", 100 * d / hz / s}') $(rss_kb "$pid")" >>"$WORK/$name"
}

col() { awk -v c="$2" '{print $c}' "$WORK/$1"; }

# ---------------------------------------------------------------- machine
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
CPU_MODEL="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
say "machine: $(nproc) cores, $CPU_MODEL, load $LOAD_BEFORE"

# ---------------------------------------------------------------- start to ready
FRESH_READY=() FRESH_LISTEN=() WARM_READY=() WARM_LISTEN=() POLL_RATE=()
say "start to ready: $STARTS starts with a fresh data dir, $STARTS with an existing one"
mkdir -p "$WORK/warm"
for i in $(seq 1 "$STARTS"); do
    mkdir -p "$WORK/fresh-$i"
    start_rpemu "$WORK/fresh-$i" "fresh-$i"
    FRESH_READY+=("$RP_READY_US") FRESH_LISTEN+=("$RP_LISTEN_US")
    POLL_RATE+=("$((RP_READY_US / RP_POLLS))")
    stop_pid "$RP_PID"
    rm -rf "$WORK/fresh-$i"
done
start_rpemu "$WORK/warm" "warm-init" # creates the database and TLS files once
stop_pid "$RP_PID"
for i in $(seq 1 "$STARTS"); do
    start_rpemu "$WORK/warm" "warm-$i"
    WARM_READY+=("$RP_READY_US") WARM_LISTEN+=("$RP_LISTEN_US")
    POLL_RATE+=("$((RP_READY_US / RP_POLLS))")
    stop_pid "$RP_PID"
done

# ---------------------------------------------------------------- the server under load, and its data
DATA="$WORK/data"
mkdir -p "$DATA"
start_rpemu "$DATA" main
RPEMU_PID="$RP_PID" HTTP_PORT="$RP_HTTP" HTTPS_PORT="$RP_HTTPS"
sleep 2
RSS_START_KB="$(rss_kb "$RPEMU_PID")"
say "rpemu pid $RPEMU_PID: http $HTTP_PORT, https $HTTPS_PORT, ready in $((RP_READY_US / 1000)) ms, RSS ${RSS_START_KB} kB"

BASE="http://127.0.0.1:$HTTP_PORT/subscriptions/$SUB/resourceGroups/bench"
VM_ID="/subscriptions/$SUB/resourceGroups/bench/providers/Microsoft.Compute/virtualMachines/vm1"
RPC_PATH="/subscriptions/$SUB/resourceGroups/bench/providers/Microsoft.Compute/restorePointCollections/rpc1?api-version=2025-04-01"
put() {
    local code
    code="$(curl -sS -o "$WORK/put.out" -w '%{http_code}' -X PUT -H "$AUTH" -H 'Content-Type: application/json' "$1" --data-binary "$2")"
    [[ "$code" == 2* ]] || { cat "$WORK/put.out" >&2; die "PUT $1 answered $code"; }
}
put "$BASE?api-version=2024-11-01" '{"location":"eastus"}'
put "$BASE/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2025-04-01" \
    '{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_D2s_v5"},"storageProfile":{"osDisk":{"createOption":"FromImage","managedDisk":{"storageAccountType":"Premium_LRS"}},"dataDisks":[{"lun":0,"createOption":"Empty","diskSizeGB":64,"managedDisk":{"storageAccountType":"PremiumV2_LRS"}}]}}}'
put "http://127.0.0.1:$HTTP_PORT$RPC_PATH" "{\"location\":\"eastus\",\"properties\":{\"source\":{\"id\":\"$VM_ID\"},\"instantAccess\":true}}"
mkdir -p "$WORK/www"
# nginx started as root runs its worker as nobody: let it traverse $WORK (not list it) and read www.
chmod 711 "$WORK"
chmod 755 "$WORK/www"
code="$(curl -sS -o "$WORK/www/rpc1.json" -w '%{http_code}' -H "$AUTH" "http://127.0.0.1:$HTTP_PORT$RPC_PATH")"
[[ "$code" == 200 ]] || die "GET of the collection answered $code"
chmod 644 "$WORK/www/rpc1.json"
BODY_BYTES="$(stat -c %s "$WORK/www/rpc1.json")"
curl -sS -D "$RESULTS/rpemu-get-headers.txt" -o /dev/null -H "$AUTH" "http://127.0.0.1:$HTTP_PORT$RPC_PATH"

# ---------------------------------------------------------------- nginx, the same body as a static file
NGX_HTTP="$(free_port)"
NGX_HTTPS="$(free_port)"
while [[ "$NGX_HTTPS" == "$NGX_HTTP" ]]; do NGX_HTTPS="$(free_port)"; done
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log error;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    default_type application/json;
    keepalive_timeout 65;
    keepalive_requests 100000000;   # like rpemu: no per-connection request cap, so no reconnects mid-run
    server {
        listen 127.0.0.1:$NGX_HTTP;
        listen 127.0.0.1:$NGX_HTTPS ssl;
        ssl_certificate $DATA/tls/server.pem;
        ssl_certificate_key $DATA/tls/server-key.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        root $WORK/www;
        location / { try_files \$uri =404; }
    }
}
EOF
"$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/logs/error.log" -c "$WORK/nginx/nginx.conf" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$NGX_HTTP/rpc1.json" && break
    sleep 0.05
done
cmp -s <(curl -sf "http://127.0.0.1:$NGX_HTTP/rpc1.json") "$WORK/www/rpc1.json" || die "nginx does not serve the body (see its error log)"
cmp -s <(curl -sfk "https://127.0.0.1:$NGX_HTTPS/rpc1.json") "$WORK/www/rpc1.json" || die "nginx HTTPS does not serve the body"
NGINX_WORKER="$(cat "/proc/$NGINX_PID/task/$NGINX_PID/children" 2>/dev/null | awk '{print $1}')"
[[ -n "$NGINX_WORKER" ]] || NGINX_WORKER="$NGINX_PID"
curl -sS -D "$RESULTS/nginx-get-headers.txt" -o /dev/null "http://127.0.0.1:$NGX_HTTP/rpc1.json"
say "nginx pid $NGINX_PID (worker $NGINX_WORKER): http $NGX_HTTP, https $NGX_HTTPS, body $BODY_BYTES bytes"

# ---------------------------------------------------------------- load
for run in $(seq 1 "$RUNS"); do
    run_wrk nginx-http "$run" "$NGINX_WORKER" "http://127.0.0.1:$NGX_HTTP/rpc1.json" -H "$AUTH"
    run_wrk rpemu-http "$run" "$RPEMU_PID" "http://127.0.0.1:$HTTP_PORT$RPC_PATH" -H "$AUTH"
    run_wrk nginx-https "$run" "$NGINX_WORKER" "https://127.0.0.1:$NGX_HTTPS/rpc1.json" -H "$AUTH"
    run_wrk rpemu-https "$run" "$RPEMU_PID" "https://127.0.0.1:$HTTPS_PORT$RPC_PATH" -H "$AUTH"
    run_wrk rpemu-put "$run" "$RPEMU_PID" "http://127.0.0.1:$HTTP_PORT/" -s "$HERE/put-resource-group.lua" -- "b$STAMP-r$run"
done

say "idle for 2 s, then reading VmRSS"
sleep 2
RSS_IDLE_KB="$(rss_kb "$RPEMU_PID")"
HWM_KB="$(hwm_kb "$RPEMU_PID")"
NGINX_RSS_KB="$(rss_kb "$NGINX_WORKER")"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- table
ratios() { # per-run ratio of column 1 of file $1 to file $2
    paste -d' ' <(col "$1" 1) <(col "$2" 1) | awk '{ if ($2 > 0) printf "%.3f\n", $1 / $2; else print "nan" }'
}
R_HTTP=$(median $(col rpemu-http 1)) N_HTTP=$(median $(col nginx-http 1))
R_HTTPS=$(median $(col rpemu-https 1)) N_HTTPS=$(median $(col nginx-https 1))
R_PUT=$(median $(col rpemu-put 1))
RATIO_HTTP=$(median $(ratios rpemu-http nginx-http))
RATIO_HTTPS=$(median $(ratios rpemu-https nginx-https))
RATIO_PUT=$(median $(ratios rpemu-put nginx-http))
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "nan") print "?"; else if ((op == ">=" && v + 0 >= t + 0) || (op == "<" && v + 0 < t + 0)) print "yes"; else print "NO" }'; }
ms() { awk -v v="$1" 'BEGIN { printf "%.2f ms", v / 1000 }'; }
MB() { awk -v v="$1" 'BEGIN { printf "%.1f MB", v / 1024 }'; }

{
    printf '# rpemu foundation benchmark, %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf '# machine: %s cores, %s; wrk -t%s -c%s -d%ss on the same cores; RUNS=%s (medians)\n' \
        "$(nproc)" "$CPU_MODEL" "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS"
    printf '# load average before %s, after %s; body %s bytes; source %s%s\n' "$LOAD_BEFORE" "$LOAD_AFTER" "$BODY_BYTES" \
        "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
        "$(git -C "$ROOT" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' + uncommitted changes in Sources')"
    printf '\n| %-36s | %-13s | %-15s | %-7s | %-16s | %-4s |\n' metric rpemu nginx ratio target "met?"
    printf '|%s|%s|%s|%s|%s|%s|\n' "--------------------------------------" "---------------" "-----------------" "---------" "------------------" "------"
    row() { printf '| %-36s | %-13s | %-15s | %-7s | %-16s | %-4s |\n' "$@"; }
    row "GET collection, HTTP (req/s)" "$R_HTTP" "$N_HTTP" "$RATIO_HTTP" ">= 0.50x nginx" "$(met "$RATIO_HTTP" ">=" 0.5)"
    row "GET collection, HTTPS (req/s)" "$R_HTTPS" "$N_HTTPS" "$RATIO_HTTPS" ">= 0.35x nginx" "$(met "$RATIO_HTTPS" ">=" 0.35)"
    row "PUT resource group, durable (req/s)" "$R_PUT" "$N_HTTP (GET)" "$RATIO_PUT" ">= 0.05x nginx" "$(met "$RATIO_PUT" ">=" 0.05)"
    for w in http https; do
        local_p50=$(median $(col "rpemu-$w" 2)) local_p99=$(median $(col "rpemu-$w" 3))
        row "GET $w p50" "${local_p50} ms" "$(median $(col "nginx-$w" 2)) ms" "" "" ""
        row "GET $w p99" "${local_p99} ms" "$(median $(col "nginx-$w" 3)) ms" "" "< 5 ms" "$(met "$local_p99" "<" 5)"
    done
    P_PUT50=$(median $(col rpemu-put 2)) P_PUT99=$(median $(col rpemu-put 3))
    row "PUT p50" "${P_PUT50} ms" "" "" "" ""
    row "PUT p99" "${P_PUT99} ms" "" "" "(info)" ""
    FR=$(median "${FRESH_READY[@]}") WR=$(median "${WARM_READY[@]}")
    row "start to ready, fresh data dir" "$(ms "$FR")" "" "" "< 150 ms" "$(met "$FR" "<" 150000)"
    row "start to ready, existing data dir" "$(ms "$WR")" "" "" "< 150 ms" "$(met "$WR" "<" 150000)"
    row "RSS after start (ready + 2 s)" "$(MB "$RSS_START_KB")" "" "" "" ""
    row "idle RSS after load (+2 s)" "$(MB "$RSS_IDLE_KB")" "$(MB "$NGINX_RSS_KB")" "" "< 30 MB" "$(met "$RSS_IDLE_KB" "<" 30720)"
    row "peak RSS (VmHWM)" "$(MB "$HWM_KB")" "" "" "" ""
    printf '\nDetails, per run: req/s p50_ms p99_ms non-2xx socket_errors server_cpu%% (of one core)\n'
    printf '  server_cpu_us/request server_VmRSS_1s_after:\n'
    for f in nginx-http rpemu-http nginx-https rpemu-https rpemu-put; do
        printf '  %-12s %s\n' "$f" "$(awk '{printf "%s%s %s %s %s %s %s%% %.0fus %.1fMB", (NR > 1 ? " | " : ""), $1, $2, $3, $4, $5, $6, ($1 > 0 ? $6 * 10000 / $1 : 0), $7 / 1024}' "$WORK/$f")"
    done
    printf '  start to ready, fresh (ms):    %s   (exec to listening line: %s)\n' \
        "$(for v in "${FRESH_READY[@]}"; do ms "$v" | tr -d ' ms'; printf ' '; done)" "$(ms "$(median "${FRESH_LISTEN[@]}")")"
    printf '  start to ready, existing (ms): %s   (exec to listening line: %s)\n' \
        "$(for v in "${WARM_READY[@]}"; do ms "$v" | tr -d ' ms'; printf ' '; done)" "$(ms "$(median "${WARM_LISTEN[@]}")")"
    printf '  start-to-ready method: EPOCHREALTIME (1 us) before the fork; poll stdout with bash builtins, then\n'
    printf '  GET /_emulator/ready over bash /dev/tcp (no fork) until 200; mean poll interval %s us\n' "$(median "${POLL_RATE[@]}")"
    printf '  stopping the start-to-ready instances: %s stopped by SIGTERM within 2 s, %s needed SIGKILL\n' "$TERM_STOPS" "$TERM_KILLS"
} | tee "$RESULTS/table.md"
say "raw wrk outputs and the table: $RESULTS"
exit 0
