// Package ldcache reads and writes glibc's /etc/ld.so.cache (the "glibc-ld.so.cache1.1" format that
// ldconfig has written alone since glibc 2.32), so that libraries added to an image without running
// ldconfig are listed in it. The dynamic linker finds a library in its default directories without the
// cache, but ctypes.util.find_library, which GeoDjango uses to find GDAL and GEOS, reads only
// `ldconfig -p`, that is the cache.
package ldcache

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sort"
)

const (
	magic      = "glibc-ld.so.cache"
	version    = "1.1"
	headerSize = 48
	entrySize  = 24
	// hwcapExtension marks an entry whose hwcap field indexes the glibc-hwcaps extension.
	hwcapExtension = uint64(1) << 62
)

// Entry is one library in the cache: Key is its soname, Value its path.
type Entry struct {
	Flags     int32
	Key       string
	Value     string
	OSVersion uint32
	HWCap     uint64
}

// Cache is a parsed ld.so.cache.
type Cache struct {
	// Endian is the header's flags byte (2: little-endian), kept as read.
	Endian  uint8
	Entries []Entry
	order   binary.ByteOrder
}

// Parse reads an ld.so.cache in the new format. Its extensions (the generator string, glibc-hwcaps
// subdirectories) are not kept; a cache whose entries use glibc-hwcaps is refused, since writing it
// again without them would lose libraries.
func Parse(data []byte) (*Cache, error) {
	if len(data) < headerSize || string(data[:len(magic)]) != magic || string(data[len(magic):len(magic)+3]) != version {
		return nil, errors.New("not a glibc-ld.so.cache1.1 file (an old-format cache, or not a cache)")
	}
	c := &Cache{Endian: data[28], order: binary.LittleEndian}
	if c.Endian == 3 {
		c.order = binary.BigEndian
	}
	n := c.order.Uint32(data[20:])
	if uint64(n)*entrySize+headerSize > uint64(len(data)) {
		return nil, fmt.Errorf("the cache lists %d libraries but is only %d bytes", n, len(data))
	}
	str := func(off uint32) (string, error) {
		if int(off) >= len(data) {
			return "", fmt.Errorf("string offset %d is beyond the cache's %d bytes", off, len(data))
		}
		end := bytes.IndexByte(data[off:], 0)
		if end < 0 {
			return "", fmt.Errorf("string at %d is not terminated", off)
		}
		return string(data[off : int(off)+end]), nil
	}
	for i := uint32(0); i < n; i++ {
		b := data[headerSize+i*entrySize:]
		e := Entry{Flags: int32(c.order.Uint32(b)), OSVersion: c.order.Uint32(b[12:]), HWCap: c.order.Uint64(b[16:])}
		if e.HWCap&hwcapExtension != 0 {
			return nil, fmt.Errorf("the cache uses glibc-hwcaps subdirectories (%s), which this cannot rewrite", e.Key)
		}
		var err error
		if e.Key, err = str(c.order.Uint32(b[4:])); err != nil {
			return nil, err
		}
		if e.Value, err = str(c.order.Uint32(b[8:])); err != nil {
			return nil, err
		}
		c.Entries = append(c.Entries, e)
	}
	return c, nil
}

// Flags is the most common entry flag in the cache (the C library and architecture of its libraries,
// 0x0303 for x86-64), what a library added for the same architecture gets.
func (c *Cache) Flags() int32 {
	count := map[int32]int{}
	best := int32(0x0303)
	for _, e := range c.Entries {
		count[e.Flags]++
		if count[e.Flags] > count[best] {
			best = e.Flags
		}
	}
	return best
}

// Add puts entries in the cache; an entry with the key and flags of one already there replaces it.
func (c *Cache) Add(entries ...Entry) {
	type k struct {
		key   string
		flags int32
	}
	at := map[k]int{}
	for i, e := range c.Entries {
		at[k{e.Key, e.Flags}] = i
	}
	for _, e := range entries {
		if i, ok := at[k{e.Key, e.Flags}]; ok {
			c.Entries[i] = e
			continue
		}
		at[k{e.Key, e.Flags}] = len(c.Entries)
		c.Entries = append(c.Entries, e)
	}
}

// Bytes writes the cache as ldconfig would: entries sorted for the dynamic linker's binary search
// (descending by libcmp, then by flags), strings after them, no extension.
func (c *Cache) Bytes() []byte {
	entries := append([]Entry(nil), c.Entries...)
	sort.SliceStable(entries, func(i, j int) bool {
		if r := libcmp(entries[j].Key, entries[i].Key); r != 0 {
			return r < 0
		}
		return entries[i].Flags > entries[j].Flags
	})
	order := c.order
	if order == nil {
		order = binary.LittleEndian
	}
	var strs bytes.Buffer
	offsets := map[string]uint32{}
	base := uint32(headerSize + entrySize*len(entries))
	intern := func(s string) uint32 {
		if off, ok := offsets[s]; ok {
			return off
		}
		off := base + uint32(strs.Len())
		strs.WriteString(s)
		strs.WriteByte(0)
		offsets[s] = off
		return off
	}
	out := make([]byte, headerSize, int(base)+len(entries)*64)
	copy(out, magic+version)
	order.PutUint32(out[20:], uint32(len(entries)))
	out[28] = c.Endian
	for _, e := range entries {
		var b [entrySize]byte
		order.PutUint32(b[0:], uint32(e.Flags))
		order.PutUint32(b[4:], intern(e.Key))
		order.PutUint32(b[8:], intern(e.Value))
		order.PutUint32(b[12:], e.OSVersion)
		order.PutUint64(b[16:], e.HWCap)
		out = append(out, b[:]...)
	}
	order.PutUint32(out[24:], uint32(strs.Len()))
	return append(out, strs.Bytes()...)
}

// libcmp is glibc's _dl_cache_libcmp: runs of digits compare as numbers, and sort before other bytes.
func libcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) {
		switch {
		case isDigit(a[i]) && j < len(b) && isDigit(b[j]):
			v1, v2 := 0, 0
			for i < len(a) && isDigit(a[i]) {
				v1 = v1*10 + int(a[i]-'0')
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				v2 = v2*10 + int(b[j]-'0')
				j++
			}
			if v1 != v2 {
				return v1 - v2
			}
		case isDigit(a[i]):
			return 1
		case j < len(b) && isDigit(b[j]):
			return -1
		case j >= len(b) || a[i] != b[j]:
			return int(a[i]) - int(at(b, j))
		default:
			i++
			j++
		}
	}
	return -int(at(b, j))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

// Soname reads a shared library's DT_SONAME; ok is false for a file that is not an ELF shared object
// or has none.
func Soname(r io.ReaderAt) (soname string, ok bool) {
	f, err := elf.NewFile(r)
	if err != nil {
		return "", false
	}
	defer f.Close()
	if f.Type != elf.ET_DYN {
		return "", false
	}
	names, err := f.DynString(elf.DT_SONAME)
	if err != nil || len(names) == 0 {
		return "", false
	}
	return names[0], true
}
