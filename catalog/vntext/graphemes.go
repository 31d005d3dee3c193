package vntext

import "github.com/rivo/uniseg"

// Graphemes counts the user-perceived characters of s after NFC
// normalisation, so a length limit means the same for NFD and NFC input
// and an emoji with modifiers counts once.
func Graphemes(s string) int { return uniseg.GraphemeClusterCount(NFC(s)) }
