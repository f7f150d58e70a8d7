// Command walframes counts the pages a write-ahead log holds by the table or
// index they belong to, to see what a workload's commits write. The log must
// not have been copied back meanwhile (a server built with the checkpointer
// off, killed after the run); the map is the database's dbstat:
//
//	sqlite3 -readonly DB "SELECT pageno || '|' || name FROM dbstat" > map.txt
//	go run ./bench/walframes -wal DB-wal.copy -map map.txt
//
// It prints the frames, the commits, and for each table or index its frames
// and their share, and how many of them are on pages written by at least a
// tenth of the commits (hot pages: their cost follows the commits, not the
// changes).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	walPath := flag.String("wal", "", "the write-ahead log `file`")
	mapPath := flag.String("map", "", "`file` of pageno|name lines from dbstat")
	top := flag.Int("top", 25, "how many tables and indexes to list")
	flag.Parse()
	if err := run(*walPath, *mapPath, *top); err != nil {
		fmt.Fprintln(os.Stderr, "walframes:", err)
		os.Exit(1)
	}
}

func run(walPath, mapPath string, top int) error {
	names := map[uint32]string{}
	mf, err := os.Open(mapPath)
	if err != nil {
		return err
	}
	defer mf.Close()
	sc := bufio.NewScanner(mf)
	for sc.Scan() {
		no, name, ok := strings.Cut(sc.Text(), "|")
		if n, err := strconv.ParseUint(no, 10, 32); ok && err == nil {
			names[uint32(n)] = name
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	wf, err := os.Open(walPath)
	if err != nil {
		return err
	}
	defer wf.Close()
	r := bufio.NewReaderSize(wf, 1<<20)
	hdr := make([]byte, 32)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return err
	}
	pageSize := int64(binary.BigEndian.Uint32(hdr[8:12]))
	salt := string(hdr[16:24])
	perPage := map[uint32]int{}
	frames, commits := 0, 0
	fh := make([]byte, 24)
	for {
		if _, err := io.ReadFull(r, fh); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			return err
		}
		if string(fh[8:16]) != salt { // frames of an earlier pass of the log
			break
		}
		if _, err := r.Discard(int(pageSize)); err != nil {
			break
		}
		frames++
		perPage[binary.BigEndian.Uint32(fh[0:4])]++
		if binary.BigEndian.Uint32(fh[4:8]) != 0 {
			commits++
		}
	}
	type count struct {
		name        string
		frames, hot int
	}
	by := map[string]*count{}
	for pg, n := range perPage {
		name := names[pg]
		if name == "" {
			name = "(not in the map)"
		}
		c := by[name]
		if c == nil {
			c = &count{name: name}
			by[name] = c
		}
		c.frames += n
		if n*10 >= commits {
			c.hot += n
		}
	}
	list := make([]*count, 0, len(by))
	for _, c := range by {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].frames > list[j].frames })
	fmt.Printf("frames %d, commits %d, pages %d, frames a commit %.1f\n", frames, commits, len(perPage), float64(frames)/float64(max(commits, 1)))
	for i, c := range list {
		if i == top {
			break
		}
		fmt.Printf("  %-32s %8d  %5.1f%%  hot %5.1f%%\n", c.name, c.frames, 100*float64(c.frames)/float64(max(frames, 1)), 100*float64(c.hot)/float64(max(c.frames, 1)))
	}
	return nil
}
