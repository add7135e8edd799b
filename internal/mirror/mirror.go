// Package mirror lays the provider out as Terraform and OpenTofu find it in
// a filesystem mirror, under each CLI's registry host, so that
// `source = "polardb-community/polardb"` installs it: make install, the
// demo, planbench and the tests all lay it out here.
package mirror

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Hosts are the registry hosts the two CLIs read the address under:
// registry.terraform.io for Terraform, registry.opentofu.org for OpenTofu.
func Hosts() []string { return []string{"registry.terraform.io", "registry.opentofu.org"} }

const (
	// module is the provider's main package.
	module = "github.com/polardb-community/terraform-provider-polardb"
	// address is the provider's namespace and type below a host.
	address = "polardb-community/polardb"
	binary  = "terraform-provider-polardb"
)

// Platform is this machine's, as the CLIs name it (linux_amd64).
func Platform() string { return runtime.GOOS + "_" + runtime.GOARCH }

// Build compiles the provider at version (its main.version) into the
// unpacked layout under root, and returns the binaries' paths; asRelease
// builds it as goreleaser does (-trimpath, no symbols). It runs go build in
// the module of the current directory.
func Build(root, version string, asRelease bool) ([]string, error) {
	out, err := os.CreateTemp("", binary+"-*")
	if err != nil {
		return nil, err
	}
	out.Close()
	defer os.Remove(out.Name())
	args, ldflags := []string{"build"}, "-X main.version="+version
	if asRelease {
		args, ldflags = append(args, "-trimpath"), "-s -w "+ldflags
	}
	args = append(args, "-ldflags", ldflags, "-o", out.Name(), module)
	cmd := exec.Command("go", args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build of the provider: %w", err)
	}
	return Unpacked(root, version, out.Name())
}

// Unpacked copies the provider binary into root as version for this
// platform, once under each host, and returns the copies' paths.
func Unpacked(root, version, from string) ([]string, error) {
	var paths []string
	for _, host := range Hosts() {
		dir := filepath.Join(root, host, address, version, Platform())
		to := filepath.Join(dir, fmt.Sprintf("%s_v%s", binary, version))
		if err := copyFile(from, to, 0o755); err != nil {
			return nil, err
		}
		paths = append(paths, to)
	}
	return paths, nil
}

// Packed copies a release zip into root, once under each host: the packed
// layout, in which the CLI reads version and platform from the zip's name.
func Packed(root, zip string) error {
	for _, host := range Hosts() {
		if err := copyFile(zip, filepath.Join(root, host, address, filepath.Base(zip)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// CLIConfig is a CLI configuration file's content that installs every
// provider from the filesystem mirror at root and from nowhere else.
func CLIConfig(root string) string {
	return fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path = %q\n  }\n}\n", root)
}

// copyFile writes a new file and renames it to to, so that a binary
// running from to goes on running (and a reader never sees half a file).
func copyFile(from, to string, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(to), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name()) // after the rename, nothing to remove
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Chmod(mode); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(out.Name(), to)
}
