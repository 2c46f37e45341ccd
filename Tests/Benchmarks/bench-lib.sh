# Shared by the benchmark programs (foundation.sh, restore-points.sh): sourced, never run. Everything a
# benchmark needs besides its own measurements: the CI guard, the cleanup of every process it starts, tools
# from apt, the release build, starting rpemu and timing it to ready, nginx as the same-run baseline, wrk
# runs with the server's CPU, and the small arithmetic of the tables. Results and docs: docs/performance.md.
#
# The sourcing script sets BENCH (its name, for messages) and may set, before sourcing, the environment its
# header documents; bench_init reads RUNS, DURATION, CONNECTIONS, THREADS, STARTS, SCRATCH, SKIP_BUILD,
# RPEMU_BIN and FORCE.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/Tests/Benchmarks"
RUNS="${RUNS:-1}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
STARTS="${STARTS:-5}"
SCRATCH="${SCRATCH:-.build-bench}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
SUB="00000000-0000-0000-0000-000000000001"
AUTH="Authorization: Bearer x"

say() { printf '==> %s\n' "$*" >&2; }
die() {
    printf '%s: %s\n' "$BENCH" "$*" >&2
    exit 1
}

# A benchmark, not a test: CI never runs it (DESIGN.md "Tests").
if [[ "${CI:-}" == "true" && "${FORCE:-}" != "1" ]]; then
    echo "$BENCH: not run under CI (a benchmark, not a test); FORCE=1 to override"
    exit 0
fi
cd "$ROOT" || exit 1

# ---------------------------------------------------------------- cleanup: every process we start
PIDS=()
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rpemu-$BENCH.XXXXXX")"
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do
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

now_us() { local t="${EPOCHREALTIME/./}"; echo "$((10#$t))"; }

