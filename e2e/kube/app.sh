#!/usr/bin/env bash
# app.sh: the library sample's staging overlay on the real cluster (issue 13's proof, first part).
#
#   e2e/kube/app.sh IMAGE.tar
#
# IMAGE.tar is the sample's image as `containerize build --output docker,dest=IMAGE.tar` writes
# it (e2e/build makes one; this script does not build, so it needs neither the harness lock nor
# the package index). It is imported into the cluster's containerd and the overlay is pointed at
# it by digest (as `containerize build --push REF --kubernetes-overlay staging` would, by
# hand: image and migrations Job name together). Then: `kubectl apply -k` the staging overlay
# (secret.env filled, the SQLite claim bound to a hostPath volume: the cluster has no
# provisioner); the migrations Job completes; 3 web replicas become Ready; the API answers
# through the Service; a rolling restart and the deletion of a web pod under a bounded request
# loop through the Service's ClusterIP, reporting requests sent and failed.
#
# KUBE_APP_STATIC_EMPTYDIR=1 adds, in the copy only, an emptyDir at /app/staticfiles: the
# daemonless image runs collectstatic when it starts, which the generated read-only root
# filesystem refuses (see the report); without it the web pods crash-loop.
set -euo pipefail
# shellcheck source=e2e/kube/lib.sh
source "$(dirname "$0")/lib.sh"

tar=${1:?usage: $0 IMAGE.tar (containerize build --output docker,dest=IMAGE.tar of testdata/projects/library)}
[ -s "$tar" ] || die "no image tarball $tar"
sample=library
NS=library-staging
work=$E2E_CACHE/work/kube-app
containerize=$KUBE_CACHE/containerize
pvdir=$KUBE_STATE/pv/$NS-app-data

started=0
cleanup() {
	"$KUBECTL" delete namespace "$NS" --timeout=120s >/dev/null 2>&1 || true
	"$KUBECTL" delete pv "$NS-app-data" --timeout=60s >/dev/null 2>&1 || true
	rm -rf "$pvdir"
	[ $started = 0 ] || "$KUBE_DIR/cluster.sh" stop
}
if ! "$KUBE_DIR/cluster.sh" status >/dev/null 2>&1 || ! running_node; then started=1; fi
trap cleanup EXIT
[ $started = 0 ] || "$KUBE_DIR/cluster.sh" start --node

(cd "$REPO_ROOT" && go build -o "$containerize" ./cmd/containerize) || die "building containerize failed"
rm -rf "$work" && mkdir -p "$work"
cp -R "$REPO_ROOT/testdata/projects/$sample" "$work/$sample"
app=$work/$sample
o=$app/deploy/kubernetes/overlays/staging
(cd "$app" && "$containerize" init --yes --kubernetes) >"$work/init.log" 2>&1 || die "containerize init failed (log: $work/init.log)"
printf 'SECRET_KEY=e2e-%s\n' "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >"$o/secret.env"

# The image into containerd under a name of this run, referred to by digest.
name=docker.io/library/cze2e-kube-$sample:e2e
src=$(tar -xOf "$tar" manifest.json | jq -r '.[0].RepoTags[0] // empty') || die "$tar is no docker image tarball (no manifest.json)"
[ -n "$src" ] || die "$tar names no image (RepoTags): write it with containerize build --tag NAME --output docker,dest=FILE"
case $src in */*/*) ;; */*) src=docker.io/$src ;; *) src=docker.io/library/$src ;; esac
ctr_k8s images import "$tar" >"$work/import.log" 2>&1 || die "ctr images import $tar failed (log: $work/import.log)"
ctr_k8s images rm "$name" "${name%:*}@$(ctr_k8s images ls | awk -v n="$name" '$1 == n { print $3 }')" >/dev/null 2>&1 || true
ctr_k8s images tag "$src" "$name" >/dev/null || die "the imported image $src is not in containerd"
digest=$(ctr_k8s images ls | awk -v n="$name" '$1 == n { print $3 }')
[ -n "$digest" ] || die "the imported image has no digest in containerd"
# containerd 1.6's CRI finds a NAME@DIGEST reference only as an image of that exact name.
ctr_k8s images tag "$name" "${name%:*}@$digest" >/dev/null 2>&1 || ctr_k8s images ls -q | grep -qx "${name%:*}@$digest" ||
	die "cannot name the image ${name%:*}@$digest in containerd"
