// Package seccheck holds end-to-end checks of docs/SECURITY.md's claims
// about secrets at rest and in logs, run against the real quangba binary.
package seccheck
