//go:build linux

// Command pause is the e2e cluster's sandbox ("pause") container: no registry can be reached, so
// the kubelet's pod sandbox image is built here (e2e/kube/cluster.sh). It holds the pod's
// namespaces open, reaps the zombies of processes that share its PID namespace, and exits on
// SIGINT or SIGTERM, like registry.k8s.io/pause.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "pause: not running as PID 1 (it is meant to be a pod's sandbox process)")
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
			if pid <= 0 || err != nil {
				break
			}
		}
	}
}
