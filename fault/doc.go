// Package fault holds fault-injection tests: they run the real `quangba`
// binary (built once by TestMain) against real parts and break those parts
// while work is in flight, then check that the failure is reported clearly
// and that nothing is lost or left behind.
//
//   - storage_test.go kills a real MinIO server (internal/miniotest) during
//     a multipart upload, a video transcode and an export, and before a
//     command-line ingest. Each must fail with a clear error (HTTP 503
//     storage_unavailable, a retried job, a failed export, a non-zero
//     exit), leave no catalogue row pointing at a missing object and no
//     orphan object, and work again once MinIO is back on the same port and
//     data dir. /readyz turns 503 and back to 200.
//   - diskfull_test.go mounts a small tmpfs as the data folder (local
//     storage, spool and catalogue on it) and uploads a file larger than
//     the free space: HTTP 507 disk_full, nothing catalogued, no partial
//     blob, no spool file, an intact catalogue, and the same upload works
//     once space is freed. Mounting needs root (CAP_SYS_ADMIN); without it
//     the test fails and says so. It never skips.
//
// The package has no code of its own. Run it with the rest of the suite
// (`make test`) or alone:
//
//	go test -tags sqlite_fts5 -v ./fault/
//
// The tests are Linux-only (tmpfs, Pdeathsig). They need the MinIO server
// that `make test` installs (.tools/bin/minio or $QUANGBA_MINIO_BIN) and
// ffmpeg/ffprobe on PATH. Each test is bounded to about a minute (2 to 40
// seconds each on a 2-core machine; about 2 minutes for the package).
package fault
