# shellcheck shell=bash
# lib.sh: what the e2e-kube scripts share (sourced after e2e/lib.sh). The cluster is one node on
# this machine, every port on 127.0.0.1. Binaries are cached per Kubernetes version under
# $KUBE_CACHE/bin-VERSION, so only the first run builds; the cluster's state (certificates,
# kubeconfigs, etcd's data) lives in $KUBE_STATE and `cluster.sh stop --purge` removes it.
# shellcheck source=e2e/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"

KUBE_DIR=$E2E_DIR/kube
# One release for every program; e2e/kube/build/go.mod pins k8s.io/kubernetes and its staging
# modules to it (and the product's k8s.io/api is v0.37.2).
KUBE_VERSION=v1.37.2
KUBE_CACHE=$E2E_CACHE/kube
KUBE_BIN=$KUBE_CACHE/bin-$KUBE_VERSION
KUBE_STATE=$KUBE_CACHE/state
KUBE_PKI=$KUBE_STATE/pki
KUBE_RUN=$KUBE_STATE/run
KUBE_LOGS=$E2E_LOGS/kube
KUBECTL=$KUBE_BIN/kubectl
export KUBECONFIG=$KUBE_STATE/admin.kubeconfig

# Ports away from the defaults, so a cluster or etcd someone else runs does not collide.
KUBE_ETCD_PORT=${KUBE_ETCD_PORT:-23790}
KUBE_ETCD_PEER_PORT=${KUBE_ETCD_PEER_PORT:-23800}
KUBE_API_PORT=${KUBE_API_PORT:-16443}
KUBE_CM_PORT=${KUBE_CM_PORT:-16457}
KUBE_SCHED_PORT=${KUBE_SCHED_PORT:-16459}
KUBE_KUBELET_PORT=${KUBE_KUBELET_PORT:-16250}
KUBE_KUBELET_HEALTHZ_PORT=${KUBE_KUBELET_HEALTHZ_PORT:-16248}
KUBE_PROXY_HEALTHZ_PORT=${KUBE_PROXY_HEALTHZ_PORT:-16256}
KUBE_PROXY_METRICS_PORT=${KUBE_PROXY_METRICS_PORT:-16249}
KUBE_API=https://127.0.0.1:$KUBE_API_PORT
KUBE_SERVICE_CIDR=10.96.0.0/16
KUBE_SERVICE_IP=10.96.0.1
KUBE_DNS_IP=10.96.0.10
# The node: its name (in its client certificate), its pods' range on a bridge of its own. The
# name is `localhost` because the API server reaches the kubelet (logs, exec, port-forward) at
# the node's Hostname address, the only one that can say 127.0.0.1: a node IP may not be
# loopback ("nodeIP can't be loopback address") and the kubelet listens on 127.0.0.1 only.
KUBE_NODE=localhost
KUBE_POD_CIDR=10.244.0.0/24
KUBE_BRIDGE=cze2e0
KUBE_PAUSE_IMAGE=registry.k8s.io/pause:3.10
KUBE_CONTAINERD=$KUBE_STATE/containerd
KUBE_CONTAINERD_SOCK=$KUBE_CONTAINERD/containerd.sock
ctr_k8s() { ctr --address "$KUBE_CONTAINERD_SOCK" --namespace k8s.io "$@"; }

# The programs cluster.sh builds from k8s.io/kubernetes (cmd/NAME).
KUBE_PROGRAMS=(kube-apiserver kubectl kube-controller-manager kube-scheduler kubelet kube-proxy)

mkdir -p "$KUBE_CACHE" "$KUBE_LOGS"

kubectl() { "$KUBECTL" "$@"; }

# running_node: containerd, the kubelet and kube-proxy that cluster.sh started are alive.
running_node() {
	local d pid
	for d in containerd kubelet kube-proxy; do
		pid=$(cat "$KUBE_RUN/$d.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null || return 1
	done
}
