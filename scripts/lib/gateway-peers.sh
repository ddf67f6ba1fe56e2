# Shared by scripts/interop-dtmf and scripts/demo: per-run ports, `gatehouse run` on loopback, a
# baresip softphone (ctrl_tcp, auto answer) and sipp peers/door stations, every step bounded.
#
# The caller sets ROOT (the repository), WORK (its temp dir), GATEHOUSE (the binary) and
# GATEHOUSE_TEST_PASSWORD, writes "$WORK/gatehouse.yaml", and calls `stop_started` from its EXIT
# trap: only the processes started here (GATEWAY_PID, PEER_PIDS, OTHER_PIDS) are stopped, by PID.

GATEWAY_PID=""
GATEWAY_PORT=""
PEER_PIDS=()
PEER_LABELS=()
OTHER_PIDS=()

# Ports below the kernel's ephemeral range (see scripts/interop-calls): a per-run block in
# 20000-27999 for sipp and baresip, the gateway's media range in 28000-29999.
NEXT_PORT=$((20000 + (RANDOM % 38) * 200 + ($$ % 25) * 4))
MEDIA_BASE=$((28000 + (RANDOM % 19) * 100))
# next_port: sets PORT to a fresh block of four.
next_port() { NEXT_PORT=$((NEXT_PORT + 4)); PORT=$NEXT_PORT; }

sipp_common=(-nostdin -m 1 -timeout_error -trace_msg)
# Extra sipp arguments for the next sipp_peer/sipp_door (e.g. `-key event_pt 96`); reset by the caller.
SIPP_KEYS=()

# stop_started: TERM to every peer and helper, then the gateway (KILL after 5 s).
stop_started() {
    local pid
    for pid in "${PEER_PIDS[@]}" "${OTHER_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    if [[ -n "$GATEWAY_PID" ]]; then
        kill -TERM "$GATEWAY_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$GATEWAY_PID" 2>/dev/null || true
    fi
}

# start_gateway: `gatehouse run --config $WORK/gatehouse.yaml` (output in $WORK/gateway.log and
# gateway.err); sets GATEWAY_PID and GATEWAY_PORT (its UDP port), and ADMIN when the admin API
# listens. Fails after 10 s without a listener.
start_gateway() {
    : >"$WORK/gateway.log"  # exists before the loop below reads it (the background job opens it only after the fork)
    "$GATEHOUSE" run --config "$WORK/gatehouse.yaml" >"$WORK/gateway.log" 2>"$WORK/gateway.err" &
    GATEWAY_PID=$!
    for _ in $(seq 1 100); do
        GATEWAY_PORT=$(sed -n 's/^listening udp 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$WORK/gateway.log" | head -1)
        [[ -n "$GATEWAY_PORT" ]] && break
        kill -0 "$GATEWAY_PID" 2>/dev/null || break
        sleep 0.1
    done
    ADMIN=$(sed -n 's/^listening admin \(127\.0\.0\.1:[0-9]*\)$/\1/p' "$WORK/gateway.log" | head -1)
    [[ -n "$GATEWAY_PORT" ]]
}

# baresip_available: baresip with the ctrl_tcp module is installed (Debian: baresip-core).
baresip_available() { command -v baresip >/dev/null && [[ -r /usr/lib/baresip/modules/ctrl_tcp.so ]]; }

# baresip_start USER CODECS [ACCOUNT_PARAMS [MODULES]]: baresip registered as USER (digest,
# GATEHOUSE_TEST_PASSWORD) with the gateway, auto answer, audio codecs CODECS (e.g. opus/48000/2), a
# 440 Hz tone as its microphone; ACCOUNT_PARAMS (e.g. ";mediaenc=srtp-mand") and extra MODULES
# (e.g. "srtp"; "sndfile" records what baresip decoded in $WORK/baresip/dump-*-dec.wav) when given. Sets BARESIP_PID, BARESIP_CTRL (its ctrl_tcp port), BARESIP_SIP (its SIP
# port) and BARESIP_RTP (the first of its four RTP ports); the log is $WORK/baresip.log.
baresip_start() {
    local user=$1 codecs=$2 params=${3:-} extra=${4:-}
    next_port; local sip=$PORT; BARESIP_SIP=$sip
    next_port; local rtp=$PORT; BARESIP_RTP=$rtp
    next_port; BARESIP_CTRL=$PORT
    mkdir -p "$WORK/baresip"
    {
        echo "poll_method epoll"
        echo "sip_listen 127.0.0.1:$sip"
        echo "sip_transports udp"
        echo "audio_source ausine,440"
        echo "audio_player aufile,$WORK/baresip/heard.wav"
        echo "audio_alert aufile,$WORK/baresip/alert.wav"
        echo "rtp_ports $rtp-$((rtp + 3))"
        echo "ctrl_tcp_listen 127.0.0.1:$BARESIP_CTRL"
        echo "snd_path $WORK/baresip"
        echo "module_path /usr/lib/baresip/modules"
        for module in g711 opus ausine aufile $extra; do echo "module $module.so"; done
        echo "module_app account.so"
        echo "module_app menu.so"
        echo "module_app ctrl_tcp.so"
    } >"$WORK/baresip/config"
    echo "<sip:$user@127.0.0.1:$GATEWAY_PORT;transport=udp>;auth_pass=$GATEHOUSE_TEST_PASSWORD;answermode=auto;audio_codecs=$codecs;regint=600$params" \
        >"$WORK/baresip/accounts"
    timeout 90 baresip -f "$WORK/baresip" >"$WORK/baresip.log" 2>&1 </dev/null &
    BARESIP_PID=$!
    OTHER_PIDS+=("$BARESIP_PID")
}

# baresip_registered USER: up to 5 s for the gateway to log USER's binding.
baresip_registered() {
    for _ in $(seq 1 50); do
        grep -q "aor=sip:$1@" "$WORK/gateway.err" && return 0
        sleep 0.1
    done
    return 1
}

# baresip_press_when_answered DIGIT [DELAY]: in the background, once baresip logs the established
# call, wait DELAY seconds (default 4) and press DIGIT through ctrl_tcp `sndcode` (RFC 4733).
# The reply is in $WORK/sndcode.log.
baresip_press_when_answered() {
    local digit=$1 delay=${2:-4}
    cat >"$WORK/sndcode.py" <<'PY'
import json, socket, sys
command = json.dumps({"command": "sndcode", "params": sys.argv[2], "token": "door"}).encode()
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=4) as s:
    s.sendall(str(len(command)).encode() + b":" + command + b",")
    print(s.recv(4096).decode(errors="replace"))
PY
    (
        for _ in $(seq 1 100); do grep -q "Call established" "$WORK/baresip.log" && break; sleep 0.1; done
        sleep "$delay"
        timeout 5 python3 "$WORK/sndcode.py" "$BARESIP_CTRL" "$digit" >"$WORK/sndcode.log" 2>&1 || true
    ) &
    OTHER_PIDS+=($!)
}

