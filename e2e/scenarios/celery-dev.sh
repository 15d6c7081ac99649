#!/usr/bin/env bash
# Issue 10, celery-dev: the development environment of the requirements/ project (postgres,
# redis, a Celery worker and beat), as `docker compose up --build` in the folder starts it
# (the compose file and its override). The worker and beat run under `watchmedo
# auto-restart`; the scenario proves that a save of a task's module on the host restarts
# both, in the same containers, and that the worker then runs the new code:
#
#   1. a task sent through the API (POST /api/runs/add/, the view calls add.delay) returns the
#      sample's result; a periodic task added to django_celery_beat's table (every 2 s) is sent
#      by beat;
#   2. tasks/tasks.py is saved on the host with a marker added to the task's result, twice:
#      renamed over the old file (sed -i; vim, JetBrains' safe write), then truncated and
#      written in place (VS Code), since inotify reports the two differently;
#   3. after each save, within RESTART_LIMIT_S: the worker's Celery process is a new one
#      (watchmedo, PID 1 of the same container, started it; the old one shut down warm) and
#      logs `ready.`; the same task sent again returns the marked result; beat's Celery process
#      is new too, its pidfile names it (no stale pidfile error) and it goes on sending the
#      periodic task, which the new worker runs; each restarted once (an in-place save at most twice: see count_starts); no container was
#      recreated or restarted.
#
# Records, for each save (rename_…, in_place_…), from the save on the host: worker_exit_ms (the
# old worker process gone), worker_ready_ms (the new one's `ready.`), task_new_code_ms (the API
# showing a task's result from the new code), beat_ready_ms (the new beat's `beat:
# Starting...`), and worker_starts / beat_starts (how many times each started).
# shellcheck disable=SC2317 # the functions below run through `check`
set -euo pipefail
# shellcheck source=e2e/scenario.sh
source "$(dirname "$0")/../scenario.sh"

# From the edit on the host to the worker and beat running the new code.
RESTART_LIMIT_S=30

scenario_start celery-dev requirements-celery
prepare_sample requirements-celery
init_project
dev_stack docker-compose.override.yml
compose_ready
config_check
up dev

# service_log SERVICE: its last lines, to show why a check failed.
service_log() { compose logs --no-color --tail 15 "$1" 2>&1 | sed 's/^/    | /' >&2; }
dev_user() {
	local uid gid
	uid=$(sed -n 's/^DEV_UID=//p' "$APP/.env") gid=$(sed -n 's/^DEV_GID=//p' "$APP/.env")
	echo "${uid:-1000}:${gid:-1000}"
}
runs_as_dev_user() {
	local s id user bad=0
	for s in web worker beat; do
		id=$(compose ps -q "$s") || return 1
		user=$("$DOCKER" inspect -f '{{.Config.User}}' "$id")
		log "[$SCENARIO] $s runs as $user"
		[ "$user" = "$(dev_user)" ] || bad=1
	done
	return "$bad"
}
check "web, worker and beat run as DEV_UID:DEV_GID ($(dev_user))" runs_as_dev_user

# The Celery process of a service: watchmedo is the container's first process (beat's sh
# execs it); the Celery main process is its child. Host PIDs, read with `docker top`.
# celery_procs SERVICE: prints "WATCHMEDO_PID CELERY_PID" (CELERY_PID empty between a stop and
# a start).
celery_procs() {
	local id
	id=$(compose ps -q "$1") || return 1
	"$DOCKER" top "$id" -eo pid,ppid,args | awk '
		NR == 1 { next }
		$3 ~ /python/ && $0 ~ /watchmedo auto-restart/ && wm == "" { wm = $1 }
		{ pid[NR] = $1; ppid[NR] = $2 }
		END { for (i in pid) if (ppid[i] == wm) c = pid[i]; if (wm == "") exit 1; print wm, c }'
}
# in_container_pid HOST_PID: the PID a process has in its container's namespace.
in_container_pid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }

