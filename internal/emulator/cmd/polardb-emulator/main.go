// Command polardb-emulator serves the local PolarDB API emulator.
//
//	polardb-emulator [--data FILE] [--listen 127.0.0.1:0] [--allow-remote] [--tls [--cert-out FILE]]
//	                 [--latency D] [--jitter D] [--rate-limit N] [--fault KIND [--fault-first N] [--fault-fraction F]]
//	                 [--clock-skew D] [--seed N] [--stats FILE]
//
// Its first line on stdout is POLARDB_ENDPOINT=host:port. With --tls it
// serves HTTPS with a fresh self-signed certificate, written to --cert-out
// (by default a temporary file, removed on exit), and prints
// SSL_CERT_FILE=<that file> and ALIBABA_CLOUD_STS_ENDPOINT=host:port next.
// Without --data it serves the built-in demo data and then prints the demo
// credentials. The fault flags inject faults into every PolarDB API call, in
// place of the data file's global faults; per-cluster faults come only from
// the data file. It stops on SIGINT or SIGTERM, and then logs on stderr how
// many TCP connections, TLS handshakes and requests it accepted; with
// --stats it also writes them to FILE as JSON, such as
// {"connections":10,"tls_handshakes":10,"tls_resumed":0,"requests":200}.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "polardb-emulator:", err)
		stop()
		os.Exit(1)
	}
}

