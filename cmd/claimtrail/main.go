// Command claimtrail is the newsroom claim tracker. On this branch it only
// dispatches the extract subcommand; the full dispatcher replaces this file.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 || os.Args[1] != "extract" {
		fmt.Fprintln(os.Stderr, "usage: claimtrail extract [-lines] [-threshold X] [FILE]")
		os.Exit(2)
	}
	os.Exit(cmdExtract(os.Args[2:], os.Stdin, os.Stdout, os.Stderr))
}
