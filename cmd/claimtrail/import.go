package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// importFormats are the kinds of file `claimtrail import -format F` reads.
// Each takes the arguments after -format F and parses its own flags.
var importFormats = map[string]func(ctx context.Context, env *environment, args []string) error{
	"articles":    cmdImportArticles,
	"claimreview": cmdImportClaimReview,
}

// cmdImport picks the importer named by -format (which may stand anywhere
// among the arguments) and hands it the rest.
func cmdImport(ctx context.Context, env *environment, args []string) error {
	format, rest, err := takeFormat(args)
	if err != nil {
		return err
	}
	var names []string
	for name := range importFormats {
		names = append(names, name)
	}
	slices.Sort(names)
	if format == "" {
		return &usageError{msg: "import needs -format " + strings.Join(names, "|")}
	}
	importer, ok := importFormats[format]
	if !ok {
		return &usageError{msg: fmt.Sprintf("import cannot read -format %q; it reads %s", format, strings.Join(names, ", "))}
	}
	return importer(ctx, env, rest)
}

// takeFormat removes "-format F" (or --format, or -format=F) from args.
func takeFormat(args []string) (format string, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return format, append(rest, args[i:]...), nil
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "format" {
			rest = append(rest, a)
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return "", nil, &usageError{msg: "-format needs a value"}
			}
			i++
			value = args[i]
		}
		format = value
	}
	return format, rest, nil
}
