// Command install-provider is `make install`: it builds the provider at
// -version into -dir (by default ~/.terraform.d/plugins, the directory
// Terraform and OpenTofu search without any CLI configuration) and prints
// each path it installed.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/polardb-community/terraform-provider-polardb/internal/mirror"
)

func main() {
	home, err := os.UserHomeDir()
	if err != nil {
		fail(err)
	}
	version := flag.String("version", "", "the provider's version (required)")
	dir := flag.String("dir", filepath.Join(home, ".terraform.d", "plugins"), "the mirror's root")
	flag.Parse()
	if *version == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: install-provider -version VERSION [-dir DIR]")
		os.Exit(2)
	}
	paths, err := mirror.Build(*dir, *version, false)
	if err != nil {
		fail(err)
	}
	for _, path := range paths {
		fmt.Println("installed", path)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "install-provider:", err)
	os.Exit(1)
}
