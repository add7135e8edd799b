// Command polardb-emulator serves the local PolarDB API emulator.
//
//	polardb-emulator [--data FILE] [--listen 127.0.0.1:0] [--allow-remote] [--tls [--cert-out FILE]]
//	                 [--latency D] [--jitter D] [--rate-limit N] [--fault KIND [--fault-first N] [--fault-fraction F]]
//	                 [--clock-skew D] [--seed N] [--finish-after D] [--listing-delay D] [--delete-delay D]
//	                 [--stats FILE]
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
	"strings"
	"syscall"
	"time"

	"github.com/polardb-community/terraform-provider-polardb/internal/emulator"
	"github.com/polardb-community/terraform-provider-polardb/internal/loopbacktls"
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

// options are the command's flags.
type options struct {
	dataPath, listen, certOut, statsPath   string
	allowRemote, useTLS                    bool
	faults                                 emulator.Faults
	seed                                   int64
	finishAfter, listingDelay, deleteDelay time.Duration
}

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	flags := flag.NewFlagSet("polardb-emulator", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.StringVar(&o.dataPath, "data", "", "JSON data file to serve (default: the built-in demo data)")
	flags.StringVar(&o.listen, "listen", "127.0.0.1:0", "address to listen on")
	flags.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback listen address")
	flags.BoolVar(&o.useTLS, "tls", false, "serve HTTPS with a fresh self-signed certificate")
	flags.StringVar(&o.certOut, "cert-out", "", "with --tls, write the certificate (PEM) to this file (default: a temporary file, removed on exit)")
	latency := flags.Duration("latency", 0, "delay every PolarDB API call by this much")
	jitter := flags.Duration("jitter", 0, "and by a random extra up to this much")
	rateLimit := flags.Float64("rate-limit", 0, "PolarDB API calls accepted per second, beyond which Throttling.User (0: no limit)")
	faultKind := flags.String("fault", "", "fault to inject: "+kindList(emulator.FaultKinds()))
	faultFirst := flags.Int("fault-first", 0, "inject --fault into the first N calls")
	faultFraction := flags.Float64("fault-fraction", 0, "inject --fault into this fraction of the calls, at random (with neither, into every call)")
	clockSkew := flags.Duration("clock-skew", 0, "set the server clock this far ahead (negative: behind) for signatures")
	flags.Int64Var(&o.seed, "seed", 1, "seed of the random choices of --fault-fraction and --jitter")
	flags.DurationVar(&o.finishAfter, "finish-after", 0, "make every unfinished backup task without finishes_after of its own progress, from its first listing, until it is Finished this much later")
	flags.DurationVar(&o.listingDelay, "listing-delay", 0, "make DescribeBackups list the backup set of a task this long after it progressed to Finished, as the service does about a minute late, on every cluster without listing_delay of its own")
	flags.DurationVar(&o.deleteDelay, "delete-delay", 0, "make DescribeBackups list a backup that DeleteBackup deleted, unchanged, this long after the call")
	flags.StringVar(&o.statsPath, "stats", "", "on exit, write the TCP connections, TLS handshakes and requests accepted to this file, as JSON")
	if err := flags.Parse(args); err != nil {
		return o, err
	}
	o.faults = emulator.Faults{
		Latency: emulator.Duration(*latency), Jitter: emulator.Duration(*jitter), RateLimit: *rateLimit,
		Fault: emulator.FaultKind(*faultKind), First: *faultFirst, Fraction: *faultFraction, ClockSkew: emulator.Duration(*clockSkew),
	}
	switch err := o.faults.Validate(); {
	case err != nil:
		return o, fmt.Errorf("fault flags: %w", err)
	case flags.NArg() > 0:
		return o, fmt.Errorf("unexpected arguments: %q", flags.Args())
	case o.certOut != "" && !o.useTLS:
		return o, errors.New("--cert-out needs --tls")
	case o.finishAfter < 0:
		return o, fmt.Errorf("--finish-after %s is negative", o.finishAfter)
	case o.listingDelay < 0:
		return o, fmt.Errorf("--listing-delay %s is negative", o.listingDelay)
	case o.deleteDelay < 0:
		return o, fmt.Errorf("--delete-delay %s is negative", o.deleteDelay)
	}
	return o, nil
}

