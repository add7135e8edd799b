package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// The goals of the release binary: its size (MiB) and its start-up time to
// the schema served (ms).
const binarySizeGoal, startUpGoal = 25, 50

// binary reports the release binary's size and the medians of its start-up
// times over runs starts.
func binary(provider string, runs int) bool {
	fmt.Printf("\n## Binary (start-up: median of %d; load average %s on %d cores)\n\n", runs, loadAverage(), runtime.NumCPU())
	info, err := os.Stat(provider)
	if err != nil {
		fmt.Println(err)
		return false
	}
	var handshakes, schemas []time.Duration
	for range runs {
		handshake, schema, err := startUp(provider)
		if err != nil {
			fmt.Println("start-up:", err)
			return false
		}
		handshakes, schemas = append(handshakes, handshake), append(schemas, schema)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return table([]row{
		{measure: `release binary (-trimpath -ldflags "-s -w")`, figure: float64(info.Size()) / (1 << 20), below: binarySizeGoal, unit: "MiB"},
		{measure: "start-up to the plugin handshake line", figure: ms(median(handshakes)), unit: "ms"},
		{measure: "start-up to the schema served (GetProviderSchema answered)", figure: ms(median(schemas)), below: startUpGoal, unit: "ms"},
	})
}

// startUp starts the provider as Terraform does, without TLS between them,
// and times its go-plugin handshake line on stdout and then its answer to
// GetProviderSchema over gRPC, both from process start.
func startUp(binary string) (handshake, schema time.Duration, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary)
	cmd.Env = append(os.Environ(), "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
		"PLUGIN_PROTOCOL_VERSIONS=6", "PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	handshake = time.Since(start)
	// CORE-VERSION|APP-VERSION|NETWORK|ADDRESS|PROTOCOL|SERVER-CERT
	fields := strings.Split(strings.TrimSpace(line), "|")
	if err != nil || len(fields) < 5 || fields[1] != "6" || fields[4] != "grpc" {
		return 0, 0, fmt.Errorf("no handshake: %q: %w", line, err)
	}
	target := fields[3]
	if fields[2] == "unix" {
		target = "unix:" + target
	}
	conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return 0, 0, err
	}
	defer conn.Close()
	// GetProviderSchema's request has no fields, so an Empty is the same on
	// the wire; the answer's fields land in the Empty's unknown fields,
	// which is enough to check it is the provider's schema.
	answer := &emptypb.Empty{}
	if err := conn.Invoke(ctx, "/tfplugin6.Provider/GetProviderSchema", &emptypb.Empty{}, answer); err != nil {
		return 0, 0, fmt.Errorf("GetProviderSchema: %w", err)
	}
	schema = time.Since(start)
	if !bytes.Contains(answer.ProtoReflect().GetUnknown(), []byte("polardb_backup_tasks")) {
		return 0, 0, errors.New("GetProviderSchema answered without polardb_backup_tasks")
	}
	return handshake, schema, nil
}
