package web

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
)

// A file too large used to end the add-article body where the body limit
// fell, inside the file, so the form parser failed and every field after
// the file part (the headline, outlet, author, address and date come after
// it on the page) was lost with it; and a browser still sending the rest of
// the file often showed a broken connection instead of the refusal.
// uploadTrim sits between the body and the form parser: it reads the parts
// as they come and hands the parser the same parts, each file cut after its
// limit plus one byte (enough for the reader of the file to tell it is too
// large and say so) and the rest of that file read and dropped. Every part
// after a large file then reaches the form, and the person gets the refusal
// with everything typed in place. The body as a whole is still capped
// (limitBody's upload limit): where the cap falls, the form ends with what
// came before it and the post is refused as too large (uploadEnded).
type uploadTrim struct {
	io.ReadCloser // the parser's side of the pipe
	names         *nameWatch
	ended         bool // the body ended at its cap; set before the pipe closes
}

// uploadReadLimit is how much of an add-article upload is read at most: a
// file up to ten times the article limit is refused with every field kept.
func uploadReadLimit(articleLimit int64) int64 { return 10*articleLimit + 1<<20 }

// trimUploads makes r's multipart body an uploadTrim that cuts each file
// after fileLimit+1 bytes. It leaves a body that is not multipart alone.
// Call it after watchUploadNames.
func trimUploads(r *http.Request, fileLimit int64) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/form-data" || params["boundary"] == "" {
		return
	}
	src := r.Body
	pr, pw := io.Pipe()
	t := &uploadTrim{ReadCloser: pr}
	t.names, _ = src.(*nameWatch)
	mw := multipart.NewWriter(pw)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Body = t
	go func() {
		err := copyTrimmed(multipart.NewReader(src, params["boundary"]), mw, fileLimit)
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			// The form ends here: what came before the cap is kept.
			t.ended, err = true, nil
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
}

// copyTrimmed copies the parts of mr to mw as they are, each file's
// content cut after fileLimit+1 bytes.
func copyTrimmed(mr *multipart.Reader, mw *multipart.Writer, fileLimit int64) error {
	for {
		// Raw: the parser decodes a part's transfer encoding itself.
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		dst, err := mw.CreatePart(p.Header)
		if err != nil {
			return err
		}
		if p.FileName() == "" {
			_, err = io.Copy(dst, p)
		} else if _, err = io.CopyN(dst, p, fileLimit+1); err == io.EOF {
			err = nil
		} else if err == nil {
			_, err = io.Copy(io.Discard, p)
		}
		if err != nil {
			return err
		}
	}
}

// uploadEnded reports whether r's multipart body ended at its cap before
// the form's end (trimUploads): the form holds only what came before.
func uploadEnded(r *http.Request) bool {
	t, ok := r.Body.(*uploadTrim)
	return ok && t.ended
}

// uploadWatch is the nameWatch of r's body, under an uploadTrim or not.
func uploadWatch(r *http.Request) *nameWatch {
	switch b := r.Body.(type) {
	case *nameWatch:
		return b
	case *uploadTrim:
		return b.names
	}
	return nil
}
