package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"claimtrail/components"
	"claimtrail/domain"
)

// formValidator checks request structs by their `validate` tags and turns
// the failures into one message per field, in words a journalist
// understands. Fields are named by their `form` tag (browser forms) or
// `json` tag (the API), so messages land beside the right input or key.
type formValidator struct {
	v   *validator.Validate
	tag string
}

func newFormValidator() *formValidator { return newTagValidator("form") }

// newJSONValidator names fields by their `json` tag, with nested fields as
// "sources[0].url", for API requests.
func newJSONValidator() *formValidator { return newTagValidator("json") }

func newTagValidator(tag string) *formValidator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name := strings.Split(f.Tag.Get(tag), ",")[0]
		if name == "-" {
			return ""
		}
		return name
	})
	return &formValidator{v: v, tag: tag}
}

// Check validates s and returns per-field messages, or nil when all is well.
func (fv *formValidator) Check(s any) components.FieldErrors {
	err := fv.v.Struct(s)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return components.FieldErrors{"": "The form could not be checked."}
	}
	labels := map[string]string{}
	t := reflect.Indirect(reflect.ValueOf(s)).Type()
	fv.collectLabels(t, "", labels)
	out := components.FieldErrors{}
	for _, fe := range verrs {
		// The namespace starts with the struct's type name (none for an
		// anonymous struct); drop it.
		name := strings.TrimPrefix(fe.Namespace(), t.Name()+".")
		if _, dup := out[name]; !dup {
			out[name] = fieldMessage(labels[indexes.ReplaceAllString(name, "")], fe)
		}
	}
	return out
}

// indexes matches the "[3]" of a field inside a list, such as sources[3].url.
var indexes = regexp.MustCompile(`\[\d+\]`)

// collectLabels maps each field's name (nested ones as "sources.url") to its
// `label` tag, or to its name with spaces when it has none.
func (fv *formValidator) collectLabels(t reflect.Type, prefix string, out map[string]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get(fv.tag), ",")[0]
		if name == "" || name == "-" {
			continue
		}
		key := prefix + name
		out[key] = f.Tag.Get("label")
		if out[key] == "" {
			out[key] = strings.ReplaceAll(name, "_", " ")
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct && ft != reflect.TypeFor[time.Time]() {
			fv.collectLabels(ft, key+".", out)
		}
	}
}

func fieldMessage(label string, fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return fmt.Sprintf("Enter the %s.", label)
	case "email":
		return "Enter an email address like name@newsroom.org."
	case "max":
		if fe.Kind() == reflect.Slice {
			return fmt.Sprintf("Send at most %s %s.", fe.Param(), label)
		}
		return fmt.Sprintf("Keep the %s to %s characters or fewer.", label, fe.Param())
	case "min":
		return fmt.Sprintf("The %s needs at least %s characters.", label, fe.Param())
	case "oneof":
		return fmt.Sprintf("Choose one of the options for the %s.", label)
	case "url", "http_url":
		return fmt.Sprintf("Enter the %s as a full web address starting with https://.", label)
	case "datetime":
		return domain.DateMessage
	case "gte", "lte", "gt", "lt":
		return fmt.Sprintf("The %s is out of range.", label)
	}
	return fmt.Sprintf("Check the %s.", label)
}

// errFormUnreadable is returned for forms that are malformed or not UTF-8.
var errFormUnreadable = domain.Errorf(domain.EINVALID, "We could not read that form. Reload the page and try again.")

// decodeForm parses the request's form and fills dst's fields by their
// `form` tags. Strings are trimmed; text that is not valid UTF-8 is refused.
func decodeForm(r *http.Request, dst any) error {
	if err := parseForm(r); err != nil {
		return err
	}
	return fillForm(r.Form, dst)
}

// parseForm is r.ParseForm for every handler: a body that is not a form
// (a broken escape such as %zz, more fields than Go reads) is the sender's
// mistake, a 422 with errFormUnreadable; an oversized one stays a 413.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return errFormUnreadable
	}
	return nil
}

