# Lists, one a line, the top-level tests whose own body starts goroutines
# (go func, go f(), t.Parallel, a WaitGroup): `make test` runs these under
# the race detector. Browser tests are left out: chromedp's JSON library
# (go-json-experiment/json) races with itself when it first decodes a type,
# which is not ours to fix, and Chromium is most of their time anyway.
# Reads *_test.go files.
FNR == 1 { name = "" }
/^func Test[A-Za-z0-9_]*\(/ { name = $2; sub(/\(.*/, "", name); goroutines = 0; browser = 0; next }
name == "" { next }
/^}/ { if (goroutines && !browser) print name; name = ""; next }
/(^|[^A-Za-z0-9_])go (func|[A-Za-z_][A-Za-z0-9_.]*\()|t\.Parallel\(\)|sync\.WaitGroup/ { goroutines = 1 }
/browsertest\.New\(/ { browser = 1 }
