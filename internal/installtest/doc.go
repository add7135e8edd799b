// Package installtest holds the tests of the provider as users get it,
// with the real CLI and nothing but loopback (`make testcli`): installs
// from the implied local mirror that `make install` fills, and from the
// archives `make release` builds, laid out as a packed filesystem mirror,
// served by a network mirror and served by a registry with their
// signature (TestInstall*, TestRelease*); the docs' examples and the
// example module's test suites, from the release, against its emulator
// (TestExamples*, TestModule*); and docs/ as make generate makes them
// (TestDocs*).
//
// The CLI is the one TF_ACC_TERRAFORM_PATH names (make chooses it with
// scripts/terraform-cli.sh); without one the tests skip. The release is
// POLARDB_RELEASE_DIR's, signed with the key in POLARDB_RELEASE_KEY, or
// else one built for this platform on first use, signed with a new key.
package installtest
