package main

import (
	"fmt"
	"io"
)

// cmdExtract is replaced by the claim extractor's command.
func cmdExtract(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "extract: not built yet")
	return 1
}
