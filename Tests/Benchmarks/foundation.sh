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
#   SKIP_BUILD=1    reuse the binary in $SCRATCH instead of building;  RPEMU_BIN=<path> use that binary
#   SCRATCH=.build-bench   SwiftPM scratch path of the release build
#   RESULTS=bench-results/<date>   where raw wrk outputs and the table are kept (gitignored)
#   FORCE=1         run even when CI=true
# Exits 0 even when targets are missed: it is a report. Exits non-zero only when it cannot measure.
set -uo pipefail

BENCH=foundation.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
RESULTS="${RESULTS:-$ROOT/bench-results/$STAMP}"
bench_tools wrk nginx curl
build_rpemu
machine_info

# ---------------------------------------------------------------- start to ready
FRESH_READY=() FRESH_LISTEN=() WARM_READY=() WARM_LISTEN=() POLL_RATE=()
say "start to ready: $STARTS starts with a fresh data dir, $STARTS with an existing one"
mkdir -p "$WORK/warm"
for i in $(seq 1 "$STARTS"); do
    mkdir -p "$WORK/fresh-$i"
    start_rpemu "fresh-$i" --data-dir "$WORK/fresh-$i" --log-level error
    FRESH_READY+=("$RP_READY_US") FRESH_LISTEN+=("$RP_LISTEN_US")
    POLL_RATE+=("$((RP_READY_US / RP_POLLS))")
    stop_pid "$RP_PID"
    rm -rf "$WORK/fresh-$i"
done
start_rpemu warm-init --data-dir "$WORK/warm" --log-level error # creates the database and TLS files once
stop_pid "$RP_PID"
for i in $(seq 1 "$STARTS"); do
    start_rpemu "warm-$i" --data-dir "$WORK/warm" --log-level error
    WARM_READY+=("$RP_READY_US") WARM_LISTEN+=("$RP_LISTEN_US")
    POLL_RATE+=("$((RP_READY_US / RP_POLLS))")
    stop_pid "$RP_PID"
done

# ---------------------------------------------------------------- the server under load, and its data
DATA="$WORK/data"
mkdir -p "$DATA"
start_rpemu main --data-dir "$DATA" --log-level error
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
publish_body "http://127.0.0.1:$HTTP_PORT$RPC_PATH" rpc1.json
curl -sS -D "$RESULTS/rpemu-get-headers.txt" -o /dev/null -H "$AUTH" "http://127.0.0.1:$HTTP_PORT$RPC_PATH"

# ---------------------------------------------------------------- nginx, the same body as a static file
start_nginx rpc1.json "$DATA/tls/server.pem" "$DATA/tls/server-key.pem"
curl -sS -D "$RESULTS/nginx-get-headers.txt" -o /dev/null "http://127.0.0.1:$NGX_HTTP/rpc1.json"

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
HWM_KB="$(status_kb "$RPEMU_PID" VmHWM)"
NGINX_RSS_KB="$(rss_kb "$NGINX_WORKER")"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- table
R_HTTP=$(median $(col rpemu-http 1)) N_HTTP=$(median $(col nginx-http 1))
R_HTTPS=$(median $(col rpemu-https 1)) N_HTTPS=$(median $(col nginx-https 1))
R_PUT=$(median $(col rpemu-put 1))
RATIO_HTTP=$(median $(ratios rpemu-http nginx-http))
RATIO_HTTPS=$(median $(ratios rpemu-https nginx-https))
RATIO_PUT=$(median $(ratios rpemu-put nginx-http))

{
    printf '# rpemu foundation benchmark, %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
    printf '# machine: %s cores, %s; wrk -t%s -c%s -d%ss on the same cores; RUNS=%s (medians)\n' \
        "$(nproc)" "$CPU_MODEL" "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS"
    printf '# load average before %s, after %s; body %s bytes; %s\n' "$LOAD_BEFORE" "$LOAD_AFTER" "$BODY_BYTES" "$(source_line)"
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
        printf '  %-12s %s\n' "$f" "$(awk '{printf "%s%s %s %s %s %s %s%% %.0fus %.1fMB", (NR > 1 ? " | " : ""), $1, $2, $3, $4, $5, $6, $7, $8 / 1024}' "$WORK/$f")"
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