// parseMultipartForm is r.ParseMultipartForm for every handler: a body
// cut short, without its boundary or with a broken part is the sender's
// mistake, a 422 with errFormUnreadable; one too large, or of too many
// parts, stays an error the caller answers as too large. Files beyond 1 MB
// spill to a temporary file rather than memory.
func parseMultipartForm(r *http.Request) error {
	err := r.ParseMultipartForm(1 << 20)
	var tooBig *http.MaxBytesError
	if err == nil || errors.As(err, &tooBig) || errors.Is(err, multipart.ErrMessageTooLarge) {
		return err
	}
	return errFormUnreadable
}

// noInput reads the body of a request whose action takes nothing from it:
// an empty body, an empty form or JSON object pass; a body that cannot be
// read is refused with domain.ErrUnreadableRequest (400) in the browser and
// the API alike, rather than ignored; an oversized one is a 413. A JSON
// object naming fields is refused as elsewhere in the API.
func noInput(w http.ResponseWriter, r *http.Request) error {
	if !isAPI(r) {
		if err := parseForm(r); err == errFormUnreadable {
			return domain.ErrUnreadableRequest
		} else if err != nil {
			return err
		}
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, apiBodyLimit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	body = bytes.TrimSpace(body)
	if err != nil || len(body) > 0 && (!utf8.Valid(body) || !json.Valid(body)) {
		return domain.ErrUnreadableRequest
	}
	if len(body) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&struct{}{}); err != nil {
		return jsonDecodeError(err)
	}
	return nil
}

func fillForm(values map[string][]string, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	t := v.Type()
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("form")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		raw, present := values[name]
		for _, s := range raw {
			if !utf8.ValidString(s) {
				return domain.FieldError(name, "This contains characters we could not read. Paste it again as plain text.")
			}
		}
		if !present || len(raw) == 0 {
			continue
		}
		f := v.Field(i)
		first := raw[0]
		if opts != "raw" {
			first = strings.TrimSpace(first)
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(first)
		case reflect.Bool:
			f.SetBool(first == "on" || first == "true" || first == "1" || first == "yes")
		case reflect.Int, reflect.Int64:
			if first == "" {
				continue
			}
			n, err := strconv.ParseInt(first, 10, 64)
			if err != nil {
				return domain.FieldError(name, "Enter a whole number.")
			}
			f.SetInt(n)
		case reflect.Float64:
			if first == "" {
				continue
			}
			n, err := strconv.ParseFloat(first, 64)
			if err != nil {
				return domain.FieldError(name, "Enter a number.")
			}
			f.SetFloat(n)
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				f.Set(reflect.ValueOf(append([]string(nil), raw...)))
			} else if f.Type().Elem().Kind() == reflect.Int64 {
				ids := make([]int64, 0, len(raw))
				for _, s := range raw {
					n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
					if err != nil {
						return domain.FieldError(name, "The selection could not be read.")
					}
					ids = append(ids, n)
				}
				f.Set(reflect.ValueOf(ids))
			}
		}
	}
	return nil
}

// parseDate reads a YYYY-MM-DD form date as midnight UTC; "" is the zero time.
func parseDate(field, s string) (time.Time, error) {
	return domain.ParseDay(field, s)
}

// pathID reads a numeric path parameter; anything else is "not found".
func pathID(r *http.Request, name string) (int64, error) {
	raw := r.PathValue(name)
	id, err := strconv.ParseInt(raw, 10, 64)
	// One address per thing: "+9" and "09" are not another way to write 9.
	if err != nil || id <= 0 || raw != strconv.FormatInt(id, 10) {
		return 0, domain.Errorf(domain.ENOTFOUND, "There is nothing at this address.")
	}
	return id, nil
}

// postedID is the {id} of a POST's path with its form parsed: what every
// page-wide form's buttons read first.
func postedID(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err == nil {
		err = parseForm(r)
	}
	return id, err
}
