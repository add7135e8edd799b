// Package installtest holds the tests that install the provider the ways
// Terraform and OpenTofu users get providers, with the real CLI and nothing
// but loopback: from the implied local mirror that `make install` fills,
// and from the archives `make release` builds, laid out as a packed
// filesystem mirror, served by a network mirror, and served by a registry
// with their signature. Each then plans a configuration against the PolarDB
// emulator.
//
// The tests need a release folder and the public key that signed it
// (POLARDB_RELEASE_DIR, POLARDB_RELEASE_KEY) and a CLI
// (TF_ACC_TERRAFORM_PATH); `scripts/test.sh install` provides them, and
// without them the tests are skipped.
package installtest
