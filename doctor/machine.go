package doctor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
)

// Command is one run of a program of the machine's (docker, docker-compose).
type Command struct {
	Name string
	Args []string
	// Dir is the working directory; "" is the current one.
	Dir string
}

// Result is what a Command gave.
type Result struct {
	Stdout, Stderr []byte
	// ExitCode is the program's exit status.
	ExitCode int
	// Err is set only when the program could not be run or did not finish: an error that
	// is exec.ErrNotFound when it is not installed, context.DeadlineExceeded on a timeout.
	Err error
}

// Runner runs a command; Exec is the real one.
type Runner func(ctx context.Context, c Command) Result

// Exec runs c with os/exec in this process's environment, so the docker CLI finds the
// engine (DOCKER_HOST, DOCKER_CONTEXT, its config's current context) and its plugins
// (DOCKER_CONFIG) as it does for the user.
func Exec(ctx context.Context, c Command) Result {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	cmd.Dir = c.Dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := Result{Stdout: out.Bytes(), Stderr: errOut.Bytes()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.Err = ctx.Err()
	case errors.As(err, &exit):
		r.ExitCode = exit.ExitCode()
	case err != nil:
		r.Err = err
	}
	return r
}

// ListenLocal opens a TCP listener or a UDP socket on address, for Options.Listen.
func ListenLocal(network, address string) (io.Closer, error) {
	if network == "udp" {
		return net.ListenPacket(network, address)
	}
	return net.Listen(network, address)
}

// Host are the facts about this machine that the checks compare with.
type Host struct {
	// GOOS is the operating system containerize runs on (runtime.GOOS).
	GOOS string
	// UID and GID are the developer's ids; -1 where the system has none (Windows).
	UID, GID int
	// WSL says this is Linux under Windows' WSL.
	WSL bool
}

// ThisHost reads the facts of this machine.
func ThisHost(getenv func(string) string) Host {
	h := Host{GOOS: runtime.GOOS, UID: os.Getuid(), GID: os.Getgid()}
	if h.GOOS == "linux" {
		// WSL sets WSL_DISTRO_NAME in every shell; its kernel names itself (sudo drops the first).
		release, _ := os.ReadFile("/proc/sys/kernel/osrelease")
		h.WSL = getenv("WSL_DISTRO_NAME") != "" || bytes.Contains(bytes.ToLower(release), []byte("microsoft"))
	}
	return h
}
