package storage

import "context"

// scanner is one result row, from QueryRowContext or a rows loop.
type scanner interface{ Scan(...any) error }

// queryAll runs q in tx and scans every row with scan, in order. No rows
// give a nil slice.
func queryAll[T any](ctx context.Context, tx *Tx, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := tx.queryCached(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanValue reads a row of one column.
func scanValue[T any](row scanner) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}

// scanInt64 reads a row of one integer (an id, a document number).
func scanInt64(row scanner) (int64, error) {
	var n int64
	return n, row.Scan(&n)
}
