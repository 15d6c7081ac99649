#!/usr/bin/env bash
# cluster.sh: a single-node Kubernetes on this machine, assembled from the Go module proxy and
# Debian's archive (e2e/kube/README.md).
#
#   e2e/kube/cluster.sh build [PROGRAM...]   the Kubernetes programs of KUBE_VERSION (once; cached)
#   e2e/kube/cluster.sh start     Debian packages, certificates, etcd, kube-apiserver,
#                                 kube-controller-manager, kube-scheduler (idempotent)
#   e2e/kube/cluster.sh start --node   also the node: containerd, the pause image, kubelet, kube-proxy
#   e2e/kube/cluster.sh status    which parts run; the API server's /readyz
#   e2e/kube/cluster.sh stop [--purge]   stop what start started (--purge: also etcd's data and the certificates)
#
# Needs root (apt-get). Everything listens on 127.0.0.1 only.
set -euo pipefail
# shellcheck source=e2e/kube/lib.sh
source "$(dirname "$0")/lib.sh"

APT_PACKAGES=(etcd-server openssl)
# The node (start --node): the container runtime, the CNI plugins (/usr/lib/cni), iptables for
# kube-proxy and the bridge's masquerading, conntrack for kube-proxy's UDP clean-up.
NODE_PACKAGES=(containerd runc containernetworking-plugins iptables conntrack)

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
	local p missing=() want=("${APT_PACKAGES[@]}")
	[ "$NODE" = 0 ] || want+=("${NODE_PACKAGES[@]}")
	for p in "${want[@]}"; do
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
	cert "kubelet-$KUBE_NODE" "/O=system:nodes/CN=system:node:$KUBE_NODE" "extendedKeyUsage=clientAuth"
	if [ ! -s "$KUBE_PKI/sa.key" ]; then
		openssl genrsa -out "$KUBE_PKI/sa.key" 2048 2>/dev/null
		openssl rsa -in "$KUBE_PKI/sa.key" -pubout -out "$KUBE_PKI/sa.pub" 2>/dev/null
	fi
	kubeconfig admin kubernetes-admin
	kubeconfig controller-manager system:kube-controller-manager
	kubeconfig scheduler system:kube-scheduler
	kubeconfig kube-proxy system:kube-proxy
	kubeconfig "kubelet-$KUBE_NODE" "system:node:$KUBE_NODE"
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
		--endpoint-reconciler-type none --kubelet-preferred-address-types Hostname \
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

