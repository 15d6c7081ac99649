// Package pep implements the Python packaging standards once each: project
// names (PEP 503), versions and version specifiers (PEP 440, as packaging
// implements them), requirements and their environment markers (PEP 508,
// one parser that both validates a requirement and evaluates its marker),
// core metadata (the RFC 822-style headers of METADATA and PKG-INFO), wheel
// file names (PEP 427/491 with the compressed tag sets of PEP 425), Poetry's
// constraint syntax as PEP 440 ranges, the installer tools every virtualenv
// carries, and the walk of a dependency graph as PEP 508 has installers
// follow requirements (markers evaluated per target, extras propagated with
// the extra marker set), which virtualenvs and lockfiles share.
//
// It reads and validates text; it never runs Python, touches no file and
// imports no package of this project. Nothing is built at start-up, and the
// parsers are written by hand: no regular expressions.
package pep
