package analysis

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// The enumerations read the same in Go and GraphQL; these methods are gqlgen's
// Marshaler/Unmarshaler shape, so the API binds to them without a copy.

func (b Basis) MarshalGQL(w io.Writer)      { writeQuoted(w, string(b)) }
func (b ChainBasis) MarshalGQL(w io.Writer) { writeQuoted(w, string(b)) }
func (d Dimension) MarshalGQL(w io.Writer)  { writeQuoted(w, string(d)) }

func (b *Basis) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, "PairBasis", (*string)(b), BasisExplicit, BasisConstruct, BasisTransitive, BasisSuggestion)
}

func (b *ChainBasis) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, "ChainBasis", (*string)(b), ChainExplicit, ChainAligned, ChainConstruct)
}

// Dimensions lists every dimension CMOCs can be counted by.
var Dimensions = []Dimension{ByOutcome, ByMechanism, ByContext, ByActor, ByPopulation, ByInformant, ByStudy, ByStatus, ByProgrammeTheory}

func (d *Dimension) UnmarshalGQL(v any) error {
	return unmarshalEnum(v, "CountDimension", (*string)(d), Dimensions...)
}

func writeQuoted(w io.Writer, s string) { _, _ = io.WriteString(w, strconv.Quote(s)) }

func unmarshalEnum[T ~string](v any, enum string, into *string, allowed ...T) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s must be a string, not %T", enum, v)
	}
	if !slices.Contains(allowed, T(s)) {
		return fmt.Errorf("%q is not a %s (one of %v)", s, enum, allowed)
	}
	*into = s
	return nil
}
