package emulator

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Command is the emulator command (cmd/polardb-emulator) running in a
// child process: how the tests, the demo and planbench start it, so that
// reading what it announces is written once.
type Command struct {
	// Endpoint is the host:port of its first line, POLARDB_ENDPOINT=....
	Endpoint string
	// Lines are the lines it prints after that one (SSL_CERT_FILE=...,
	// the demo credentials, ...), as they come; closed when it exits.
	Lines  <-chan string
	cmd    *exec.Cmd
	stderr *lockedBuffer
	waited chan error
}

// BuildCommand builds the emulator command into the file out, in the
// module of the current directory.
func BuildCommand(out string) error {
	cmd := exec.Command("go", "build", "-o", out, "github.com/polardb-community/terraform-provider-polardb/internal/emulator/cmd/polardb-emulator")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of the emulator command: %w", err)
	}
	return nil
}

// announceWait bounds how long a start, a line or a stop may take.
const announceWait = 30 * time.Second

// StartCommand runs the emulator binary with args and env (nil: this
// process's) and waits for its endpoint. Unless args has --listen, it
// listens on a free loopback port.
func StartCommand(binary string, env []string, args ...string) (*Command, error) {
	if !hasFlag(args, "--listen") {
		args = append([]string{"--listen", "127.0.0.1:0"}, args...)
	}
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	c := &Command{cmd: cmd, stderr: &lockedBuffer{}, waited: make(chan error, 1)}
	cmd.Stderr = c.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// Buffered beyond the few lines it prints, so that lines nobody
	// reads never hold up its exit.
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		c.waited <- cmd.Wait() // after stdout is read: Wait closes it
	}()
	c.Lines = lines
	first, err := c.Next()
	if err == nil && !strings.HasPrefix(first, "POLARDB_ENDPOINT=") {
		err = fmt.Errorf("its first line is %q", first)
	}
	if err != nil {
		_ = c.Stop()
		return nil, fmt.Errorf("the emulator did not announce its endpoint: %w; its log:\n%s", err, c.Log())
	}
	c.Endpoint = strings.TrimPrefix(first, "POLARDB_ENDPOINT=")
	return c, nil
}

// Next returns the next line it prints.
func (c *Command) Next() (string, error) {
	select {
	case line, ok := <-c.Lines:
		if !ok {
			return "", errors.New("the emulator exited")
		}
		return line, nil
	case <-time.After(announceWait):
		return "", fmt.Errorf("no line from the emulator within %v", announceWait)
	}
}

// Var reads its lines up to NAME=value and returns value.
func (c *Command) Var(name string) (string, error) {
	for {
		line, err := c.Next()
		if err != nil {
			return "", fmt.Errorf("waiting for %s: %w; its log:\n%s", name, err, c.Log())
		}
		if value, ok := strings.CutPrefix(line, name+"="); ok {
			return value, nil
		}
	}
}

// Log is what it has written to stderr so far.
func (c *Command) Log() string { return c.stderr.String() }

// Stop interrupts it and waits until it has exited, killing it after
// announceWait; an exit other than the clean one an interrupt asks for is
// an error.
func (c *Command) Stop() error {
	if err := c.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case err := <-c.waited:
		c.waited <- err // a second Stop gets the same answer
		return err
	case <-time.After(announceWait):
		_ = c.cmd.Process.Kill()
		return fmt.Errorf("the emulator was still running %v after an interrupt; killed", announceWait)
	}
}

func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}

// lockedBuffer collects a child's output while it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
