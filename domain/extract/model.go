package extract

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// Model is a logistic regression over Featurize's features. Weights has
// NumSlots entries; Threshold is the tuned check-worthy cut-off.
type Model struct {
	Weights   []float32
	Bias      float32
	Threshold float64
}

// modelMagic opens every model file; the digit is the format version.
const modelMagic = "CTXM1"

//go:embed model.bin
var embeddedModel []byte

var (
	loadOnce     sync.Once
	defaultModel *Model
)

// DefaultModel returns the embedded trained model, decoding it on first use.
// A broken embedded model is a build error, so it panics rather than scoring
// every sentence zero.
func DefaultModel() *Model {
	loadOnce.Do(func() {
		if len(embeddedModel) == 0 {
			// Only while bootstrapping a first model: score everything 0.5.
			defaultModel = &Model{Weights: make([]float32, NumSlots), Threshold: 0.5}
			return
		}
		m, err := ReadModel(bytes.NewReader(embeddedModel))
		if err != nil {
			panic("extract: embedded model: " + err.Error())
		}
		defaultModel = m
	})
	return defaultModel
}

// DefaultThreshold is the score at or above which a sentence is check-worthy,
// as tuned when the embedded model was trained.
var DefaultThreshold = DefaultModel().Threshold

// Logit returns the model's raw score (log-odds) for a feature list.
func (m *Model) Logit(fs []Feature) float64 {
	z := m.Bias
	w := m.Weights[:NumSlots]
	for _, f := range fs {
		z += w[f.Slot&(NumSlots-1)] * f.Value
	}
	return float64(z)
}

// Probability turns log-odds into a score in [0,1].
func Probability(logit float64) float64 { return 1 / (1 + math.Exp(-logit)) }

// Score returns the check-worthiness of one sentence in [0,1], from the model alone.
func (m *Model) Score(sentence string) float64 {
	sc := scratchPool.Get().(*scratch)
	fs := featurize(sc.feats[:0], sentence, sc)
	p := Probability(m.Logit(fs))
	sc.feats = fs
	scratchPool.Put(sc)
	return p
}

// WriteModel writes m compactly: weights quantised to int16 with one scale,
// gzip-compressed. Zero weights cost almost nothing after compression.
func WriteModel(w io.Writer, m *Model) error {
	if len(m.Weights) != NumSlots {
		return fmt.Errorf("model has %d weights, want %d", len(m.Weights), NumSlots)
	}
	var maxAbs float32
	for _, x := range m.Weights {
		maxAbs = max(maxAbs, float32(math.Abs(float64(x))))
	}
	scale := maxAbs / 32767
	if scale == 0 {
		scale = 1
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	hdr := make([]byte, 0, 64)
	hdr = append(hdr, modelMagic...)
	hdr = binary.LittleEndian.AppendUint32(hdr, NumSlots)
	hdr = binary.LittleEndian.AppendUint32(hdr, math.Float32bits(m.Bias))
	hdr = binary.LittleEndian.AppendUint64(hdr, math.Float64bits(m.Threshold))
	hdr = binary.LittleEndian.AppendUint32(hdr, math.Float32bits(scale))
	if _, err := zw.Write(hdr); err != nil {
		return err
	}
	body := make([]byte, 2*NumSlots)
	for i, x := range m.Weights {
		q := int16(math.Round(float64(x / scale)))
		binary.LittleEndian.PutUint16(body[2*i:], uint16(q))
	}
	if _, err := zw.Write(body); err != nil {
		return err
	}
	return zw.Close()
}

// ReadModel reads a model written by WriteModel.
func ReadModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	const hdrLen = len(modelMagic) + 4 + 4 + 8 + 4
	if len(data) < hdrLen || string(data[:len(modelMagic)]) != modelMagic {
		return nil, errors.New("not a claim model file")
	}
	p := data[len(modelMagic):]
	n := binary.LittleEndian.Uint32(p)
	if n != NumSlots || len(data) != hdrLen+2*NumSlots {
		return nil, fmt.Errorf("model has %d slots, this build expects %d", n, NumSlots)
	}
	m := &Model{Weights: make([]float32, NumSlots)}
	m.Bias = math.Float32frombits(binary.LittleEndian.Uint32(p[4:]))
	m.Threshold = math.Float64frombits(binary.LittleEndian.Uint64(p[8:]))
	scale := math.Float32frombits(binary.LittleEndian.Uint32(p[16:]))
	body := data[hdrLen:]
	for i := range m.Weights {
		m.Weights[i] = float32(int16(binary.LittleEndian.Uint16(body[2*i:]))) * scale
	}
	return m, nil
}
