// SPDX-License-Identifier: GPL-2.0-or-later

// oci-validate: check BUNDLE/config.json against the runtime-spec JSON schema,
// loaded from local files only, then against runtime-tools' semantic checks.
// Prints one error per line on stderr and exits 1 if there is any.
//
// Usage: oci-validate [--schema-dir DIR] BUNDLE_DIR
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blang/semver"
	multierror "github.com/hashicorp/go-multierror"
	rspec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/validate"
	"github.com/sirupsen/logrus"
	"github.com/xeipuuv/gojsonschema"
)

const schemaFile = "config-schema.json"

// defaultSchemaDir finds the schemas when neither --schema-dir nor
// OCI_SCHEMA_DIR is given: ../shared/runtime-spec/schema next to the repo
// (the binary lives in <repo>/conformance/validate), else the copy in
// <repo>/conformance/schema.
func defaultSchemaDir() string {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return ""
	}
	repo := filepath.Join(filepath.Dir(exe), "..", "..")
	candidates := []string{
		filepath.Join(repo, "..", "shared", "runtime-spec", "schema"),
		filepath.Join(repo, "conformance", "schema"),
	}
	for _, dir := range candidates {
		if _, err := os.Stat(filepath.Join(dir, schemaFile)); err == nil {
			return filepath.Clean(dir)
		}
	}
	return filepath.Clean(candidates[0])
}

// checkSchema validates the raw document against DIR/config-schema.json.
// $ref targets ("defs.json#/...") resolve relative to the file:// URL, so
// nothing is fetched over the network.
func checkSchema(dir string, doc []byte) []error {
	abs, err := filepath.Abs(filepath.Join(dir, schemaFile))
	if err != nil {
		return []error{err}
	}
	if _, err := os.Stat(abs); err != nil {
		return []error{fmt.Errorf("schema: %v (use --schema-dir or OCI_SCHEMA_DIR)", err)}
	}
	schema := gojsonschema.NewReferenceLoader("file://" + filepath.ToSlash(abs))
	result, err := gojsonschema.Validate(schema, gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return []error{fmt.Errorf("schema: %v", err)}
	}
	var errs []error
	for _, e := range result.Errors() {
		errs = append(errs, fmt.Errorf("schema: %s: %s", jsonPath(e.Field()), e.Description()))
	}
	return errs
}

// jsonPath turns gojsonschema's "linux.uidMappings.0.size" into
// "linux.uidMappings[0].size".
func jsonPath(field string) string {
	parts := strings.Split(field, ".")
	out := parts[0]
	for _, p := range parts[1:] {
		if _, err := strconv.Atoi(p); err == nil {
			out += "[" + p + "]"
		} else {
			out += "." + p
		}
	}
	return out
}

// checkVersion replaces runtime-tools' CheckSemVer, which rejects every
// version except the exact one its vendored specs-go declares ("1.0.2-dev").
// We accept any SemVer with major version 1, the only one that exists.
func checkVersion(version string) []error {
	v, err := semver.Parse(version)
	if err != nil {
		return []error{fmt.Errorf("ociVersion: %q is not valid SemVer: %v", version, err)}
	}
	if v.Major != 1 {
		return []error{fmt.Errorf("ociVersion: %q: unsupported major version %d (want 1)", version, v.Major)}
	}
	return nil
}

