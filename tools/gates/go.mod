// The Go quality gates of generated projects, built by tools/setup.sh into
// tools/bin from the tool lines below: staticcheck 2025.1.1 (v0.6.1) and
// govulncheck v1.1.4, the newest releases that build with Go 1.24, the
// version the template's go.mod names; the template's CI installs the
// same versions with go install.  Move a pin with
//   go get -tool honnef.co/go/tools/cmd/staticcheck@vX.Y.Z && go mod tidy
// and the go install lines of templates/service/template/partials/ci-gates.yml
// to match (tests/cli/gates.bats compares them).
module genship.invalid/tools/gates

go 1.24

tool (
	golang.org/x/vuln/cmd/govulncheck
	honnef.co/go/tools/cmd/staticcheck
)

require (
	github.com/BurntSushi/toml v1.4.1-0.20240526193622-a339e1f7089c // indirect
	golang.org/x/exp/typeparams v0.0.0-20231108232855-2478ac86f678 // indirect
	golang.org/x/mod v0.23.0 // indirect
	golang.org/x/sync v0.11.0 // indirect
	golang.org/x/sys v0.30.0 // indirect
	golang.org/x/telemetry v0.0.0-20240522233618-39ace7a40ae7 // indirect
	golang.org/x/tools v0.30.0 // indirect
	golang.org/x/vuln v1.1.4 // indirect
	honnef.co/go/tools v0.6.1 // indirect
)
