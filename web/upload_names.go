package web

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"

	"claimtrail/domain"
)

// Go's multipart parser refuses a whole form whose part headers hold a
// control character, and skips a part whose Content-Disposition it cannot
// read, as when a file's name holds one that a browser sent as is: the file
// would seem never chosen, and the person be told to choose one, or every
// other field of the form (a title, an outlet) would be lost with it.
// nameWatch reads an upload's body on to the parser, notes the form fields
// whose part came with such a header, so that the person is told what is
// wrong with the name instead, and hands the parser that header with each
// control character made a "_", so the rest of the form is read and shown
// back. The file itself is refused by its noted name (uploadedFile).
type nameWatch struct {
	io.ReadCloser
	line       []byte
	skipLine   bool            // the line under way is not a Content-Disposition header
	unreadable map[string]bool // form fields whose part was skipped
}

const dispositionHeader = "content-disposition:"

// watchUploadNames makes r's body a nameWatch; call it before parsing the
// multipart form.
func watchUploadNames(r *http.Request) {
	r.Body = &nameWatch{ReadCloser: r.Body}
}

func (w *nameWatch) Read(p []byte) (int, error) {
	n, err := w.ReadCloser.Read(p)
	w.scan(p[:n])
	return n, err
}

// scan keeps only the start of each line, and all of it only while it may
// be a Content-Disposition header, so a large file costs a search for
// line ends and no copying.
func (w *nameWatch) scan(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		chunk := b
		if i >= 0 {
			chunk = b[:i]
		}
		if !w.skipLine {
			w.line = append(w.line, chunk...)
			if n := min(len(w.line), len(dispositionHeader)); !bytes.EqualFold(w.line[:n], []byte(dispositionHeader[:n])) || len(w.line) > 8<<10 {
				w.skipLine, w.line = true, w.line[:0]
			}
		}
		if !w.skipLine {
			// The header's raw bytes are kept in w.line for header(); the
			// parser gets them readable. The prefix holds no control
			// character, so only the value's are replaced; a carriage
			// return stays, for it may end the line.
			for j, c := range chunk {
				if c != '\r' && isHeaderControl(rune(c)) {
					chunk[j] = '_'
				}
			}
		}
		if i < 0 {
			return
		}
		if !w.skipLine && len(w.line) > len(dispositionHeader) {
			w.header(bytes.TrimRight(w.line, "\r"))
		}
		w.line, w.skipLine, b = w.line[:0], false, b[i+1:]
	}
}

var dispositionName = regexp.MustCompile(`(?i)(?:^|[; ])name="([^"]*)"`)

// header notes the form field of a Content-Disposition header that the
// multipart parser cannot read.
func (w *nameWatch) header(line []byte) {
	value := string(line[len(dispositionHeader):])
	if _, _, err := mime.ParseMediaType(value); err == nil && !strings.ContainsFunc(value, isHeaderControl) {
		return
	}
	if m := dispositionName.FindStringSubmatch(value); m != nil {
		if w.unreadable == nil {
			w.unreadable = map[string]bool{}
		}
		w.unreadable[m[1]] = true
	}
}

// isHeaderControl is a character a header's value may not hold (a tab
// may be).
func isHeaderControl(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7F }

// nameUnreadable reports whether r's multipart form had a part named field
// that was skipped for the header naming it.
func nameUnreadable(r *http.Request, field string) bool {
	w := uploadWatch(r)
	return w != nil && w.unreadable[field]
}

// unreadableUpload is the refusal of a multipart form that could not be
// parsed, when the reason is a file's name: nil when it is something else.
func unreadableUpload(r *http.Request, field string) error {
	if nameUnreadable(r, field) {
		return domain.CheckUploadName(field, "", true)
	}
	return nil
}

// uploadedFile is r.FormFile(field) with the name rule (domain.CheckUploadName):
// a file whose name holds a control character is refused with that rule's
// message, whether its part reached the form or was skipped for its name.
func uploadedFile(r *http.Request, field string) (multipart.File, *multipart.FileHeader, error) {
	if nameUnreadable(r, field) {
		return nil, nil, domain.CheckUploadName(field, "", true)
	}
	file, header, err := r.FormFile(field)
	if err != nil {
		return nil, nil, err
	}
	if err := domain.CheckUploadName(field, header.Filename, false); err != nil {
		file.Close()
		return nil, nil, err
	}
	return file, header, nil
}
