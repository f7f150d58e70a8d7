package domain

import (
	"net/netip"
	"strconv"
	"strings"
)

// LiteralHostAddr reports the IP address a web address's host names
// literally, without looking anything up. Besides the usual forms it
// reads the older IPv4 shorthands many resolvers and browsers still
// accept, so that none of them slips past a check for internal
// addresses: one to four parts, each decimal, octal (a leading 0) or
// hexadecimal (0x), the last part filling the bytes left ("2130706433",
// "0x7f000001", "127.1", "0177.0.0.1" are all 127.0.0.1). A name, or
// anything that is not an address, gives false.
func LiteralHostAddr(host string) (netip.Addr, bool) {
	host = strings.TrimSuffix(host, ".")
	if addr, err := netip.ParseAddr(host); err == nil {
		return addr.Unmap(), true
	}
	parts := strings.Split(host, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := legacyIPv4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	// Every part but the last is one byte; the last fills what is left.
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 0xff {
			return netip.Addr{}, false
		}
		v |= n << (8 * (3 - i))
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(4-(len(nums)-1))) {
		return netip.Addr{}, false
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// legacyIPv4Part reads one part of an IPv4 shorthand: decimal, octal
// with a leading 0, or hexadecimal with 0x.
func legacyIPv4Part(p string) (uint64, bool) {
	if p == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
		base, p = 16, p[2:]
	case len(p) > 1 && p[0] == '0':
		base, p = 8, p[1:]
	}
	n, err := strconv.ParseUint(p, base, 32)
	if err != nil {
		return 0, false
	}
	return n, true
}
