#!/usr/bin/env bash
# smoke.sh: the node works. A pod from the python stand-in image (imported from the harness's
# Docker engine into the cluster's containerd) serves HTTP; it must become Ready, answer through
# its Service's ClusterIP and its NodePort on 127.0.0.1, and give its logs and an exec through
# the API server. Starts the cluster with its node when it is not running (and stops it after).
#
#   e2e/kube/smoke.sh
set -euo pipefail
# shellcheck source=e2e/kube/lib.sh
source "$(dirname "$0")/lib.sh"

IMAGE=python:3.11-slim
NS=kube-smoke
NODEPORT=${KUBE_SMOKE_NODEPORT:-30080}

started=0
cleanup() {
	"$KUBECTL" delete namespace "$NS" --timeout=120s >/dev/null 2>&1 || true
	[ $started = 0 ] || "$KUBE_DIR/cluster.sh" stop
}
if ! "$KUBE_DIR/cluster.sh" status >/dev/null 2>&1 || ! running_node; then
	started=1
fi
trap cleanup EXIT
[ $started = 0 ] || "$KUBE_DIR/cluster.sh" start --node

"$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1 ||
	die "no $IMAGE in the Docker engine: make it with sudo e2e/setup.sh packages docker images"
# containerd names Docker Hub images in full; the digest keeps a re-import a no-op.
"$DOCKER" save "$IMAGE" | ctr_k8s images import --digests - >/dev/null || die "importing $IMAGE into containerd failed"

"$KUBECTL" create namespace "$NS" --save-config >/dev/null 2>&1 || true
"$KUBECTL" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: $NS, labels: {app: web}}
spec:
  automountServiceAccountToken: false
  securityContext: {runAsNonRoot: true, runAsUser: 10001}
  containers:
  - name: web
    image: docker.io/library/$IMAGE
    imagePullPolicy: Never
    command: [python3, -m, http.server, "8000"]
    ports: [{containerPort: 8000}]
    readinessProbe: {httpGet: {path: /, port: 8000}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: $NS}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8000, nodePort: $NODEPORT}]
YAML
start=$(date +%s)
"$KUBECTL" -n "$NS" wait --for=condition=Ready pod/web --timeout=90s >/dev/null ||
	{ "$KUBECTL" -n "$NS" describe pod web >&2; die "the pod did not become Ready within 90 s"; }
log "pod Ready in $(($(date +%s) - start))s on $("$KUBECTL" -n "$NS" get pod web -o jsonpath='{.spec.nodeName} {.status.podIP}')"
failed=0
check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then log "ok   $what"; else log "FAIL $what"; failed=1; fi
}
cip=$("$KUBECTL" -n "$NS" get svc web -o jsonpath='{.spec.clusterIP}')
check "ClusterIP $cip:80 answers from the node" wait_until 20 "the ClusterIP" curl -fsS -m 3 "http://$cip/"
check "NodePort 127.0.0.1:$NODEPORT answers" wait_until 20 "the NodePort" curl -fsS -m 3 "http://127.0.0.1:$NODEPORT/"
check "kubectl logs shows the requests" sh -c "'$KUBECTL' -n '$NS' logs web | grep -q 'GET / HTTP'"
check "kubectl exec runs in the container" sh -c "'$KUBECTL' -n '$NS' exec web -- python3 -c 'import os; assert os.getuid() == 10001'"
exit $failed