# baresip_stop: TERM (baresip unregisters on the way out), up to 5 s for it to exit.
baresip_stop() {
    kill -TERM "$BARESIP_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$BARESIP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$BARESIP_PID" 2>/dev/null || true
    wait "$BARESIP_PID" 2>/dev/null || true
}

# sipp_peer CASE LABEL SCENARIO IP PORT: a sipp UAS in the background ($WORK/CASE-LABEL.msg);
# PEER_MEDIA is its media port.
sipp_peer() {
    local case=$1 label=$2 scenario=$3 ip=$4 port=$5
    next_port; local media=$PORT; PEER_MEDIA=$media
    (cd "$WORK" && exec timeout -k 5 40 sipp -sf "$ROOT/scripts/sipp/$scenario.xml" -i "$ip" -p "$port" -mp "$media" \
        -timeout 30 "${sipp_common[@]}" "${SIPP_KEYS[@]}" -message_file "$WORK/$case-$label.msg" >"$WORK/$case-$label.log" 2>&1) &
    PEER_PIDS+=($!)
    PEER_LABELS+=("$label")
}

# sipp_door CASE SCENARIO NUMBER IP MEDIA_PORT: the calling door station in the foreground
# ($WORK/CASE-door.msg), then waits for every peer. Fails when any of them did; DOOR_FAILED says which.
sipp_door() {
    local case=$1 scenario=$2 number=$3 ip=$4 media=$5
    next_port; local port=$PORT
    sleep 0.5
    local status=0
    (cd "$WORK" && exec timeout -k 5 40 sipp 127.0.0.1:"$GATEWAY_PORT" -sf "$ROOT/scripts/sipp/$scenario.xml" -i "$ip" -p "$port" \
        -mp "$media" -s "$number" -timeout 30 "${sipp_common[@]}" "${SIPP_KEYS[@]}" -message_file "$WORK/$case-door.msg" \
        >"$WORK/$case-door.log" 2>&1) || status=$?
    DOOR_FAILED=""
    [[ $status -eq 0 ]] || DOOR_FAILED="door exit $status"
    local index=0 pid
    for pid in "${PEER_PIDS[@]}"; do
        local peer_status=0
        wait "$pid" || peer_status=$?
        [[ $peer_status -eq 0 ]] || DOOR_FAILED="$DOOR_FAILED ${PEER_LABELS[$index]} exit $peer_status"
        index=$((index + 1))
    done
    PEER_PIDS=()
    PEER_LABELS=()
    [[ -z "$DOOR_FAILED" ]]
}

# received_info MSG_FILE: the first INFO request sipp received, as text (sipp's -trace_msg file).
received_info() {
    tr -d '\r' <"$1" | awk '
        /^----------------------------------------------- / { inmsg = 0; if (done) exit }
        /message received/ { recv = 1; next }
        /message sent/ { recv = 0; next }
        recv && /^INFO / { inmsg = 1; done = 1 }
        inmsg { print }'
}
