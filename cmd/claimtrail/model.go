package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"text/tabwriter"

	"claimtrail/domain"
	"claimtrail/domain/extract"
	"claimtrail/web"
)

const modelUsage = `usage: claimtrail model adapt [-db FILE] [-labels FILE.tsv]
       claimtrail model list [-db FILE]
       claimtrail model use VERSION|base [-db FILE]

adapt learns a new version of the newsroom's claim scorer from its triage
(accepted and hand-added claims are check-worthy, dismissals as "not
check-worthy" are not) plus any labelled sentences in FILE.tsv
(text<TAB>Yes|No), puts it in use and prints one JSON line. list shows the
versions; use switches to one, or back to the base model.
`

func cmdModel(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.stderr, modelUsage)
		return &usageError{}
	}
	sub, args := args[0], args[1:]
	fs, dbPath := newFlags(env, "model "+sub)
	var labelsPath *string
	var version string
	switch sub {
	case "adapt":
		labelsPath = fs.String("labels", "", "extra labelled sentences, one a line: text<TAB>Yes|No")
	case "list":
	case "use":
		if len(args) == 0 || len(args[0]) > 0 && args[0][0] == '-' {
			fmt.Fprint(env.stderr, modelUsage)
			return &usageError{msg: "model use needs a VERSION, or base"}
		}
		version, args = args[0], args[1:]
	default:
		fmt.Fprint(env.stderr, modelUsage)
		return &usageError{msg: fmt.Sprintf("unknown model command %q", sub)}
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var v int64
	if sub == "use" && version != "base" {
		n, err := strconv.ParseInt(version, 10, 64)
		if err != nil || n <= 0 {
			return &usageError{msg: fmt.Sprintf("model use takes a version number or base, not %q", version)}
		}
		v = n
	}
	var fileLabels []extract.Label
	if labelsPath != nil && *labelsPath != "" {
		f, err := os.Open(*labelsPath)
		if err != nil {
			return fmt.Errorf("cannot read the labels: %w", err)
		}
		fileLabels, err = extract.ReadLabels(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %s", *labelsPath, domain.ErrorMessage(err))
		}
	}
	db, ctx, err := openExistingDB(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if who := env.getenv("USER"); who != "" {
		ctx = domain.WithActor(ctx, domain.Actor{Label: "cli (" + who + ")"})
	}

	switch sub {
	case "adapt":
		m, err := web.AdaptScorer(ctx, db, fileLabels, nil)
		if err != nil {
			return userError(err)
		}
		return json.NewEncoder(env.stdout).Encode(struct {
			Version      int64   `json:"version"`
			TriageLabels int     `json:"triage_labels"`
			FileLabels   int     `json:"file_labels"`
			F1Before     float64 `json:"f1_before"`
			F1After      float64 `json:"f1_after"`
			Threshold    float64 `json:"threshold"`
		}{m.Version, m.TriageLabels, m.FileLabels, round4(m.F1Before), round4(m.F1After), m.Threshold})
	case "use":
		if err := db.UseScorerModel(ctx, v); err != nil {
			return userError(err)
		}
		if v == 0 {
			fmt.Fprintln(env.stdout, "the base claim scorer is in use")
		} else {
			fmt.Fprintf(env.stdout, "claim scorer version %d is in use\n", v)
		}
		return nil
	}
	s, err := db.ScorerStatus(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tIN USE\tMADE\tBY\tTRIAGE LABELS\tFILE LABELS\tF1 BEFORE\tF1 AFTER\tTHRESHOLD")
	for _, m := range s.Models {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%d\t%.3f\t%.3f\t%.4f\n", m.Version, inUse(s.Current == m.Version),
			m.CreatedAt.Format("2006-01-02 15:04"), m.CreatedBy, m.TriageLabels, m.FileLabels, m.F1Before, m.F1After, m.Threshold)
	}
	fmt.Fprintf(w, "base\t%s\t\tbuilt in\t\t\t\t\t%.4f\n", inUse(s.Current == 0), extract.DefaultModel().Threshold)
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d triage labels so far (%d check-worthy)\n", s.Labels, s.Positive)
	return nil
}

func inUse(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// userError turns a refusal with a code into its plain message; other
// errors stay as they are.
func userError(err error) error {
	var e *domain.Error
	if errors.As(err, &e) {
		return errors.New(e.Message)
	}
	return err
}
