package auth

import (
	"net/netip"
	"time"

	"github.com/petstore/petstore/internal/shelter"
)

// Limits throttle sign-ins. Failures are counted in SQLite, over a sliding
// Window, both per account (the email as typed, whether or not an account
// has it, so the answer tells nothing) and per client address. Once either
// count reaches its limit, sign-ins for that account, or from that
// address, are refused without checking the password until the oldest
// counted failure leaves the window. Refused attempts are not counted, so
// a guesser gets at most PerAccount tries per account per Window.
//
// Why SQLite and not memory: the counts survive a restart (a crash or a
// deploy does not hand out fresh tries), and they are one indexed query
// beside the argon2id verification that dominates a sign-in.
//
// Why both: the per-account limit stops guessing one account's password
// from many addresses; the per-address limit stops one client from trying
// a common password against many accounts. The per-account limit lets a
// stranger lock a staff member out for at most one Window; a successful
// sign-in clears the account's count.
type Limits struct {
	PerAccount int
	PerAddr    int
	Window     time.Duration
}

// DefaultLimits allow 5 failures per account and 20 per address in 15
// minutes.
var DefaultLimits = Limits{PerAccount: 5, PerAddr: 20, Window: 15 * time.Minute}

// ThrottledError is the error of a refused sign-in (shelter.ThrottledError,
// which the web layer answers with a Retry-After).
type ThrottledError = shelter.ThrottledError

// AddrKey is the key a client address is counted under: the IPv4 address,
// or the /64 network of an IPv6 address (one host usually holds a whole
// /64). Anything that does not parse is kept as it is, cut to 64 bytes.
func AddrKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		if len(addr) > 64 {
			addr = addr[:64]
		}
		return addr
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}
