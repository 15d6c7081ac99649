package image

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultEpoch is the timestamp of every file and of the image when SOURCE_DATE_EPOCH is not set:
// 1980-01-01T00:00:00Z, the earliest time a zip archive (and so a wheel) can record, and the value
// rules_python and other reproducible-build tools use.
var DefaultEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// EpochFromEnv reads SOURCE_DATE_EPOCH (seconds since 1970, reproducible-builds.org): DefaultEpoch when
// unset, an error when malformed, since a silently ignored value would make builds irreproducible.
func EpochFromEnv(getenv func(string) string) (time.Time, error) {
	v := strings.TrimSpace(getenv("SOURCE_DATE_EPOCH"))
	if v == "" {
		return DefaultEpoch, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > 253402300799 { // year 9999
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want a whole number of seconds since 1970-01-01 (e.g. $(git log -1 --format=%%ct))", v)
	}
	return time.Unix(n, 0).UTC(), nil
}