// run serves until ctx is done. stdout gets only the lines a script reads.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("polardb-emulator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	dataPath := flags.String("data", "", "JSON data file to serve (default: the built-in demo data)")
	listen := flags.String("listen", "127.0.0.1:0", "address to listen on")
	allowRemote := flags.Bool("allow-remote", false, "allow a non-loopback listen address")
	useTLS := flags.Bool("tls", false, "serve HTTPS with a fresh self-signed certificate")
	certOut := flags.String("cert-out", "", "with --tls, write the certificate (PEM) to this file (default: a temporary file, removed on exit)")
	latency := flags.Duration("latency", 0, "delay every PolarDB API call by this much")
	jitter := flags.Duration("jitter", 0, "and by a random extra up to this much")
	rateLimit := flags.Float64("rate-limit", 0, "PolarDB API calls accepted per second, beyond which Throttling.User (0: no limit)")
	faultKind := flags.String("fault", "", "fault to inject: internal_error, unavailable, throttling, html_502, reset, hang, truncated or error_in_200")
	faultFirst := flags.Int("fault-first", 0, "inject --fault into the first N calls")
	faultFraction := flags.Float64("fault-fraction", 0, "inject --fault into this fraction of the calls, at random (with neither, into every call)")
	clockSkew := flags.Duration("clock-skew", 0, "set the server clock this far ahead (negative: behind) for signatures")
	seed := flags.Int64("seed", 1, "seed of the random choices of --fault-fraction and --jitter")
	statsPath := flags.String("stats", "", "on exit, write the TCP connections, TLS handshakes and requests accepted to this file, as JSON")
	if err := flags.Parse(args); err != nil {
		return err
	}
	faults := emulator.Faults{
		Latency: emulator.Duration(*latency), Jitter: emulator.Duration(*jitter), RateLimit: *rateLimit,
		Fault: emulator.FaultKind(*faultKind), First: *faultFirst, Fraction: *faultFraction, ClockSkew: emulator.Duration(*clockSkew),
	}
	if err := faults.Validate(); err != nil {
		return fmt.Errorf("fault flags: %w", err)
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", flags.Args())
	}
	if *certOut != "" && !*useTLS {
		return errors.New("--cert-out needs --tls")
	}

	data := emulator.SampleData()
	if *dataPath != "" {
		var err error
		if data, err = emulator.LoadData(*dataPath); err != nil {
			return err
		}
	}

	// The emulator accepts demo credentials; it should not be reachable
	// from other machines unless asked for.
	if !*allowRemote && !isLoopback(*listen) {
		return fmt.Errorf("refusing to listen on %q, which is not a loopback address; pass --allow-remote to do so", *listen)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if !*allowRemote && !isLoopback(ln.Addr().String()) { // "localhost" resolved elsewhere
		_ = ln.Close()
		return fmt.Errorf("%q resolved to %s, which is not a loopback address", *listen, ln.Addr())
	}
	var tlsConfig *tls.Config
	var certPath string
	if *useTLS {
		var cleanup func()
		if tlsConfig, certPath, cleanup, err = setUpTLS(*certOut); err != nil {
			_ = ln.Close()
			return err
		}
		defer cleanup()
	}

	// Created now, so that a bad path fails before anything is announced.
	var statsFile *os.File
	if *statsPath != "" {
		if statsFile, err = os.Create(*statsPath); err != nil {
			_ = ln.Close()
			return fmt.Errorf("--stats: %w", err)
		}
		defer statsFile.Close()
	}

	// os.Stdout is unbuffered: each line is out as soon as it is written.
	fmt.Fprintf(stdout, "POLARDB_ENDPOINT=%s\n", ln.Addr())
	if tlsConfig != nil {
		// credentials-go calls STS over HTTPS only, so the STS endpoint is
		// worth printing only with TLS.
		fmt.Fprintf(stdout, "SSL_CERT_FILE=%s\nALIBABA_CLOUD_STS_ENDPOINT=%s\n", certPath, ln.Addr())
	}
	if *dataPath == "" {
		demo := data.Credentials[0]
		fmt.Fprintf(stdout, "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n", demo.AccessKeyID, demo.AccessKeySecret)
	}

	logger := log.New(stderr, "polardb-emulator: ", log.LstdFlags)
	opts := []emulator.Option{emulator.WithLogger(logger), emulator.WithSeed(*seed)}
	if faults != (emulator.Faults{}) {
		opts = append(opts, emulator.WithFaults(faults))
	}
	srv := &http.Server{
		Handler:           emulator.New(data, opts...),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          logger,
		// Requests see ctx end on SIGINT, so that an injected hang or
		// latency does not hold up the shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
		TLSConfig:   tlsConfig,
	}
	var stats emulator.Stats
	stats.Instrument(srv)
	served := make(chan error, 1)
	if tlsConfig != nil {
		go func() { served <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { served <- srv.Serve(ln) }()
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	counts := stats.Counts()
	logger.Printf("accepted %d connections, %d TLS handshakes (%d resumed), %d requests",
		counts.Connections, counts.TLSHandshakes, counts.TLSResumed, counts.Requests)
	if statsFile != nil {
		if err := json.NewEncoder(statsFile).Encode(counts); err != nil {
			return fmt.Errorf("--stats: %w", err)
		}
		return statsFile.Close()
	}
	return nil
}

// setUpTLS makes a certificate and writes it to certOut, or to a temporary
// file that cleanup removes. It returns the file's absolute path, for
// SSL_CERT_FILE in any directory.
func setUpTLS(certOut string) (config *tls.Config, certPath string, cleanup func(), err error) {
	config, certPEM, err := emulator.NewTLSConfig()
	if err != nil {
		return nil, "", nil, err
	}
	cleanup = func() {}
	if certOut == "" {
		f, err := os.CreateTemp("", "polardb-emulator-*.pem")
		if err != nil {
			return nil, "", nil, err
		}
		certOut = f.Name()
		cleanup = func() { _ = os.Remove(certOut) }
		if err := f.Close(); err != nil {
			cleanup()
			return nil, "", nil, err
		}
	}
	// The certificate is public: readable by all, like a CA bundle.
	if err := os.WriteFile(certOut, certPEM, 0o644); err != nil {
		cleanup()
		return nil, "", nil, fmt.Errorf("writing the certificate: %w", err)
	}
	certPath, err = filepath.Abs(certOut)
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return config, certPath, cleanup, nil
}

// isLoopback reports whether a host:port names only the loopback interface.
func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