# The task, sent through the API; RUN_ID is the TaskRun's id.
RUN_ID=
enqueue() {
	local got i
	# runserver reloads on the same edit: a refused connection is retried, for 20 s.
	for ((i = 0; i < 40; i++)); do
		: >"$RUN_DIR/body"
		got=$(curl -sS -m 45 -o "$RUN_DIR/body" -w '%{http_code}' -H 'Content-Type: application/json' \
			-d '{"x": 2, "y": 40}' "$WEB_URL/api/runs/add/" 2>/dev/null) || true
		[ "$got" = 000 ] || break
		sleep 0.5
	done
	log "[$SCENARIO] POST /api/runs/add/ -> $got $(tr -s "\n " " " 2>/dev/null <"$RUN_DIR/body" | head -c 160)"
	[ "$got" = 202 ] || { service_log web; return 1; }
	RUN_ID=$(jq -r .id "$RUN_DIR/body")
}
run_done() {
	[ "$(http_get "/api/runs/$RUN_ID/")" = 200 ] && jq -e '.status == "success"' "$RUN_DIR/body" >/dev/null
}
# task_returns JQ: a task sent now succeeds (within 60 s) with a result that JQ accepts.
task_returns() {
	enqueue || return 1
	wait_until 60 "run $RUN_ID to succeed" run_done || { cat "$RUN_DIR/body" >&2; echo >&2; service_log worker; return 1; }
	log "[$SCENARIO] GET /api/runs/$RUN_ID/ -> $(jq -c '{status, result}' "$RUN_DIR/body")"
	jq -e ".result | $1" "$RUN_DIR/body" >/dev/null
}
check "the worker runs a task sent through the API: result {sum: 42}" task_returns '. == {"sum": 42}'

# A periodic task beat sends every 2 s (from the database: beat's DatabaseScheduler).
add_tick() {
	compose exec -T web python manage.py shell -c '
from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(name="e2e-tick", task="tasks.tasks.purge_old_runs", interval=every, args="[3650]")
' </dev/null
}
beat_sent_tick() { grep -q 'Sending due task e2e-tick' <<<"$("$DOCKER" logs "$(compose ps -q beat)" 2>&1)"; }
tick_runs() {
	add_tick || return 1
	wait_until 30 "beat to send e2e-tick" beat_sent_tick || { service_log beat; return 1; }
}
check "beat sends a periodic task added to its database schedule (every 2 s)" tick_runs

containers_state() {
	local s
	for s in web worker beat; do
		"$DOCKER" inspect -f "$s {{.Id}} {{.State.StartedAt}} {{.RestartCount}} {{.Image}}" "$(compose ps -q "$s")"
	done
}
containers_state >"$RUN_DIR/containers-before"

since_edit_ms() { echo $((($(date +%s%N) - EDIT_NS) / 1000000)); }
# logs_since_edit SERVICE: its log lines since the edit (whole, so a grep -q after it cannot
# cut the pipe and fail it under pipefail).
logs_since_edit() {
	local out
	out=$("$DOCKER" logs --since "$EDIT_AT" "$(compose ps -q "$1")" 2>&1) || return 1
	printf '%s\n' "$out"
}
# logged_since_edit SERVICE ERE: the service logged a line matching ERE since the edit.
logged_since_edit() { grep -qE "$2" <<<"$(logs_since_edit "$1")"; }

# The edits, on the host: the line that sets the task's result, replaced by one with a marker.
# saved_by_rename LINE: tasks/tasks.py written anew and renamed over the old one (sed -i; vim,
# JetBrains' safe write).
saved_by_rename() {
	local new=$1
	sed -i "s/^    run\.result = .*/$new/" "$APP/tasks/tasks.py"
}
# saved_in_place LINE: the same file truncated and written again (VS Code, gedit, most editors'
# plain save): inotify reports a modification and a close-after-write.
saved_in_place() {
	local new=$1 text
	text=$(sed "s/^    run\.result = .*/$new/" "$APP/tasks/tasks.py")
	printf '%s\n' "$text" >"$APP/tasks/tasks.py"
}

