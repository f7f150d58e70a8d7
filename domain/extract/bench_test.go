package extract

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// benchArticle is the sample article, or text in our own words when
// ../shared is absent.
func benchArticle(b *testing.B) string {
	p := sharedPath(b, "samples/starmer-macron-ukraine.txt")
	data, err := os.ReadFile(p)
	if err != nil {
		b.Fatal(err)
	}
	return string(data)
}

// BenchmarkExtract measures the whole pipeline (split, figures, type,
// claimant, score, reasons) in MB of article text per second.
func BenchmarkExtract(b *testing.B) {
	text := benchArticle(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Extract(text)
	}
	b.ReportMetric(float64(len(text))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkScore measures scoring alone, sentences per second, on the dev
// sentences of the labelled data.
func BenchmarkScore(b *testing.B) {
	f, err := os.Open(sharedPath(b, "claimdata/checkthat2024/dev.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var sentences []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if cols := strings.Split(sc.Text(), "\t"); len(cols) == 3 {
			sentences = append(sentences, cols[1])
		}
	}
	m := DefaultModel()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		m.Score(sentences[n%len(sentences)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "sentences/s")
}

// BenchmarkModelMemory reports the heap a decoded model occupies.
func BenchmarkModelMemory(b *testing.B) {
	var m *Model
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		var err error
		m, err = ReadModel(bytes.NewReader(embeddedModel))
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	runtime.KeepAlive(m)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "model-MB")
	b.ReportMetric(float64(len(embeddedModel))/1024, "file-KB")
}

// BenchmarkAdapt measures learning a newsroom model from 5,000 labels (the
// first 5,000 rows of train.tsv), shipped and with the grid of pulls that
// newsroom round 3 chooses from by cross-validated F1.
func BenchmarkAdapt(b *testing.B) {
	labels := readLabels(b, "claimdata/checkthat2024/train.tsv")[:5000]
	for _, tc := range []struct {
		name      string
		strengths []float64
	}{{"shipped", nil}, {"round3", ResearchStrengths}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Adapt(DefaultModel(), labels, AdaptOptions{Strengths: tc.strengths}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/adapt")
		})
	}
}

// BenchmarkScoreAdapted compares scoring with the base model and with a
// newsroom model (learnt with weights from 300 train rows, read back from
// its file as the server does), in alternating blocks of dev sentences so
// that both see the same load on a shared machine.
func BenchmarkScoreAdapted(b *testing.B) {
	dev := readLabels(b, "claimdata/checkthat2024/dev.tsv")
	res, err := Adapt(DefaultModel(), trainLabels(b, 300), AdaptOptions{Strengths: ResearchStrengths})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteModel(&buf, res.Model); err != nil {
		b.Fatal(err)
	}
	adapted, err := ReadModel(&buf)
	if err != nil {
		b.Fatal(err)
	}
	models := [2]*Model{DefaultModel(), adapted}
	var took [2]time.Duration
	var scored [2]int
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for j := range models {
			k := (i + j) % 2 // each goes first every other time
			m := models[k]
			start := time.Now()
			for _, l := range dev {
				m.Score(l.Text)
			}
			took[k] += time.Since(start)
			scored[k] += len(dev)
		}
	}
	b.ReportMetric(float64(scored[0])/took[0].Seconds(), "base-sentences/s")
	b.ReportMetric(float64(scored[1])/took[1].Seconds(), "adapted-sentences/s")
}