sed -i "s|^    newName: .*|    newName: docker.io/library/cze2e-kube-$sample|; s|^    newTag: .*|    digest: $digest|; s|value: migrate-.*|value: migrate-${digest:7:12}|" "$o/kustomization.yaml"
if [ "${KUBE_APP_STATIC_EMPTYDIR:-0}" = 1 ]; then
	log "WORKAROUND: an emptyDir at /app/staticfiles in web (the daemonless image collects static files at start)"
	cat >>"$o/kustomization.yaml" <<-'YAML'
		  - target: {kind: Deployment, name: web}
		    patch: |-
		      - {op: add, path: /spec/template/spec/volumes/-, value: {name: staticfiles, emptyDir: {}}}
		      - {op: add, path: /spec/template/spec/containers/0/volumeMounts/-, value: {name: staticfiles, mountPath: /app/staticfiles}}
	YAML
fi

# What an interrupted run left: its namespace (maybe still terminating) and volume.
"$KUBECTL" delete namespace "$NS" --ignore-not-found --timeout=120s >/dev/null || die "namespace $NS left by an earlier run is not deleted"
"$KUBECTL" delete pv "$NS-app-data" --ignore-not-found --timeout=60s >/dev/null || true
mkdir -p "$pvdir" && chmod 0777 "$pvdir"
"$KUBECTL" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: {name: $NS-app-data}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  claimRef: {namespace: $NS, name: app-data}
  hostPath: {path: $pvdir, type: Directory}
YAML

failed=0
check() { if "$@"; then :; else failed=1; fi; }
start=$(date +%s)
"$KUBECTL" apply -k "$o" >"$work/apply.log" 2>&1 || { cat "$work/apply.log" >&2; die "kubectl apply -k $o failed"; }
job=migrate-${digest:7:12}
if "$KUBECTL" -n "$NS" wait --for=condition=Complete "job/$job" --timeout=120s >/dev/null; then
	log "ok   the migrations Job $job completed ($(($(date +%s) - start))s after apply)"
else
	failed=1
	log "FAIL the migrations Job $job did not complete"
	"$KUBECTL" -n "$NS" logs "job/$job" --all-containers 2>&1 | tail -n 20 >&2
	"$KUBECTL" -n "$NS" get events --sort-by=.lastTimestamp 2>&1 | tail -n 8 >&2
fi
if "$KUBECTL" -n "$NS" rollout status deploy/web --timeout=120s >/dev/null; then
	log "ok   $("$KUBECTL" -n "$NS" get deploy web -o jsonpath='{.status.readyReplicas}') web replicas Ready ($(($(date +%s) - start))s after apply)"
else
	failed=1
	log "FAIL web did not become Ready: $("$KUBECTL" -n "$NS" get pods --no-headers 2>&1 | tr -s ' ' | tr '\n' ';')"
	pod=$("$KUBECTL" -n "$NS" get pods -o name | grep web | head -1)
	"$KUBECTL" -n "$NS" logs "$pod" -c app --previous 2>&1 | tail -n 5 >&2 || true
	exit 1
fi
cip=$("$KUBECTL" -n "$NS" get svc web -o jsonpath='{.spec.clusterIP}')
url=http://$cip/api/v1/
# ALLOWED_HOSTS of the overlay is localhost,127.0.0.1: ask as localhost.
ask() { curl -fsS -m 3 -o /dev/null -H 'Host: localhost' "$url"; }
if wait_until 30 "the API through the Service" ask; then log "ok   the API answers through the Service ($url)"; else failed=1; log "FAIL the API does not answer through the Service ($url)"; fi

# loop SECONDS: requests through the Service every 50 ms for SECONDS; prints "sent failed".
loop() {
	local sent=0 bad=0 end=$(($(date +%s) + $1))
	while [ "$(date +%s)" -lt "$end" ]; do
		sent=$((sent + 1))
		ask 2>/dev/null || bad=$((bad + 1))
		sleep 0.05
	done
	echo "$sent $bad"
}
disruption() {
	local what=$1 out sent bad
	shift
	loop 40 >"$work/loop.out" &
	local pid=$!
	sleep 3
	"$@" >/dev/null
	wait "$pid"
	read -r sent bad <"$work/loop.out"
	if [ "$bad" = 0 ]; then log "ok   $what: $sent requests sent, 0 failed"; else failed=1; log "FAIL $what: $sent requests sent, $bad failed"; fi
}
restart() { "$KUBECTL" -n "$NS" rollout restart deploy/web && "$KUBECTL" -n "$NS" rollout status deploy/web --timeout=120s; }
disruption "rolling update of web" restart
delete_pod() { "$KUBECTL" -n "$NS" delete "$("$KUBECTL" -n "$NS" get pods -l "$("$KUBECTL" -n "$NS" get deploy web -o jsonpath='{.spec.selector.matchLabels}' | jq -r 'to_entries | map("\(.key)=\(.value)") | join(",")')" --field-selector=status.phase=Running -o name | head -1)" --wait=false; }
disruption "deletion of a web pod" delete_pod
exit $failed