# edit_round NAME SAVE MARKER: save tasks/tasks.py with SAVE so that the result gains MARKER,
# then check within RESTART_LIMIT_S that the worker and beat restarted once, in the same
# containers, and run the new code. Records NAME_worker_exit_ms, NAME_worker_ready_ms,
# NAME_beat_ready_ms, NAME_task_new_code_ms, NAME_worker_starts, NAME_beat_starts.
edit_round() {
	local name=$1 save=$2 marker=$3 ms wm pid
	local worker_wm worker_pid beat_wm beat_pid worker_exit='' worker_ready='' beat_ready=''
	read -r worker_wm worker_pid < <(celery_procs worker) || die "no watchmedo in the worker container"
	read -r beat_wm beat_pid < <(celery_procs beat) || die "no watchmedo in the beat container"
	{ [ -n "$worker_pid" ] && [ -n "$beat_pid" ]; } || die "no Celery process under watchmedo (worker: '$worker_pid', beat: '$beat_pid')"
	log "[$SCENARIO] $name: before the edit, worker watchmedo $worker_wm, celery $worker_pid; beat watchmedo $beat_wm, celery $beat_pid (host PIDs)"
	grep -q '^    run\.result = ' "$APP/tasks/tasks.py" || die "tasks/tasks.py has no run.result line"
	EDIT_AT=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	EDIT_NS=$(date +%s%N)
	"$save" "    run.result = {\"sum\": x + y, \"edited\": \"$marker\"}"
	log "[$SCENARIO] $name: tasks/tasks.py saved on the host ($save): the result gains \"edited\": \"$marker\""

	# Every 0.1 s: the old worker process gone, the new worker ready, the new beat started.
	while :; do
		ms=$(since_edit_ms)
		if [ -z "$worker_exit" ] && ! kill -0 "$worker_pid" 2>/dev/null; then worker_exit=$ms; fi
		if [ -z "$worker_ready" ] && logged_since_edit worker 'celery@[^ ]* ready\.'; then worker_ready=$ms; fi
		if [ -z "$beat_ready" ] && logged_since_edit beat 'beat: Starting\.\.\.'; then beat_ready=$ms; fi
		[ -n "$worker_exit" ] && [ -n "$worker_ready" ] && [ -n "$beat_ready" ] && break
		[ "$ms" -lt $((RESTART_LIMIT_S * 1000)) ] || break
		sleep 0.1
	done
	log "[$SCENARIO] $name: old worker process gone after ${worker_exit:-never} ms, new worker ready after ${worker_ready:-never} ms, new beat started after ${beat_ready:-never} ms"
	[ -z "$worker_exit" ] || record "${name}_worker_exit_ms" "$worker_exit"
	[ -z "$worker_ready" ] || record "${name}_worker_ready_ms" "$worker_ready"
	[ -z "$beat_ready" ] || record "${name}_beat_ready_ms" "$beat_ready"

	worker_restarted() {
		if [ -z "$worker_exit" ] || [ -z "$worker_ready" ]; then service_log worker; return 1; fi
		read -r wm pid < <(celery_procs worker) || return 1
		log "[$SCENARIO] $name: worker watchmedo $wm (was $worker_wm), celery $pid (was $worker_pid)"
		[ "$wm" = "$worker_wm" ] && [ -n "$pid" ] && [ "$pid" != "$worker_pid" ]
	}
	check "$name: the worker restarted within $RESTART_LIMIT_S s: a new Celery process under the same watchmedo, ready" worker_restarted
	worker_shut_down_warm() {
		logs_since_edit worker | grep -E 'Warm shutdown|ready\.|Traceback|Error' | sed 's/^/    | /' >&2
		logged_since_edit worker 'worker: Warm shutdown'
	}
	check "$name: the old worker shut down warm (SIGINT from watchmedo), not killed" worker_shut_down_warm
	new_code_runs() {
		task_returns ". == {\"sum\": 42, \"edited\": \"$marker\"}" || return 1
		record "${name}_task_new_code_ms" "$(since_edit_ms)"
		log "[$SCENARIO] $name: from the save to the new result in the API: $(since_edit_ms) ms"
	}
	check "$name: the same task sent again returns the new code's result" new_code_runs

	beat_restarted() {
		local file
		[ -n "$beat_ready" ] || { service_log beat; return 1; }
		read -r wm pid < <(celery_procs beat) || return 1
		log "[$SCENARIO] $name: beat watchmedo $wm (was $beat_wm), celery $pid (was $beat_pid)"
		{ [ "$wm" = "$beat_wm" ] && [ -n "$pid" ] && [ "$pid" != "$beat_pid" ]; } || return 1
		# Its pidfile names the new process (the old one removed its own on the way out).
		file=$(compose exec -T beat cat /tmp/celerybeat.pid | tr -d '[:space:]') || return 1
		log "[$SCENARIO] $name: beat's pidfile says $file; the new beat is $(in_container_pid "$pid") in its container"
		[ "$file" = "$(in_container_pid "$pid")" ]
	}
	check "$name: beat restarted within $RESTART_LIMIT_S s: a new Celery process under the same watchmedo, its pidfile naming it" beat_restarted
	no_pidfile_error() { ! logs_since_edit beat | grep -iE 'pidfile|already running|Traceback' >&2; }
	check "$name: beat logged no pidfile error" no_pidfile_error
	beat_sends_after_restart() {
		grep -q 'Sending due task e2e-tick' <<<"$(logs_since_edit beat | sed -n '/beat: Starting\.\.\./,$p')"
	}
	check "$name: the new beat sends the periodic task" wait_until 30 "the new beat to send e2e-tick" beat_sends_after_restart
	worker_runs_tick() {
		grep -q 'Task tasks.tasks.purge_old_runs\[[^]]*\] succeeded' <<<"$(logs_since_edit worker | sed -n '/ready\./,$p')"
	}
	check "$name: the new worker runs the periodic task beat sends" wait_until 30 "the new worker to run e2e-tick" worker_runs_tick

	# One save, one restart: the starts since the save, counted once a later one would have
	# shown (watchmedo restarts at once for each event it takes; a stop takes about 2 s).
	count_starts() {
		local w b
		while [ "$(since_edit_ms)" -lt 12000 ]; do sleep 0.5; done
		w=$(logs_since_edit worker | grep -c 'celery@[^ ]* ready\.') || true
		b=$(logs_since_edit beat | grep -c 'beat: Starting\.\.\.') || true
		record "${name}_worker_starts" "$w"
		record "${name}_beat_starts" "$b"
		log "[$SCENARIO] $name: since the save, the worker started $w time(s), beat $b time(s)"
		# An in-place save is two inotify events (the truncation, then the write). watchdog
		# drops a repeat only while the first is still queued; when its handler has already
		# taken the first and is restarting Celery (a loaded machine), the second restarts it
		# again, and watchdog before 2.3 (Debian's 2.2.1, which the index serves) has no
		# --debounce-interval. So an in-place save may restart twice; never more, never none.
		local most=1
		[ "$name" = in_place ] && most=2
		[ "$w" -ge 1 ] && [ "$w" -le "$most" ] && [ "$b" -ge 1 ] && [ "$b" -le "$most" ]
	}
	check "$name: one save restarted the worker and beat (once each; an in-place save at most twice)" count_starts
}

