package engine

// The order in which a node's replies are offered is a permutation fixed by
// the session's seed, the node and how many times the conversation has
// arrived there. The same seed and the same replies give the same order, in
// the server, `parley play --seed` and test plans alike, and a resumed
// session shows exactly the order it showed before (visits are saved). A
// node with order = "fixed" offers its replies in file order.

// offerOrder fills perm with the indexes of node t's replies in the order
// they are offered at this visit, reusing perm's storage.
func (s *Session) offerOrder(perm []int, t target) []int {
	n := &s.sc.nodes[t]
	perm = perm[:0]
	for i := range n.replies {
		perm = append(perm, i)
	}
	if n.fixed {
		return perm
	}
	x := mixHash(s.seed, n.orderHash, s.m.visits[t], 0)
	for i := len(perm) - 1; i > 0; i-- {
		x = splitmix(x)
		j := int(x % uint64(i+1))
		perm[i], perm[j] = perm[j], perm[i]
	}
	return perm
}

// mix hashes a seed, a place and two counters into 64 well-mixed bits.
func mix(seed uint64, where string, visit, index int) uint64 {
	return mixHash(seed, hashString(where), visit, index)
}

// mixHash is mix with the place already hashed.
func mixHash(seed, where uint64, visit, index int) uint64 {
	return splitmix(seed ^ where ^ uint64(visit)<<32 ^ uint64(index))
}

// hashString is 64-bit FNV-1a.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// splitmix is one step of SplitMix64.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// pick chooses one of n variants from the seed and where it is said.
func pick(seed uint64, where string, visit, index, n int) int {
	if n <= 1 {
		return 0
	}
	return int(mix(seed, where, visit, index) % uint64(n))
}
