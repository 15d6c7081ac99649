#!/usr/bin/env bash
# dryrun.sh: issue 13's fallback proof. A real kube-apiserver (cluster.sh start) validates every
# object of what `containerize init --kubernetes` writes for a sample, with a server-side dry run:
# the API server decodes each object strictly (unknown or duplicate fields fail), defaults it,
# runs admission and validation, and stores nothing.
#
#   e2e/kube/dryrun.sh [SAMPLE...]      default: library requirements-celery (the issue's samples)
#
# Both overlays of each sample: staging (the brief's proof) and production. Each overlay's
# Namespace is created for real first (a dry run of objects in a namespace that does not exist
# fails) and deleted at the end (kube-controller-manager's namespace controller removes it). Leaves the cluster running if it was running; stops it if this
# script started it. Work folder: $E2E_CACHE/work/kube-dryrun/SAMPLE.
set -euo pipefail
# shellcheck source=e2e/kube/lib.sh
source "$(dirname "$0")/lib.sh"

samples=("$@")
[ ${#samples[@]} -gt 0 ] || samples=(library requirements-celery)
work=$E2E_CACHE/work/kube-dryrun
containerize=$KUBE_CACHE/containerize

started=0
namespaces=()
cleanup() {
	local ns
	for ns in "${namespaces[@]}"; do
		# Waits for the namespace controller, so the next run does not find it Terminating.
		"$KUBECTL" delete namespace "$ns" --timeout=120s >/dev/null 2>&1 ||
			log "namespace $ns not deleted within 120 s"
	done
	[ $started = 0 ] || "$KUBE_DIR/cluster.sh" stop
}
trap cleanup EXIT

if ! "$KUBE_DIR/cluster.sh" status >/dev/null 2>&1; then
	started=1
	"$KUBE_DIR/cluster.sh" start
fi

(cd "$REPO_ROOT" && go build -o "$containerize" ./cmd/containerize) || die "building containerize failed"

# secret_env EXAMPLE OUT: every NAME=VALUE line of the example with a random value, comments
# dropped, the way a user fills it in.
secret_env() {
	local line
	while IFS= read -r line; do
		case $line in '#'* | '') continue ;; esac
		printf '%s=e2e-%s\n' "${line%%=*}" "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	done <"$1" >"$2"
}

ns_gone() { ! "$KUBECTL" get namespace "$1" >/dev/null 2>&1; }

failed=0
for sample in "${samples[@]}"; do
	[ -d "$REPO_ROOT/testdata/projects/$sample" ] || die "no sample testdata/projects/$sample"
	dir=$work/$sample
	rm -rf "$dir"
	mkdir -p "$work"
	cp -R "$REPO_ROOT/testdata/projects/$sample" "$dir"
	(cd "$dir" && "$containerize" init --yes --kubernetes) >"$work/$sample.init.log" 2>&1 ||
		{ tail -n 20 "$work/$sample.init.log" >&2; die "$sample: containerize init --yes --kubernetes failed (log: $work/$sample.init.log)"; }
	for overlay in staging production; do
		o=$dir/deploy/kubernetes/overlays/$overlay
		[ -d "$o" ] || { log "$sample: no overlay $overlay; skipped"; continue; }
		secret_env "$o/secret.env.example" "$o/secret.env"
		"$KUBECTL" kustomize "$o" >"$work/$sample.$overlay.yaml" ||
			{ failed=1; log "FAIL $sample $overlay: kubectl kustomize"; continue; }
		for ns in $("$KUBECTL" create --dry-run=client -o name -f "$work/$sample.$overlay.yaml" |
			sed -n 's|^namespace/||p'); do
			# A namespace left by an interrupted run may still be terminating.
			[ "$("$KUBECTL" get namespace "$ns" -o jsonpath='{.status.phase}' 2>/dev/null)" != Terminating ] ||
				wait_until 120 "namespace $ns to be deleted" ns_gone "$ns" || die "namespace $ns stays Terminating"
			"$KUBECTL" get namespace "$ns" >/dev/null 2>&1 && continue
			"$KUBECTL" create namespace "$ns" --save-config >/dev/null
			namespaces+=("$ns")
		done
		if "$KUBECTL" apply --dry-run=server --validate=strict -k "$o" -o name \
			>"$work/$sample.$overlay.dryrun" 2>"$work/$sample.$overlay.dryrun.err"; then
			log "ok   $sample $overlay: $(wc -l <"$work/$sample.$overlay.dryrun") objects pass the server-side dry run: $(sed 's|/.*||' "$work/$sample.$overlay.dryrun" | sort | uniq -c | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')"
		else
			failed=1
			log "FAIL $sample $overlay: kubectl apply --dry-run=server -k $o"
			cat "$work/$sample.$overlay.dryrun.err" >&2
		fi
	done
done
exit $failed