edit_round rename saved_by_rename "renamed-$RANDOM$RANDOM"
edit_round in_place saved_in_place "in-place-$RANDOM$RANDOM"

# 4. A save that breaks the module (a SyntaxError), then its fix: Celery cannot start while it
# is broken (watchmedo starts it again each time it exits), the containers stay; the fix alone
# brings both back, running the fixed code. Records fix_task_new_code_ms (from the fix).
broken_save() {
	local wm
	read -r wm _ < <(celery_procs worker) || return 1
	EDIT_AT=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	EDIT_NS=$(date +%s%N)
	printf '\ndef broken(:\n' >>"$APP/tasks/tasks.py"
	log "[$SCENARIO] broken: a SyntaxError appended to tasks/tasks.py on the host"
	wait_until 30 "the worker and beat to fail on it" sh -c "
		$DOCKER logs --since $EDIT_AT $(compose ps -q worker) 2>&1 | grep -q SyntaxError &&
		$DOCKER logs --since $EDIT_AT $(compose ps -q beat) 2>&1 | grep -q SyntaxError" ||
		{ service_log worker; return 1; }
	log "[$SCENARIO] broken: the worker and beat logged the SyntaxError after $(since_edit_ms) ms"
	# Whatever watchmedo is doing now, it is the same one, in the same running container.
	[ "$(celery_procs worker | cut -d' ' -f1)" = "$wm" ] &&
		[ "$("$DOCKER" inspect -f '{{.State.Status}}' "$(compose ps -q worker)")" = running ] &&
		[ "$("$DOCKER" inspect -f '{{.State.Status}}' "$(compose ps -q beat)")" = running ]
}
check "broken: a save with a SyntaxError stops Celery from starting, the worker and beat containers and their watchmedo stay" broken_save
fixed_save() {
	local marker=fixed-$RANDOM$RANDOM
	EDIT_AT=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	EDIT_NS=$(date +%s%N)
	sed -i -e '/^def broken(:$/d' -e "s/^    run\.result = .*/    run.result = {\"sum\": x + y, \"edited\": \"$marker\"}/" "$APP/tasks/tasks.py"
	log "[$SCENARIO] fixed: the SyntaxError removed, the result gains \"edited\": \"$marker\""
	wait_until "$RESTART_LIMIT_S" "the worker to be ready" logged_since_edit worker 'celery@[^ ]* ready\.' || { service_log worker; return 1; }
	task_returns ". == {\"sum\": 42, \"edited\": \"$marker\"}" || return 1
	record fix_task_new_code_ms "$(since_edit_ms)"
	log "[$SCENARIO] fixed: from the fix to the new result in the API: $(since_edit_ms) ms"
	wait_until 30 "beat to send e2e-tick" sh -c "$DOCKER logs --since $EDIT_AT $(compose ps -q beat) 2>&1 |
		sed -n '/beat: Starting/,\$p' | grep -q 'Sending due task e2e-tick'" || { service_log beat; return 1; }
	! logs_since_edit beat | grep -iE 'pidfile|already running' >&2
}
check "fixed: the fix alone brings the worker (running the fixed code) and beat (sending, no pidfile error) back" fixed_save

same_containers() {
	containers_state >"$RUN_DIR/containers-after"
	diff "$RUN_DIR/containers-before" "$RUN_DIR/containers-after" >&2
}
check "the restarts were in the same containers (not recreated, not restarted; same image)" same_containers
healthy_again() {
	local s
	for s in worker beat; do
		[ "$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$(compose ps -q "$s")")" = healthy ] || return 1
	done
}
check "worker and beat are healthy after the restarts" wait_until 60 "worker and beat healthy" healthy_again
check "the generated files were not changed by the run" generated_files_unchanged
scenario_end
