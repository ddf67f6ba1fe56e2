# Shared by the signalling benchmarks (scripts/bench-sipstack, scripts/bench-b2bua): a sipp `uac`
# call-rate ladder against a system under test, with CPU per call from /proc.
#
# The caller sets: STEP (seconds per step), RATES (the ladder), WORK (temp dir), PIDS (array of
# processes to stop on exit), UAC_IP / UAC_PORT / UAC_MEDIA_PORT (where sipp's uac binds), and
# declares `declare -A RESULT PASSED`. A step passes with < 0.1% failed or missing calls and an achieved
# rate ≥ 97% of the target (BENCHMARKING.md), allowing 1 s of sipp start-up and tail.

TICKS=$(getconf CLK_TCK)

# cpu_ticks PID...: utime+stime of the processes (children included once they are reaped).
cpu_ticks() {
    local total=0 pid
    for pid in "$@"; do
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# wait_quiet: up to 10 s for the 1-minute load to fall under 1.5; prints the load seen.
wait_quiet() {
    local load
    for _ in $(seq 1 10); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        awk -v l="$load" 'BEGIN { exit !(l < 1.5) }' && break
        sleep 1
    done
    cut -d' ' -f1 /proc/loadavg
}

# sipp_field LOG ROW: the cumulative column of a row of sipp's final statistics screen.
sipp_field() { grep -E "$2" "$1" | tail -1 | awk -F'|' '{gsub(/ /,"",$3); print $3}'; }

# cpu_stat: "total idle steal" jiffies of all cores from /proc/stat (idle includes iowait).
cpu_stat() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $5 + $6, $9; exit }' /proc/stat; }

# run_step NAME TARGET RATE PIDS...: one step of RATE calls/s for STEP seconds; sets STEP_OK,
# STEP_FAILED (503s included), STEP_REFUSED (503s), STEP_MISSING, STEP_ACHIEVED, STEP_US (CPU µs per successful call of PIDS) and
# prints the row, with the machine's idle and steal share during the step (a step refused with
# idle cores or steal time is the VM's stall, not the system's limit) and, when the caller
# defines `step_note`, its output (e.g. which overload signal refused). Extra sipp options come
# from UAC_OPTIONS; UAC_SCENARIO replaces `-sn uac`.
run_step() {
    local name=$1 target=$2 rate=$3
    shift 3
    local calls=$((rate * STEP)) load log="$WORK/$name-$rate.log" before after status=0
    load=$(wait_quiet)
    local stat_before stat_after
    stat_before=$(cpu_stat)
    before=$(cpu_ticks "$@")
    # shellcheck disable=SC2086
    timeout $((STEP * 3 + 40)) sipp ${UAC_SCENARIO:--sn uac} "$target" -i "$UAC_IP" -p "$UAC_PORT" -mp "$UAC_MEDIA_PORT" \
        -r "$rate" -rp 1000 -m "$calls" -nostdin -timeout $((STEP * 3 + 30)) -timeout_error \
        -buff_size 4194304 -default_behaviors all,-abortunexp -max_socket 4096 ${UAC_OPTIONS:-} >"$log" 2>&1 || status=$?
    after=$(cpu_ticks "$@")
    stat_after=$(cpu_stat)
    STEP_OK=$(sipp_field "$log" "Successful call"); STEP_OK=${STEP_OK:-0}
    STEP_FAILED=$(sipp_field "$log" "Failed call"); STEP_FAILED=${STEP_FAILED:-0}
    # A scenario that ACKs a 503 and ends the call (scripts/sipp/bench-uac.xml) has sipp count it
    # as successful: the 503 row of its statistics says how many were refused, the other
    # 4xx–6xx rows (486 from a concurrent-call limit, …) how many were rejected otherwise.
    STEP_REFUSED=$(grep -E '^ +503 <-' "$log" | tail -1 | awk '{print $3}')
    STEP_REFUSED=${STEP_REFUSED:-0}
    local rejected
    rejected=$(grep -E '^ +[456][0-9][0-9] <-' "$log" | grep -vE '^ +503 <-' | awk '{ s += $3 } END { print s + 0 }')
    STEP_OK=$((STEP_OK - STEP_REFUSED - rejected))
    STEP_FAILED=$((STEP_FAILED + STEP_REFUSED + rejected))
    STEP_MISSING=$((calls - STEP_OK - STEP_FAILED))
    STEP_ACHIEVED=$(sipp_field "$log" "Call Rate" | sed 's/cps//' | awk '{ printf "%d", $1 }')
    STEP_ACHIEVED=${STEP_ACHIEVED:-0}
    STEP_US=$(awk -v d=$((after - before)) -v k="$TICKS" -v ok="$STEP_OK" 'BEGIN { if (ok > 0) printf "%.1f", d / k * 1e6 / ok; else print "-" }')
    local idle_steal
    idle_steal=$(awk -v b="$stat_before" -v a="$stat_after" 'BEGIN { split(b, x, " "); split(a, y, " ");
        t = y[1] - x[1]; if (t <= 0) { print "-"; exit } printf "%.0f%%/%.1f%%", 100 * (y[2] - x[2]) / t, 100 * (y[3] - x[3]) / t }')
    printf "%8d %10d %10d %8d %8d %8d %12s %8s %11s" "$rate" "$STEP_ACHIEVED" "$STEP_OK" "$STEP_FAILED" "$STEP_REFUSED" "$STEP_MISSING" "$STEP_US" "$load" "$idle_steal"
    if declare -F step_note >/dev/null; then printf "  %s" "$(step_note)"; fi
    printf "\n"
}

# step_header: the column titles of run_step's rows (failed includes the 503s).
step_header() {
    printf "%8s %10s %10s %8s %8s %8s %12s %8s %11s\n" target achieved successful failed "of:503" missing "µs CPU/call" load idle/steal
}

# step_passed RATE: whether the last step met the pass rule. sipp's achieved rate is its calls
# over the whole run, start-up and the last calls' end included: up to 1 s of that is allowed
# (on a loaded machine it alone took 5% of a 10 s step, failing steps that lost nothing).
step_passed() {
    local bad=$((STEP_FAILED + STEP_MISSING))
    awk -v bad="$bad" -v calls=$(($1 * STEP)) -v a="$STEP_ACHIEVED" -v r="$1" -v s="$STEP" \
        'BEGIN { exit !(bad * 1000 < calls && a >= 0.97 * r * s / (s + 1)) }'
}

# ladder NAME TARGET PIDS...: steps RATES until a step fails; RESULT[NAME]="best µs/call", and
# PASSED["NAME:RATE"]="µs/call" for every step that passed.
ladder() {
    local name=$1 target=$2
    shift 2
    local best=0 best_cpu="-" rate
    echo
    echo "== $name (measured pids $*)"
    step_header
    for rate in $RATES; do
        run_step "$name" "$target" "$rate" "$@"
        if step_passed "$rate"; then
            best=$rate
            best_cpu=$STEP_US
            PASSED["$name:$rate"]=$STEP_US
        else
            break
        fi
    done
    echo "$name: highest sustained rate $best calls/s (CPU ${best_cpu} µs/call at that rate)"
    RESULT[$name]="$best $best_cpu"
}
