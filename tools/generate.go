// Package tools pins and runs the tools that maintain docs/ and examples/.
//
// Run it through `make generate` (scripts/generate.sh), which makes sure the
// `terraform` on PATH is a local Terraform 1.14 or later, so that
// tfplugindocs never downloads one and reads the action's schema.
package tools

// Format the example configurations.
//go:generate terraform fmt -recursive ../examples/

// Render docs/ from the provider schema, templates/ and examples/.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name polardb

// Check the rendered docs against the Registry's rules.
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs validate --provider-dir .. --provider-name polardb