// flatten turns a (possibly nested, possibly empty) multierror into a list.
func flatten(err error) []error {
	var me *multierror.Error
	if err == nil {
		return nil
	}
	if errors.As(err, &me) {
		var out []error
		for _, e := range me.Errors {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// runCheck calls one runtime-tools check and prefixes its errors with NAME,
// one line each (spec references become a parenthesised suffix). Some
// checks dereference spec.Root without testing it: a panic becomes an error.
func runCheck(name string, check func() error) (errs []error) {
	defer func() {
		if r := recover(); r != nil {
			errs = []error{fmt.Errorf("%s: check crashed: %v", name, r)}
		}
	}()
	for _, e := range flatten(check()) {
		lines := strings.Split(strings.TrimSpace(e.Error()), "\n")
		msg := lines[0]
		if falsePositive(msg) {
			continue
		}
		if len(lines) > 1 {
			msg += " (" + strings.Join(lines[1:], "; ") + ")"
		}
		errs = append(errs, fmt.Errorf("%s: %s", name, msg))
	}
	return errs
}

// falsePositives are runtime-tools errors that valid configs trigger.
var falsePositives = []*regexp.Regexp{
	// deviceValid wants major and minor > 0 for b/c/u devices, which
	// rejects /dev/tty (5:0) or /dev/sda (8:0). The schema still checks
	// the type enum and number types.
	regexp.MustCompile(`^device \{.*\} is invalid$`),
}

func falsePositive(msg string) bool {
	for _, re := range falsePositives {
		if re.MatchString(msg) {
			return true
		}
	}
	return false
}

// relaxAmbient makes runtime-tools' CheckCapabilities accept ambient
// capabilities that are not inheritable. It demands ambient to be a subset
// of permitted and inheritable, as the kernel does for PR_CAP_AMBIENT_RAISE,
// but the spec does not say so, and `runc spec` itself lists ambient caps
// without inheritable ones (runc warns and goes on). Counting ambient caps
// as inheritable keeps the name check and the "must be permitted" check.
func relaxAmbient(spec *rspec.Spec) {
	if spec.Process == nil || spec.Process.Capabilities == nil {
		return
	}
	c := spec.Process.Capabilities
	inh := append([]string{}, c.Inheritable...)
	c.Inheritable = append(inh, c.Ambient...)
}

// relaxApparmor hides process.apparmorProfile from CheckProcess, which
// looks for the profile in ROOTFS/etc/apparmor.d: profiles are loaded into
// the host kernel and need not exist in the container's filesystem.
func relaxApparmor(spec *rspec.Spec) {
	if spec.Process != nil {
		spec.Process.ApparmorProfile = ""
	}
}

// checkSemantics runs runtime-tools' individual checks. Left out:
// CheckAll and CheckJSONSchema (they fetch the schema over the network) and
// CheckSemVer (see checkVersion). hostSpecific stays off: with it on,
// CheckMounts rejects mount type "none" (runc's rootless /sys bind mount)
// because it is not listed in /proc/filesystems.
func checkSemantics(bundle string, spec *rspec.Spec) []error {
	v, err := validate.NewValidator(spec, bundle, false, "linux")
	if err != nil {
		return []error{err}
	}
	checks := []struct {
		name string
		fn   func() error
	}{
		{"platform", v.CheckPlatform},
		{"root", v.CheckRoot},
		{"mandatory", v.CheckMandatoryFields},
		{"mounts", v.CheckMounts},
		{"process", v.CheckProcess},
		{"linux", v.CheckLinux},
		{"hooks", v.CheckHooks},
		{"annotations", v.CheckAnnotations},
	}
	var errs []error
	for _, c := range checks {
		errs = append(errs, runCheck(c.name, c.fn)...)
	}
	return errs
}

// validateBundle returns every problem found in BUNDLE/config.json.
func validateBundle(bundle, schemaDir string) []error {
	path := filepath.Join(bundle, "config.json")
	doc, err := ioutil.ReadFile(path)
	if err != nil {
		return []error{err}
	}
	if !utf8.Valid(doc) {
		return []error{fmt.Errorf("%s: not valid UTF-8", path)}
	}
	var raw interface{}
	if err := json.Unmarshal(doc, &raw); err != nil {
		return []error{fmt.Errorf("%s: invalid JSON: %v", path, err)}
	}
	errs := checkSchema(schemaDir, doc)
	var spec rspec.Spec
	if err := json.Unmarshal(doc, &spec); err != nil {
		// Wrong JSON types: the schema errors above say where.
		return append(errs, fmt.Errorf("%s: %v", path, err))
	}
	errs = append(errs, checkVersion(spec.Version)...)
	relaxAmbient(&spec)
	relaxApparmor(&spec)
	return append(errs, checkSemantics(bundle, &spec)...)
}

func main() {
	schemaDir := flag.String("schema-dir", os.Getenv("OCI_SCHEMA_DIR"),
		"directory holding config-schema.json (default $OCI_SCHEMA_DIR, else ../shared/runtime-spec/schema beside the repo)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: oci-validate [--schema-dir DIR] BUNDLE_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *schemaDir == "" {
		*schemaDir = defaultSchemaDir()
	}
	// runtime-tools logs warnings (e.g. "executable not available") that
	// are not errors; keep stderr for errors only.
	logrus.SetLevel(logrus.ErrorLevel)

	errs := validateBundle(flag.Arg(0), *schemaDir)
	for _, e := range errs {
		fmt.Fprintf(os.Stderr, "oci-validate: %v\n", e)
	}
	if len(errs) > 0 {
		os.Exit(1)
	}
}
