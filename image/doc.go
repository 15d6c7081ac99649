// Package image assembles an OCI image for a Django project from a base image, a dependency layer of installed
// wheels and an application layer, without a Docker daemon and without running Python.
//
// The image behaves like the one the generated Dockerfile builds, since both come from the same plan.Plan:
// the same virtualenv at /opt/venv, user 10001 ("app"), working directory, environment, exposed port, server
// command and healthcheck. On top of the base it adds, in this order:
//
//  1. the dependency layer: a virtualenv at /opt/venv whose pyvenv.cfg points at the base's own interpreter,
//     with every locked distribution installed from a wheel chosen for the base's Python and C library. It
//     is cached on disk under the hash of its inputs (the pins and their hashes, the target's tags, the
//     install layout, the timestamp and the format version), so an unchanged lock rebuilds nothing and
//     downloads nothing;
//  2. the user layer: /etc/passwd and /etc/group with the app user added, and the folders the app owns;
//  3. the application layer: the folder the Dockerfile copies, filtered by .dockerignore, owned by 10001.
//
// Every layer is reproducible (see package layer). Timestamps, in the layers and in the image's "created"
// field, are DefaultEpoch (1980-01-01T00:00:00Z: the earliest time a zip file, and so a wheel, can hold)
// unless Options.Epoch is set, normally from SOURCE_DATE_EPOCH (EpochFromEnv). The same inputs therefore give
// the same image digest on any machine built with the same Go release (the gzip bytes come from Go's
// compress/gzip).
//
// Differences from the Dockerfile's image, all because nothing here runs Python or a package manager:
//
//   - collectstatic runs when the container starts, not at build time: when the Dockerfile collects static
//     files, the command becomes `sh -c 'python manage.py collectstatic --noinput && exec "$0" "$@"' <server
//     command>`. It runs as the app user with the container's real environment, so STATIC_ROOT must be
//     writable by it (anything under /app is). A command given at `docker run` or in compose replaces the
//     whole wrapper, so workers do not collect static files;
//   - no .pyc files are compiled (PYTHONDONTWRITEBYTECODE=1 is set in both images anyway);
//   - the virtualenv has no pip and no activate scripts; packages come only from wheels, so a locked package
//     with no wheel for the base (sdist only) is an error that names it (see MissingWheelsError);
//   - /etc/shadow and /etc/gshadow get no entry for the app user, which has no password and no login shell;
//   - Debian packages the Dockerfile would apt-get install (plan.Image.RuntimePackages) are not installed by
//     apt: they are resolved against the base's own apt sources (the InRelease verified with the base's
//     keys, every file checked by SHA256), unpacked and registered in dpkg's status by package deb/install,
//     in a layer of their own under the dependency layer. Maintainer scripts do not run; the
//     update-alternatives links they would make are made, and libraries are found in ld.so's default
//     paths (/etc/ld.so.cache is not regenerated). Options.IgnoreSystemPackages leaves them out;
//   - what the Dockerfile pip-installs beyond the lock without a version (plan.Image.Extra:
//     the server, whitenoise, the database driver) is resolved from the index instead: the newest version
//     with a wheel for the image (yanked files and files whose requires-python excludes the base skipped,
//     pre-releases only when nothing else fits), then its Requires-Dist with markers evaluated for the base,
//     recursively. Distributions the lock pins are not resolved again; a pinned version that a requirement
//     rules out is a ConflictError naming both. The same completes an incomplete lock (lockset.Set.Complete false:
//     a hand-written requirements file naming only the direct pins), whose wheels' Requires-Dist are read
//     too. Requires-Dist comes from the index's PEP 658 .metadata file when it offers one, else from the
//     wheel. Every such distribution is listed in a warning (and in Image.Unpinned), so the user can pin it.
//     The resolution is cached (resolved/ below) under the hash of the pins, the extras, the target and the
//     indexes, and never refreshed: a warm build does not ask the index, and newer releases are picked up
//     only when the lock changes or resolved/ is removed. The resolved versions and hashes are part of the
//     dependency layer's key.
//
// Indexes: Options.Index names them (--index-url, PIP_INDEX_URL); when it names none, the lock's own are used
// (Pipfile.lock sources, -i / --extra-index-url in requirements files, …, see lockset.Set.IndexURLs), else PyPI.
//
// Caches under Options.CacheDir: layers/ holds dependency and Debian layers by input hash, debian/resolved/
// the Debian resolutions (by base, names and mirror; never refreshed: remove it to resolve again),
// debian/debs/ the .deb files by SHA256, resolved/ the resolutions of
// what the lock does not pin, base/ what was learnt about each base image (by config digest, so its layers are
// read once), blobs/ the base's layer bytes when an archive, a layout or the daemon needs them, and sbom/
// what each layer contributes to the SBOM (by diffID, so a rebuild reads only its new layers). Wheels
// (and PEP 658 metadata files) are cached by the pypi client, under wheels/ unless Options.Index says where.
package image