# stop_pid <pid> [seconds=2]: SIGTERM, then SIGKILL after <seconds>. Sets STOP_US and STOP_HOW (term|kill);
# TERM_STOPS and TERM_KILLS count how each process stopped.
TERM_STOPS=0 TERM_KILLS=0
stop_pid() {
    local t0 n=$((${2:-2} * 20))
    t0=$(now_us)
    kill -TERM "$1" 2>/dev/null
    for _ in $(seq 1 "$n"); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.05
    done
    STOP_HOW=term
    if kill -0 "$1" 2>/dev/null; then
        kill -KILL "$1" 2>/dev/null
        STOP_HOW=kill
        ((++TERM_KILLS))
    else
        ((++TERM_STOPS))
    fi
    wait "$1" 2>/dev/null
    STOP_US=$(($(now_us) - t0))
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

# bench_tools <apt packages...>: installs what is missing; sets NGINX.
bench_tools() {
    install_if_missing "$@"
    NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
    [[ -x "$NGINX" ]] || die "nginx not found"
    [[ -n "${EPOCHREALTIME:-}" ]] || die "bash 5 needed (EPOCHREALTIME)"
}

# ---------------------------------------------------------------- build
# Sets BIN: RPEMU_BIN when given, else the release build in $SCRATCH (built unless SKIP_BUILD=1).
build_rpemu() {
    if [[ -n "${RPEMU_BIN:-}" ]]; then
        BIN="$RPEMU_BIN"
    else
        [[ "$SCRATCH" == /* ]] && BIN="$SCRATCH/release/rpemu" || BIN="$ROOT/$SCRATCH/release/rpemu"
        if [[ "${SKIP_BUILD:-}" != "1" ]]; then
            say "swift build -c release --product rpemu --scratch-path $SCRATCH"
            swift build -c release --product rpemu --scratch-path "$SCRATCH" >"$WORK/build.log" 2>&1 ||
                { tail -40 "$WORK/build.log" >&2; die "release build failed"; }
        fi
    fi
    [[ -x "$BIN" ]] || die "no binary at $BIN (build first, unset SKIP_BUILD, or set RPEMU_BIN)"
    mkdir -p "$RESULTS"
}

# What was measured, for the table's header.
source_line() {
    local head
    head="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    if [[ -n "${RPEMU_BIN:-}" ]]; then
        echo "binary $RPEMU_BIN (tree at $head)"
    else
        echo "source $head$(git -C "$ROOT" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' + uncommitted changes in Sources')"
    fi
}

# ---------------------------------------------------------------- starting rpemu
# One GET /_emulator/ready over bash's /dev/tcp (builtins only, no fork): 0 when the status line is 200.
ready_once() {
    local fd status
    { exec {fd}<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
    printf 'GET /_emulator/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&"$fd" 2>/dev/null
    IFS= read -r -t 2 status <&"$fd"
    exec {fd}>&-
    [[ "$status" == "HTTP/1.1 200"* ]]
}

# start_rpemu <tag> <serve flags...>: starts `rpemu serve` on ports 0 and measures exec → both listening lines →
# first 200 of /_emulator/ready. EPOCHREALTIME (1 µs) is read just before the fork; the stdout file is polled
# with bash builtins only (a few µs per poll). Sets RP_PID RP_HTTP RP_HTTPS RP_LISTEN_US RP_READY_US RP_POLLS.
start_rpemu() {
    local tag="$1" out="$WORK/rpemu-$1.out" line t0 t1 t2 polls=0
    shift
    : >"$out"
    t0=$(now_us)
    "$BIN" serve --http-port 0 --https-port 0 "$@" >"$out" 2>"$WORK/rpemu-$tag.err" &
    RP_PID=$!
    PIDS+=("$RP_PID")
    RP_HTTP="" RP_HTTPS=""
    while [[ -z "$RP_HTTP" || -z "$RP_HTTPS" ]]; do
        while IFS= read -r line; do
            [[ "$line" =~ ^rpemu:\ listening\ http://127\.0\.0\.1:([0-9]+) ]] && RP_HTTP="${BASH_REMATCH[1]}"
            [[ "$line" =~ ^rpemu:\ listening\ https://127\.0\.0\.1:([0-9]+) ]] && RP_HTTPS="${BASH_REMATCH[1]}"
        done <"$out"
        ((++polls))
        if ((polls % 1000 == 0)); then
            kill -0 "$RP_PID" 2>/dev/null || { cat "$WORK/rpemu-$tag.err" >&2; die "rpemu exited during start"; }
            (($(now_us) - t0 > 60000000)) && die "rpemu did not print its ports within 60 s"
        fi
    done
    t1=$(now_us)
    until ready_once "$RP_HTTP"; do
        ((++polls))
        (($(now_us) - t0 > 60000000)) && die "rpemu not ready within 60 s"
    done
    t2=$(now_us)
    RP_LISTEN_US=$((t1 - t0)) RP_READY_US=$((t2 - t0)) RP_POLLS=$polls
}

# ---------------------------------------------------------------- nginx, the same body as a static file
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

# publish_body <url> <file name>: GETs <url> from rpemu (must answer 200) into $WORK/www/<file name>, which
# nginx serves. Sets BODY_BYTES.
publish_body() {
    local code
    mkdir -p "$WORK/www"
    # nginx started as root runs its worker as nobody: let it traverse $WORK (not list it) and read www.
    chmod 711 "$WORK"
    chmod 755 "$WORK/www"
    code="$(curl -sS -o "$WORK/www/$2" -w '%{http_code}' -H "$AUTH" "$1")"
    [[ "$code" == 200 ]] || die "GET $1 answered $code"
    chmod 644 "$WORK/www/$2"
    BODY_BYTES="$(stat -c %s "$WORK/www/$2")"
}

# start_nginx <file name> [<certificate> <key>]: one worker, access log off, keep-alive with no request cap
# (like rpemu, so no reconnects mid-run), serving $WORK/www over HTTP and, given a certificate, over HTTPS
# too; checks with cmp that it serves the published bytes. Sets NGX_HTTP NGX_HTTPS NGINX_PID NGINX_WORKER.
start_nginx() {
    local file="$1" tls=""
    NGX_HTTP="$(free_port)" NGX_HTTPS=""
    if (($# == 3)); then
        NGX_HTTPS="$(free_port)"
        while [[ "$NGX_HTTPS" == "$NGX_HTTP" ]]; do NGX_HTTPS="$(free_port)"; done
        tls="listen 127.0.0.1:$NGX_HTTPS ssl; ssl_certificate $2; ssl_certificate_key $3; ssl_protocols TLSv1.2 TLSv1.3;"
    fi
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
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:$NGX_HTTP;
        $tls
        root $WORK/www;
        location / { try_files \$uri =404; }
    }
}
EOF
    "$NGINX" -p "$WORK/nginx" -e "$WORK/nginx/logs/error.log" -c "$WORK/nginx/nginx.conf" &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$NGX_HTTP/$file" && break
        sleep 0.05
    done
    cmp -s <(curl -sf "http://127.0.0.1:$NGX_HTTP/$file") "$WORK/www/$file" || die "nginx does not serve the body (see its error log)"
    if [[ -n "$NGX_HTTPS" ]]; then
        cmp -s <(curl -sfk "https://127.0.0.1:$NGX_HTTPS/$file") "$WORK/www/$file" || die "nginx HTTPS does not serve the body"
    fi
    NGINX_WORKER="$(cat "/proc/$NGINX_PID/task/$NGINX_PID/children" 2>/dev/null | awk '{print $1}')"
    [[ -n "$NGINX_WORKER" ]] || NGINX_WORKER="$NGINX_PID"
    say "nginx pid $NGINX_PID (worker $NGINX_WORKER): http $NGX_HTTP${NGX_HTTPS:+, https $NGX_HTTPS}, body $BODY_BYTES bytes"
}

# ---------------------------------------------------------------- measuring
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
rss_kb() { status_kb "$1" VmRSS; }
# "VmRSS RssAnon RssFile VmHWM" in kB
mem_kb() { echo "$(status_kb "$1" VmRSS) $(status_kb "$1" RssAnon) $(status_kb "$1" RssFile) $(status_kb "$1" VmHWM)"; }
# utime+stime of a process in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
CLK_TCK="$(getconf CLK_TCK)"

machine_info() {
    LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
    CPU_MODEL="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
    say "machine: $(nproc) cores, $CPU_MODEL, load $LOAD_BEFORE"
}

# wrk output → "rps p50_ms p99_ms non2xx errors"
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

# run_wrk <name> <run> <server pid> <url> [wrk args...] (GNU getopt permutes: the url may come first, -- ends
# the options) → appends "rps p50 p99 non2xx errors cpu% cpu_us_per_request rss_kb_1s_after" to $WORK/<name>.
# cpu% is the server's share of one core over the run (100 = one core busy throughout).
run_wrk() {
    local name="$1" run="$2" pid="$3" url="$4"
    shift 4
    local file="$RESULTS/wrk-$name-run$run.txt" c0 c1 fields
    say "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency $url $*   ($name, run $run)"
    c0=$(cpu_ticks "$pid")
    timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url" "$@" >"$file" 2>&1
    c1=$(cpu_ticks "$pid")
    fields="$(parse_wrk "$file")"
    sleep 1
    echo "$fields $(awk -v d=$((c1 - c0)) -v hz="$CLK_TCK" -v s="$DURATION" -v r="${fields%% *}" \
        'BEGIN {printf "%.0f %.1f", 100 * d / hz / s, (r > 0 ? 1e6 * d / hz / (r * s) : 0)}') $(rss_kb "$pid")" >>"$WORK/$name"
}

# ---------------------------------------------------------------- tables
col() { awk -v c="$2" '{print $c}' "$WORK/$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "nan"; else print a[int((NR + 1) / 2)]}'; }
ratios() { # per-run ratio of column 1 of file $1 to file $2
    paste -d' ' <(col "$1" 1) <(col "$2" 1) | awk '{ if ($2 > 0) printf "%.3f\n", $1 / $2; else print "nan" }'
}
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { if (v == "nan" || v == "") print "?"; else if ((op == ">=" && v + 0 >= t + 0) || (op == "<" && v + 0 < t + 0) || (op == "<=" && v + 0 <= t + 0)) print "yes"; else print "NO" }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "nan") printf "%.3f", a / b; else print "nan" }'; }
ms() { awk -v v="$1" 'BEGIN { printf "%.1f ms", v / 1000 }'; }
MB() { awk -v v="$1" 'BEGIN { printf "%.1f MB", v / 1024 }'; }
# "1234567" → "1,234,567"
num() { awk -v v="$1" 'BEGIN { s = sprintf("%d", v); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }; print s r }'; }
