package analysis

import "slices"

// firstK returns the k first of xs in cmp order, sorted. Dashboards show the top of thousands
// of buckets; keeping the k best in a heap costs n·log k, where sorting them all costs n·log n
// and grows faster than the corpus. xs is reordered.
func firstK[T any](xs []T, k int, cmp func(a, b T) int) []T {
	if k >= len(xs) {
		slices.SortFunc(xs, cmp)
		return xs
	}
	if k <= 0 {
		return xs[:0]
	}
	// xs[:k] is a heap whose root is the worst of the k best so far
	worse := func(i, j int) bool { return cmp(xs[i], xs[j]) > 0 }
	down := func(i int) {
		for {
			child := 2*i + 1
			if child >= k {
				return
			}
			if child+1 < k && worse(child+1, child) {
				child++
			}
			if !worse(child, i) {
				return
			}
			xs[i], xs[child] = xs[child], xs[i]
			i = child
		}
	}
	for i := k/2 - 1; i >= 0; i-- {
		down(i)
	}
	for i := k; i < len(xs); i++ {
		if cmp(xs[i], xs[0]) < 0 {
			xs[0], xs[i] = xs[i], xs[0]
			down(0)
		}
	}
	best := xs[:k]
	slices.SortFunc(best, cmp)
	return best
}
