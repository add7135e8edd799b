package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

// start runs the command, as the test binary, with args.
func start(t *testing.T, args ...string) *emulator.Command {
	t.Helper()
	emu, err := emulator.StartCommand(os.Args[0], append(os.Environ(), runMainEnv+"=1"), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Stop() })
	return emu
}

func nextLine(t *testing.T, emu *emulator.Command) string {
	t.Helper()
	line, err := emu.Next()
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// noMoreLines fails t if stdout has more lines before it closes; where
// says after what, for the message.
func noMoreLines(t *testing.T, lines <-chan string, where string) {
	t.Helper()
	var rest []string
	for line := range lines {
		rest = append(rest, line)
	}
	if len(rest) != 0 {
		t.Errorf("more stdout %s: %q", where, rest)
	}
}

func valueOf(t *testing.T, line, name string) string {
	t.Helper()
	value, ok := strings.CutPrefix(line, name+"=")
	if !ok {
		t.Fatalf("line %q, want %s=...", line, name)
	}
	return value
}

func interruptAndWait(t *testing.T, emu *emulator.Command) {
	t.Helper()
	if err := emu.Stop(); err != nil {
		t.Errorf("exit after SIGINT: %v", err)
	}
}

// writeData writes a data file with one key, AKFILE / file-secret, and one
// cluster, pc-file.
func writeData(t *testing.T) string {
	t.Helper()
	return writeDataFaults(t, "", "")
}

// writeDataFaults is writeData with the given JSON faults, global and of
// pc-file, when not "".
func writeDataFaults(t *testing.T, global, cluster string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data.json")
	if global != "" {
		global = `"faults": ` + global + ","
	}
	if cluster != "" {
		cluster = `, "faults": ` + cluster
	}
	data := `{"credentials": [{"access_key_id": "AKFILE", "access_key_secret": "file-secret"}], ` + global + `
	          "clusters": [{"id": "pc-file", "backup_jobs": []` + cluster + `}]}`
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
