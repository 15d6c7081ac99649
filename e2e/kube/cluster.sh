#!/usr/bin/env bash
# cluster.sh: a single-node Kubernetes on this machine, assembled from the Go module proxy and
# Debian's archive (e2e/kube/README.md).
#
#   e2e/kube/cluster.sh build [PROGRAM...]   the Kubernetes programs of KUBE_VERSION (once; cached)
#   e2e/kube/cluster.sh start     Debian packages, certificates, etcd, kube-apiserver,
#                                 kube-controller-manager, kube-scheduler (idempotent)
#   e2e/kube/cluster.sh status    which parts run; the API server's /readyz
#   e2e/kube/cluster.sh stop [--purge]   stop what start started (--purge: also etcd's data and the certificates)
#
# Needs root (apt-get). Everything listens on 127.0.0.1 only.
set -euo pipefail
# shellcheck source=e2e/kube/lib.sh
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(etcd-server openssl)

# build: every program of KUBE_PROGRAMS from k8s.io/kubernetes, in the outer module of
# e2e/kube/build (no copy: the module is ours and nothing writes to it). The version variables
# are set the way Kubernetes' own build sets them, so `kubectl version` and the version skew
# checks see the release. About 15 minutes and 2.3 GB on 2 cores when cold.
step_build() {
	local p missing=() ldflags pkgs=() want=("$@")
	[ ${#want[@]} -gt 0 ] || want=("${KUBE_PROGRAMS[@]}")
	for p in "${want[@]}"; do
		[ -x "$KUBE_BIN/$p" ] || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		log "kube build: ${want[*]} $KUBE_VERSION cached in $KUBE_BIN"
		return
	fi
	command -v go >/dev/null || die "go is not on PATH: the Kubernetes programs are built from the Go module proxy"
	local major minor
	major=${KUBE_VERSION#v}
	major=${major%%.*}
	minor=${KUBE_VERSION#v*.}
	minor=${minor%%.*}
	ldflags="-s -w"
	for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ldflags="$ldflags -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
	done
	for p in "${missing[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$p"); done
	log "kube build: ${missing[*]} $KUBE_VERSION from the Go module proxy (about 15 minutes cold; log: $KUBE_LOGS/build.log)"
	# A folder of its own per build, so a second build at the same time cannot mix files.
	local tmp
	tmp=$(mktemp -d "$KUBE_CACHE/build.XXXXXX")
	# GOFLAGS=-mod=mod would let a stale go.sum pass silently; the committed go.sum is the truth.
	(cd "$KUBE_DIR/build" && GOFLAGS= go build -p "${KUBE_BUILD_JOBS:-2}" -trimpath -ldflags "$ldflags" \
		-o "$tmp/" "${pkgs[@]}") >"$KUBE_LOGS/build.log" 2>&1 ||
		{ tail -n 30 "$KUBE_LOGS/build.log" >&2; rm -rf "$tmp"; die "building the Kubernetes programs failed (log: $KUBE_LOGS/build.log)"; }
	mkdir -p "$KUBE_BIN"
	for p in "${missing[@]}"; do mv "$tmp/$p" "$KUBE_BIN/$p"; done
	rmdir "$tmp"
	log "kube build: $("$KUBECTL" version --client -o json | jq -r .clientVersion.gitVersion)"
}

step_packages() {
	local p missing=()
	for p in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	log "kube packages: installing ${missing[*]} (log: $E2E_LOGS/apt.log)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >>"$E2E_LOGS/apt.log" 2>&1 || die "apt-get update failed (log: $E2E_LOGS/apt.log)"
	# Debian's policy-rc.d on these machines keeps the package from starting etcd as a service;
	# this script starts its own on 127.0.0.1.
	apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$E2E_LOGS/apt.log" 2>&1 ||
		die "apt-get install ${missing[*]} failed (log: $E2E_LOGS/apt.log)"
}

# cert NAME SUBJECT EXTENSIONS: NAME.key (P-256) and NAME.crt signed by the cluster's CA.
cert() {
	local name=$1 subj=$2 ext=$3
	[ -s "$KUBE_PKI/$name.crt" ] && return
	openssl ecparam -name prime256v1 -genkey -noout -out "$KUBE_PKI/$name.key" 2>/dev/null
	openssl req -new -key "$KUBE_PKI/$name.key" -subj "$subj" -out "$KUBE_PKI/$name.csr"
	printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "$ext" \
		>"$KUBE_PKI/$name.ext"
	openssl x509 -req -in "$KUBE_PKI/$name.csr" -CA "$KUBE_PKI/ca.crt" -CAkey "$KUBE_PKI/ca.key" \
		-CAcreateserial -days 365 -sha256 -extfile "$KUBE_PKI/$name.ext" -out "$KUBE_PKI/$name.crt" 2>/dev/null
	rm -f "$KUBE_PKI/$name.csr" "$KUBE_PKI/$name.ext"
}

# kubeconfig NAME USER: $KUBE_STATE/NAME.kubeconfig for the client certificate NAME.
kubeconfig() {
	local name=$1 user=$2 f=$KUBE_STATE/$1.kubeconfig
	[ -s "$f" ] && return
	KUBECONFIG=$f.tmp "$KUBECTL" config set-cluster e2e --server="$KUBE_API" \
		--certificate-authority="$KUBE_PKI/ca.crt" --embed-certs >/dev/null
	KUBECONFIG=$f.tmp "$KUBECTL" config set-credentials "$user" --client-certificate="$KUBE_PKI/$name.crt" \
		--client-key="$KUBE_PKI/$name.key" --embed-certs >/dev/null
	KUBECONFIG=$f.tmp "$KUBECTL" config set-context e2e --cluster=e2e --user="$user" >/dev/null
	KUBECONFIG=$f.tmp "$KUBECTL" config use-context e2e >/dev/null
	mv "$f.tmp" "$f"
}

# pki: a CA, the API server's serving certificate, client certificates for the admin (kubectl),
# the API server towards the kubelet and each component, and the service account key pair.
step_pki() {
	mkdir -p "$KUBE_PKI"
	chmod 0700 "$KUBE_PKI"
	if [ ! -s "$KUBE_PKI/ca.crt" ]; then
		openssl ecparam -name prime256v1 -genkey -noout -out "$KUBE_PKI/ca.key" 2>/dev/null
		openssl req -x509 -new -key "$KUBE_PKI/ca.key" -subj "/CN=containerize-e2e-kube-ca" -days 365 -sha256 \
			-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
			-out "$KUBE_PKI/ca.crt"
	fi
	cert apiserver "/CN=kube-apiserver" \
		"extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$KUBE_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
	cert admin "/O=system:masters/CN=kubernetes-admin" "extendedKeyUsage=clientAuth"
	cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
	cert controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
	cert scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
	cert kube-proxy "/CN=system:kube-proxy" "extendedKeyUsage=clientAuth"
	if [ ! -s "$KUBE_PKI/sa.key" ]; then
		openssl genrsa -out "$KUBE_PKI/sa.key" 2048 2>/dev/null
		openssl rsa -in "$KUBE_PKI/sa.key" -pubout -out "$KUBE_PKI/sa.pub" 2>/dev/null
	fi
	kubeconfig admin kubernetes-admin
	kubeconfig controller-manager system:kube-controller-manager
	kubeconfig scheduler system:kube-scheduler
	kubeconfig kube-proxy system:kube-proxy
}

# running NAME: the daemon NAME that start started is alive.
running() {
	local pid
	pid=$(cat "$KUBE_RUN/$1.pid" 2>/dev/null) || return 1
	kill -0 "$pid" 2>/dev/null
}

# daemon NAME CMD...: CMD in the background, detached (setsid + nohup: it outlives this script),
# without the harness lock's fd 9 nor cluster.sh's lock fd 8 (a daemon holding it would block every later cluster.sh), its PID in $KUBE_RUN/NAME.pid, its log in $KUBE_LOGS/NAME.log.
daemon() {
	local name=$1
	shift
	running "$name" && return
	mkdir -p "$KUBE_RUN"
	setsid nohup "$@" >>"$KUBE_LOGS/$name.log" 2>&1 </dev/null 8>&- 9>&- &
	echo $! >"$KUBE_RUN/$name.pid"
}

# wait_daemon NAME SECONDS DESCRIPTION CHECK...: wait until CHECK passes, giving up at once
# (with the log's end) when the daemon NAME exited.
wait_daemon() {
	local name=$1 limit=$2 what=$3 i
	shift 3
	for ((i = 0; i < limit; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		if ! running "$name"; then
			tail -n 20 "$KUBE_LOGS/$name.log" >&2
			die "$name exited before $what (log: $KUBE_LOGS/$name.log)"
		fi
		sleep 1
	done
	tail -n 20 "$KUBE_LOGS/$name.log" >&2
	die "gave up after ${limit}s waiting for $what (log: $KUBE_LOGS/$name.log)"
}

etcd_healthy() { curl -fsS "http://127.0.0.1:$KUBE_ETCD_PORT/health" | grep -q '"health":"true"'; }

step_etcd() {
	daemon etcd etcd --name e2e --data-dir "$KUBE_STATE/etcd" \
		--listen-client-urls "http://127.0.0.1:$KUBE_ETCD_PORT" \
		--advertise-client-urls "http://127.0.0.1:$KUBE_ETCD_PORT" \
		--listen-peer-urls "http://127.0.0.1:$KUBE_ETCD_PEER_PORT" \
		--initial-advertise-peer-urls "http://127.0.0.1:$KUBE_ETCD_PEER_PORT" \
		--initial-cluster "e2e=http://127.0.0.1:$KUBE_ETCD_PEER_PORT" \
		--listen-metrics-urls "" --log-level warn
	wait_daemon etcd 30 "etcd to be healthy on 127.0.0.1:$KUBE_ETCD_PORT" etcd_healthy
}

api_ready() { "$KUBECTL" get --raw /readyz >/dev/null 2>&1; }

# apiserver: etcd over plain HTTP, which is on 127.0.0.1 only; clients and the kubelet over TLS
# with the cluster's CA; Node and RBAC authorization, as on a production cluster. No endpoint
# reconciler: it refuses a loopback address ("cannot use public IP 127.0.0.1 with endpoint
# reconciler: may not be in the loopback range"), and nothing may listen elsewhere, so the
# `kubernetes` Service has no endpoints and pods cannot reach the API through it.
step_apiserver() {
	daemon kube-apiserver "$KUBE_BIN/kube-apiserver" \
		--etcd-servers "http://127.0.0.1:$KUBE_ETCD_PORT" \
		--bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$KUBE_API_PORT" \
		--service-cluster-ip-range "$KUBE_SERVICE_CIDR" \
		--client-ca-file "$KUBE_PKI/ca.crt" \
		--tls-cert-file "$KUBE_PKI/apiserver.crt" --tls-private-key-file "$KUBE_PKI/apiserver.key" \
		--kubelet-client-certificate "$KUBE_PKI/apiserver-kubelet-client.crt" \
		--kubelet-client-key "$KUBE_PKI/apiserver-kubelet-client.key" \
		--service-account-issuer https://kubernetes.default.svc.cluster.local \
		--service-account-key-file "$KUBE_PKI/sa.pub" \
		--service-account-signing-key-file "$KUBE_PKI/sa.key" \
		--authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
		--endpoint-reconciler-type none \
		--allow-privileged=true --profiling=false
	wait_daemon kube-apiserver 90 "kube-apiserver's /readyz on $KUBE_API" api_ready
	log "kube-apiserver: $KUBE_API ready ($("$KUBECTL" version -o json | jq -r .serverVersion.gitVersion))"
}

component_healthy() { curl -fsSk "https://127.0.0.1:$1/healthz" | grep -qx ok; }

# controller-manager: the controllers (namespace deletion, Deployments, Jobs, service accounts
# and their tokens), each under its own service account as kubeadm runs them; it signs
# certificate requests with the cluster's CA. Node CIDRs are not allocated: the node's CNI
# configuration has its own range.
step_controller_manager() {
	daemon kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
		--kubeconfig "$KUBE_STATE/controller-manager.kubeconfig" \
		--authentication-kubeconfig "$KUBE_STATE/controller-manager.kubeconfig" \
		--authorization-kubeconfig "$KUBE_STATE/controller-manager.kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$KUBE_CM_PORT" \
		--client-ca-file "$KUBE_PKI/ca.crt" --root-ca-file "$KUBE_PKI/ca.crt" \
		--service-account-private-key-file "$KUBE_PKI/sa.key" \
		--cluster-signing-cert-file "$KUBE_PKI/ca.crt" --cluster-signing-key-file "$KUBE_PKI/ca.key" \
		--service-cluster-ip-range "$KUBE_SERVICE_CIDR" \
		--use-service-account-credentials --leader-elect=false --profiling=false
	wait_daemon kube-controller-manager 60 "kube-controller-manager's /healthz on 127.0.0.1:$KUBE_CM_PORT" \
		component_healthy "$KUBE_CM_PORT"
}

step_scheduler() {
	daemon kube-scheduler "$KUBE_BIN/kube-scheduler" \
		--kubeconfig "$KUBE_STATE/scheduler.kubeconfig" \
		--authentication-kubeconfig "$KUBE_STATE/scheduler.kubeconfig" \
		--authorization-kubeconfig "$KUBE_STATE/scheduler.kubeconfig" \
		--bind-address 127.0.0.1 --secure-port "$KUBE_SCHED_PORT" --leader-elect=false --profiling=false
	wait_daemon kube-scheduler 60 "kube-scheduler's /healthz on 127.0.0.1:$KUBE_SCHED_PORT" \
		component_healthy "$KUBE_SCHED_PORT"
}

# stop_daemon NAME: TERM, then KILL after 20 s, the process start recorded (only that one).
stop_daemon() {
	local name=$1 pid i
	pid=$(cat "$KUBE_RUN/$name.pid" 2>/dev/null) || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid"
		for ((i = 0; i < 20; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
		log "kube stop: $name ($pid)"
	fi
	rm -f "$KUBE_RUN/$name.pid"
}

# The daemons in start order; stop goes backwards.
DAEMONS=(etcd kube-apiserver kube-controller-manager kube-scheduler)

cmd_start() {
	[ "$(id -u)" = 0 ] || die "run as root (apt-get, and later the kubelet)"
	exec 8>"$KUBE_CACHE/cluster.lock"
	flock -w 600 8 || die "another cluster.sh holds $KUBE_CACHE/cluster.lock"
	timed "kube packages" step_packages
	timed "kube build" step_build kube-apiserver kubectl kube-controller-manager kube-scheduler
	timed "kube pki" step_pki
	timed "kube etcd" step_etcd
	timed "kube apiserver" step_apiserver
	timed "kube controller-manager" step_controller_manager
	timed "kube scheduler" step_scheduler
}

cmd_stop() {
	local i
	exec 8>"$KUBE_CACHE/cluster.lock"
	flock -w 600 8 || die "another cluster.sh holds $KUBE_CACHE/cluster.lock"
	for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do stop_daemon "${DAEMONS[i]}"; done
	if [ "${1:-}" = --purge ]; then
		rm -rf "$KUBE_STATE"
		log "kube stop: removed $KUBE_STATE"
	fi
}

cmd_status() {
	local d rc=0
	for d in "${DAEMONS[@]}"; do
		if running "$d"; then echo "$d: running (pid $(cat "$KUBE_RUN/$d.pid"))"; else echo "$d: stopped"; rc=1; fi
	done
	if api_ready; then echo "kube-apiserver /readyz: ok"; else echo "kube-apiserver /readyz: not ready"; rc=1; fi
	return $rc
}

case ${1:-} in
build) shift; timed "kube build" step_build "$@" ;;
start) cmd_start ;;
stop) shift; cmd_stop "$@" ;;
status) cmd_status ;;
*) die "usage: $0 build|start|status|stop [--purge]" ;;
esac