// run serves until ctx is done. stdout gets only the lines a script reads.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	data := emulator.SampleData()
	if o.dataPath != "" {
		if data, err = emulator.LoadData(o.dataPath); err != nil {
			return err
		}
	}
	ln, err := listen(o.listen, o.allowRemote)
	if err != nil {
		return err
	}
	defer ln.Close() // after a shutdown, already closed
	var tlsConfig *tls.Config
	var certPath string
	if o.useTLS {
		var cleanup func()
		if tlsConfig, certPath, cleanup, err = setUpTLS(o.certOut); err != nil {
			return err
		}
		defer cleanup()
	}
	// Created now, so that a bad path fails before anything is announced.
	var statsFile *os.File
	if o.statsPath != "" {
		if statsFile, err = os.Create(o.statsPath); err != nil {
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
	if o.dataPath == "" {
		demo := data.Credentials[0]
		fmt.Fprintf(stdout, "ALIBABA_CLOUD_ACCESS_KEY_ID=%s\nALIBABA_CLOUD_ACCESS_KEY_SECRET=%s\n", demo.AccessKeyID, demo.AccessKeySecret)
	}

	logger := log.New(stderr, "polardb-emulator: ", log.LstdFlags)
	opts := []emulator.Option{emulator.WithLogger(logger), emulator.WithSeed(o.seed), emulator.WithFinishAfter(o.finishAfter),
		emulator.WithListingDelay(o.listingDelay), emulator.WithDeleteDelay(o.deleteDelay)}
	if o.faults != (emulator.Faults{}) {
		opts = append(opts, emulator.WithFaults(o.faults))
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
	counts, err := serve(ctx, srv, ln)
	if err != nil {
		return err
	}
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

// listen listens on addr, which must be a loopback address unless
// allowRemote: the emulator accepts demo credentials, and should not be
// reachable from other machines unless asked for.
func listen(addr string, allowRemote bool) (net.Listener, error) {
	if !allowRemote && !isLoopback(addr) {
		return nil, fmt.Errorf("refusing to listen on %q, which is not a loopback address; pass --allow-remote to do so", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	if !allowRemote && !isLoopback(ln.Addr().String()) { // "localhost" resolved elsewhere
		_ = ln.Close()
		return nil, fmt.Errorf("%q resolved to %s, which is not a loopback address", addr, ln.Addr())
	}
	return ln, nil
}

// serve serves srv on ln (with TLS if srv has a configuration) until ctx
// is done, shuts it down, and returns what it counted.
func serve(ctx context.Context, srv *http.Server, ln net.Listener) (emulator.Counts, error) {
	var stats emulator.Stats
	stats.Instrument(srv)
	served := make(chan error, 1)
	if srv.TLSConfig != nil {
		go func() { served <- srv.ServeTLS(ln, "", "") }()
	} else {
		go func() { served <- srv.Serve(ln) }()
	}
	select {
	case err := <-served:
		return emulator.Counts{}, err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return emulator.Counts{}, err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return emulator.Counts{}, err
	}
	return stats.Counts(), nil
}

// setUpTLS makes a certificate and writes it to certOut, or to a temporary
// file that cleanup removes. It returns the file's absolute path, for
// SSL_CERT_FILE in any directory.
func setUpTLS(certOut string) (config *tls.Config, certPath string, cleanup func(), err error) {
	config, certPEM, err := loopbacktls.New()
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

// kindList is the fault kinds as "a, b or c".
func kindList(kinds []emulator.FaultKind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