# containerd: an instance of its own (not Docker's), its root, state and socket under
# $KUBE_CONTAINERD; CRI with runc, cgroupfs (this machine has cgroup v1 and no systemd), the
# CNI plugins from Debian and the locally built pause image as the sandbox; its streaming
# server (exec, logs) on 127.0.0.1. restrict_oom_score_adj: this machine's root lacks
# CAP_SYS_RESOURCE, so the kubelet's -998 for sandboxes made runc fail ("nsexec: failed to
# update /proc/self/oom_score_adj: Permission denied"); containerd caps it at its own score.
step_containerd() {
	mkdir -p "$KUBE_CONTAINERD" "$KUBE_STATE/cni/net.d"
	cat >"$KUBE_CONTAINERD/config.toml" <<-TOML
		version = 2
		root = "$KUBE_CONTAINERD/root"
		state = "$KUBE_CONTAINERD/state"
		[grpc]
		  address = "$KUBE_CONTAINERD_SOCK"
		[plugins."io.containerd.grpc.v1.cri"]
		  sandbox_image = "$KUBE_PAUSE_IMAGE"
		  stream_server_address = "127.0.0.1"
		  stream_server_port = "0"
		  restrict_oom_score_adj = true
		  [plugins."io.containerd.grpc.v1.cri".containerd]
		    snapshotter = "overlayfs"
		    default_runtime_name = "runc"
		    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
		      runtime_type = "io.containerd.runc.v2"
		      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
		        SystemdCgroup = false
		  [plugins."io.containerd.grpc.v1.cri".cni]
		    bin_dir = "/usr/lib/cni"
		    conf_dir = "$KUBE_STATE/cni/net.d"
	TOML
	# One bridge for the node's pods, masqueraded towards the outside, its addresses from
	# host-local in $KUBE_POD_CIDR; portmap for hostPort.
	cat >"$KUBE_STATE/cni/net.d/10-e2e.conflist" <<-JSON
		{"cniVersion": "1.0.0", "name": "e2e", "plugins": [
		  {"type": "bridge", "bridge": "$KUBE_BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
		   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$KUBE_POD_CIDR"}]],
		            "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "$KUBE_STATE/cni/ipam"}},
		  {"type": "portmap", "capabilities": {"portMappings": true}}
		]}
	JSON
	daemon containerd containerd --config "$KUBE_CONTAINERD/config.toml"
	wait_daemon containerd 30 "containerd on $KUBE_CONTAINERD_SOCK" ctr --address "$KUBE_CONTAINERD_SOCK" version
}

# pause: the sandbox image, a static program of e2e/kube/pause made into an image tarball by
# e2e/kube/imagetar and imported into containerd (no registry can be reached).
step_pause() {
	ctr_k8s images ls -q | grep -qx "$KUBE_PAUSE_IMAGE" && return
	local tar=$KUBE_CACHE/pause.tar
	if [ ! -s "$tar" ]; then
		(cd "$REPO_ROOT" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$KUBE_CACHE/pause" ./e2e/kube/pause &&
			go run ./e2e/kube/imagetar -file "$KUBE_CACHE/pause" -path /pause -ref "$KUBE_PAUSE_IMAGE" -out "$tar.tmp") ||
			die "building the pause image failed"
		mv "$tar.tmp" "$tar"
	fi
	ctr_k8s images import "$tar" >/dev/null || die "ctr images import $tar failed"
	# Pinned, so the kubelet's image garbage collection never removes the sandbox image.
	ctr_k8s images label "$KUBE_PAUSE_IMAGE" io.cri-containerd.pinned=pinned >/dev/null || true
}

node_ready() {
	[ "$("$KUBECTL" get node "$KUBE_NODE" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

# kubelet: serving on 127.0.0.1 only, webhook authentication and authorization through the API
# server, cgroup v1 allowed (failCgroupV1: false; this machine has no cgroup v2 hierarchy). No
# image garbage collection: nothing can be pulled again, and the kubelet counts this disk's
# reserved blocks as used ("89% of 252.0 GiB used" where df says 68%), so it deleted every
# unused image, the pause image included (containerd 1.6 ignores the pinned label).
step_kubelet() {
	mkdir -p "$KUBE_STATE/kubelet"
	cat >"$KUBE_STATE/kubelet.yaml" <<-YAML
		apiVersion: kubelet.config.k8s.io/v1beta1
		kind: KubeletConfiguration
		address: 127.0.0.1
		port: $KUBE_KUBELET_PORT
		readOnlyPort: 0
		healthzBindAddress: 127.0.0.1
		healthzPort: $KUBE_KUBELET_HEALTHZ_PORT
		authentication:
		  anonymous: {enabled: false}
		  webhook: {enabled: true}
		  x509: {clientCAFile: $KUBE_PKI/ca.crt}
		authorization: {mode: Webhook}
		cgroupDriver: cgroupfs
		failCgroupV1: false
		failSwapOn: false
		containerRuntimeEndpoint: unix://$KUBE_CONTAINERD_SOCK
		clusterDNS: [$KUBE_DNS_IP]
		clusterDomain: cluster.local
		resolvConf: /etc/resolv.conf
		podLogsDir: $KUBE_STATE/pod-logs
		evictionHard: {memory.available: 200Mi, nodefs.available: 5%, imagefs.available: 5%}
		serializeImagePulls: false
		imageGCHighThresholdPercent: 100
		imageGCLowThresholdPercent: 99
	YAML
	daemon kubelet "$KUBE_BIN/kubelet" --config "$KUBE_STATE/kubelet.yaml" \
		--kubeconfig "$KUBE_STATE/kubelet-$KUBE_NODE.kubeconfig" --root-dir "$KUBE_STATE/kubelet" \
		--hostname-override "$KUBE_NODE"
	wait_daemon kubelet 120 "node $KUBE_NODE to be Ready" node_ready
}

proxy_healthy() { curl -fsS "http://127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT/healthz" >/dev/null; }

# kube-proxy: iptables mode; NodePorts on 127.0.0.1 only (kube-proxy sets route_localnet).
step_proxy() {
	cat >"$KUBE_STATE/kube-proxy.yaml" <<-YAML
		apiVersion: kubeproxy.config.k8s.io/v1alpha1
		kind: KubeProxyConfiguration
		clientConnection: {kubeconfig: $KUBE_STATE/kube-proxy.kubeconfig}
		mode: iptables
		clusterCIDR: $KUBE_POD_CIDR
		bindAddress: 127.0.0.1
		healthzBindAddress: 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT
		metricsBindAddress: 127.0.0.1:$KUBE_PROXY_METRICS_PORT
		nodePortAddresses: [127.0.0.1/32]
		hostnameOverride: $KUBE_NODE
		conntrack: {maxPerCore: 0}
	YAML
	[ -s "$KUBE_RUN/route_localnet" ] || sysctl -n net.ipv4.conf.all.route_localnet >"$KUBE_RUN/route_localnet"
	daemon kube-proxy "$KUBE_BIN/kube-proxy" --config "$KUBE_STATE/kube-proxy.yaml"
	wait_daemon kube-proxy 60 "kube-proxy's /healthz on 127.0.0.1:$KUBE_PROXY_HEALTHZ_PORT" proxy_healthy
}

# stop_node: the pods' containers die with their runtime's shims only when told: kill every
# task of containerd's k8s.io namespace, remove the containers, the bridge and kube-proxy's
# rules, and unmount what the kubelet mounted (secrets, projected volumes).
stop_node() {
	local id m t rule chain
	# Pods deleted through the API first, so the kubelet tears their sandboxes down (CNI DEL
	# removes each pod's masquerading rule); what is left is killed below.
	if running kubelet && api_ready; then
		timeout 90 "$KUBECTL" delete pods --all --all-namespaces --grace-period=5 --timeout=80s >/dev/null 2>&1 ||
			log "kube stop: some pods were not deleted within 90 s; killing their containers"
	fi
	stop_daemon kube-proxy
	stop_daemon kubelet
	if running containerd; then
		for id in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
		sleep 1
		for id in $(ctr_k8s tasks ls -q 2>/dev/null); do ctr_k8s tasks delete -f "$id" >/dev/null 2>&1 || true; done
		# The sandboxes' network namespaces (containerd's CRI pins them under /run/netns) go
		# only with a CRI teardown: take the paths from our own containers' specs.
		for id in $(ctr_k8s containers ls -q 2>/dev/null); do
			ctr_k8s containers info "$id" 2>/dev/null |
				jq -r '.Spec.linux.namespaces[]? | select(.type == "network") | .path // empty' 2>/dev/null |
				while read -r m; do
					case $m in /var/run/netns/cni-* | /run/netns/cni-*) ip netns delete "${m##*/}" 2>/dev/null || true ;; esac
				done
			ctr_k8s containers delete "$id" >/dev/null 2>&1 || true
		done
	fi
	stop_daemon containerd
	[ -x "$KUBE_BIN/kube-proxy" ] && [ -d "$KUBE_STATE" ] && "$KUBE_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
	ip link show "$KUBE_BRIDGE" >/dev/null 2>&1 && ip link delete "$KUBE_BRIDGE" || true
	# The bridge plugin's masquerading of pods that were killed rather than torn down (rules
	# commented with this network's name, and their CNI-* chains), and the kubelet's canaries.
	iptables-save -t nat | { grep -- '^-A POSTROUTING .*name: \\"e2e\\"' || true; } | while read -r rule; do
		chain=${rule##* -j }
		eval "iptables -t nat -D ${rule#-A }" || true
		iptables -t nat -F "$chain" 2>/dev/null && iptables -t nat -X "$chain" 2>/dev/null || true
	done
	for t in nat filter mangle; do
		iptables -t "$t" -F KUBE-KUBELET-CANARY 2>/dev/null && iptables -t "$t" -X KUBE-KUBELET-CANARY 2>/dev/null || true
	done
	# kube-proxy's guard for NodePorts on 127.0.0.1 (no outside packets to 127.0.0.0/8), and
	# the sysctl it turned on for them, back to what it was.
	while iptables -D INPUT -j KUBE-FIREWALL 2>/dev/null; do :; done
	while iptables -D OUTPUT -j KUBE-FIREWALL 2>/dev/null; do :; done
	iptables -F KUBE-FIREWALL 2>/dev/null && iptables -X KUBE-FIREWALL 2>/dev/null || true
	iptables -t mangle -X KUBE-IPTABLES-HINT 2>/dev/null || true
	if [ -s "$KUBE_RUN/route_localnet" ]; then
		sysctl -qw "net.ipv4.conf.all.route_localnet=$(cat "$KUBE_RUN/route_localnet")" || true
		rm -f "$KUBE_RUN/route_localnet"
	fi
	# Deepest first, so nested mounts come off before their parents.
	{ grep -o " $KUBE_STATE/[^ ]*" /proc/mounts 2>/dev/null || true; } | sort -r | while read -r m; do umount "$m" 2>/dev/null || umount -l "$m" || true; done
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

NODE=0
cmd_start() {
	[ "$(id -u)" = 0 ] || die "run as root (apt-get, the kubelet)"
	[ "${1:-}" != --node ] || NODE=1
	exec 8>"$KUBE_CACHE/cluster.lock"
	flock -w 600 8 || die "another cluster.sh holds $KUBE_CACHE/cluster.lock"
	timed "kube packages" step_packages
	timed "kube build" step_build kube-apiserver kubectl kube-controller-manager kube-scheduler
	timed "kube pki" step_pki
	timed "kube etcd" step_etcd
	timed "kube apiserver" step_apiserver
	timed "kube controller-manager" step_controller_manager
	timed "kube scheduler" step_scheduler
	[ "$NODE" = 1 ] || return 0
	timed "kube build" step_build kubelet kube-proxy
	timed "kube containerd" step_containerd
	timed "kube pause image" step_pause
	timed "kube kubelet" step_kubelet
	timed "kube proxy" step_proxy
}

cmd_stop() {
	local i
	exec 8>"$KUBE_CACHE/cluster.lock"
	flock -w 600 8 || die "another cluster.sh holds $KUBE_CACHE/cluster.lock"
	stop_node
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
	for d in containerd kubelet kube-proxy; do
		running "$d" && echo "$d: running (pid $(cat "$KUBE_RUN/$d.pid"))"
	done
	if api_ready; then echo "kube-apiserver /readyz: ok"; else echo "kube-apiserver /readyz: not ready"; rc=1; fi
	return $rc
}

case ${1:-} in
build) shift; timed "kube build" step_build "$@" ;;
start) shift; cmd_start "$@" ;;
stop) shift; cmd_stop "$@" ;;
status) cmd_status ;;
*) die "usage: $0 build [PROGRAM...] | start [--node] | status | stop [--purge]" ;;
esac
