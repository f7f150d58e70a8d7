// Package powercut mounts a directory again through FUSE so that a power cut
// can be played on it: every write to a file, and every change of its size,
// stays in memory until the file is synced (fsync or fdatasync, on any of its
// descriptors), as in a disk's volatile cache or the kernel's page cache;
// reads see those unsynced writes over what is on disk; and Cut drops
// everything not yet synced and unmounts, as losing power does. What
// survives is what is in the directory underneath, which the caller can
// then open directly.
//
// It is a test rig, made for checking that a database acknowledges only
// what survives a power cut. Its limits, stated:
//
//   - Creating, removing, renaming and linking files, and making
//     directories, go straight to the directory underneath and so always
//     survive a cut; a real file system may lose a new name that nobody
//     synced the directory for. Only file contents and sizes are held back.
//   - Synced data is written whole: a cut never tears a write in two or
//     reorders unsynced writes into a mix of old and new pages, which a real
//     disk may (SQLite's log checksums are there for that).
//   - Files made with O_TMPFILE are refused (ENOTSUP).
//   - Mounting needs root and /dev/fuse (Available says why not).
//
// Shared memory maps (SQLite's -shm file in WAL mode) work through the
// kernel's page cache of the mount: every process mapping the file shares
// the same pages, and the pages it writes back reach this file system as
// ordinary unsynced writes, dropped at a cut like any other. The mount keeps
// the page cache across opens (this file system is the only writer of the
// directory while it is mounted), so a new connection's open never throws
// away pages another connection has mapped. A process must not map files of
// a mount that the same process serves (a page fault on the mapping then
// waits for a goroutine of the process that may not get a thread), so tests
// run SQLite on the mount in a child process.
package powercut

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
	"golang.org/x/sys/unix"
)

// pageSize is the unit in which unsynced writes are kept.
const pageSize = 4096

// Available says why a FUSE file system cannot be mounted here, or nil.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("mounting a FUSE file system needs root")
	}
	f, err := os.OpenFile("/dev/fuse", os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("no usable /dev/fuse: %w", err)
	}
	return f.Close()
}

// FS is a mounted directory whose unsynced writes a Cut drops.
type FS struct {
	dir, mnt string
	server   *fuse.Server

	cut atomic.Bool // after a cut, writes vanish and reads fail

	mu    sync.Mutex
	files map[*node]struct{} // every file opened since the mount
}

// Dropped is what a Cut threw away.
type Dropped struct {
	Files int   // files with unsynced writes or size changes
	Bytes int64 // unsynced bytes, counted in whole pages
}

// Mount mounts dir at mnt (an empty directory).
func Mount(dir, mnt string) (*FS, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		return nil, err
	}
	pfs := &FS{dir: dir, mnt: mnt, files: map[*node]struct{}{}}
	root := &fs.LoopbackRoot{Path: dir, Dev: uint64(st.Dev)}
	rootNode := &node{LoopbackNode: fs.LoopbackNode{RootData: root}, pfs: pfs}
	root.RootNode = rootNode
	server, err := fs.Mount(mnt, rootNode, &fs.Options{MountOptions: fuse.MountOptions{
		DirectMount: true, FsName: dir, Name: "powercut",
		// This file system is the only writer underneath while it is
		// mounted, so the kernel's cached pages are always right: never
		// drop them on an open or a changed time (a mapped -shm depends
		// on it).
		ExplicitDataCacheControl: true,
		// Directory listings then carry no sizes, which here would be
		// the synced ones rather than what the files hold.
		DisableReadDirPlus: true,
	}})
	if err != nil {
		return nil, fmt.Errorf("mount %s at %s: %w", dir, mnt, err)
	}
	pfs.server = server
	return pfs, nil
}

// Dir is the directory underneath; Mountpoint is where it is mounted.
func (f *FS) Dir() string        { return f.dir }
func (f *FS) Mountpoint() string { return f.mnt }

// Cut drops every write and size change not yet synced, then unmounts, as a
// power cut does. Anything still using the mount sees it gone. Call it after
// the processes using the mount have been killed.
func (f *FS) Cut() (Dropped, error) {
	f.cut.Store(true)
	var d Dropped
	for _, n := range f.opened() {
		n.mu.Lock()
		if n.pending {
			d.Files++
			d.Bytes += int64(len(n.pages)) * pageSize
		}
		n.forget()
		n.mu.Unlock()
	}
	return d, f.unmount()
}

// Close syncs every file, as a clean shutdown does, and unmounts.
func (f *FS) Close() error {
	var errs []error
	files := f.opened()
	for _, n := range files {
		n.mu.Lock()
		if n.real != nil {
			if errno := n.sync(); errno != 0 {
				errs = append(errs, fmt.Errorf("sync %s: %w", n.realPath(), errno))
			}
		}
		n.mu.Unlock()
	}
	f.cut.Store(true)
	for _, n := range files {
		n.mu.Lock()
		n.forget()
		n.mu.Unlock()
	}
	return errors.Join(append(errs, f.unmount())...)
}

func (f *FS) opened() []*node {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := make([]*node, 0, len(f.files))
	for n := range f.files {
		list = append(list, n)
	}
	clear(f.files)
	return list
}

func (f *FS) unmount() error {
	if err := f.server.Unmount(); err != nil {
		// Something still holds a file open: detach the mount now, and
		// the kernel ends it once the last file is closed.
		if derr := syscall.Unmount(f.mnt, syscall.MNT_DETACH); derr != nil {
			return fmt.Errorf("unmount %s: %w (detach: %w)", f.mnt, err, derr)
		}
	}
	return nil
}

// node is a file or directory of the mount. A file's unsynced state lives
// here, on the inode, so a sync through any descriptor writes all of it, as
// fsync does.
type node struct {
	fs.LoopbackNode
	pfs *FS

	mu sync.RWMutex
	// real is the file underneath, opened for reading and writing on first
	// use (nil for directories and files not yet opened).
	real *os.File
	// pages are the unsynced pages, each pageSize long, by page number.
	pages map[int64][]byte
	// size is the file's size as written, synced or not.
	size int64
	// zeroFrom: bytes of the real file from here on read as zeros (the
	// file was made shorter, unsynced, since the last sync).
	zeroFrom int64
	// pending: something is not synced.
	pending bool
}

var (
	_ fs.NodeWrapChilder = (*node)(nil)
	_ fs.NodeOpener      = (*node)(nil)
	_ fs.NodeCreater     = (*node)(nil)
	_ fs.NodeLookuper    = (*node)(nil)
	_ fs.NodeReader      = (*node)(nil)
	_ fs.NodeWriter      = (*node)(nil)
	_ fs.NodeFsyncer     = (*node)(nil)
	_ fs.NodeFlusher     = (*node)(nil)
	_ fs.NodeGetattrer   = (*node)(nil)
	_ fs.NodeStatxer     = (*node)(nil)
	_ fs.NodeSetattrer   = (*node)(nil)
	_ fs.NodeAllocater   = (*node)(nil)
	_ fs.NodeTmpfiler    = (*node)(nil)
)

// handle is an open file; everything it needs is on its node.
type handle struct{}

// WrapChild makes every file and directory under the root a node too.
func (n *node) WrapChild(ctx context.Context, ops fs.InodeEmbedder) fs.InodeEmbedder {
	lb, ok := ops.(*fs.LoopbackNode)
	if !ok {
		return ops
	}
	return &node{LoopbackNode: fs.LoopbackNode{RootData: lb.RootData}, pfs: n.pfs}
}

func (n *node) realPath() string {
	return filepath.Join(n.RootData.Path, n.Path(nil))
}

// open opens the real file if it is not open yet. Holds n.mu.
func (n *node) open() syscall.Errno { return n.openAt("") }

// openAt is open with the path underneath ("": the node's own path; a new
// node has none until Create returns). Holds n.mu.
func (n *node) openAt(path string) syscall.Errno {
	if n.real != nil {
		return 0
	}
	if n.pfs.cut.Load() {
		return syscall.EIO
	}
	if path == "" {
		path = n.realPath()
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fs.ToErrno(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fs.ToErrno(err)
	}
	n.real, n.size, n.zeroFrom, n.pages, n.pending = f, st.Size(), math.MaxInt64, nil, false
	n.pfs.mu.Lock()
	n.pfs.files[n] = struct{}{}
	n.pfs.mu.Unlock()
	return 0
}

// forget drops the unsynced state and closes the real file. Holds n.mu.
func (n *node) forget() {
	if n.real != nil {
		n.real.Close()
	}
	n.real, n.pages, n.pending = nil, nil, false
}

// readReal reads the synced bytes at off into buf, zeros where the file has
// none or was made shorter since. Holds n.mu (read).
func (n *node) readReal(buf []byte, off int64) syscall.Errno {
	k, err := n.real.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return fs.ToErrno(err)
	}
	clear(buf[k:])
	if n.zeroFrom < off+int64(len(buf)) {
		clear(buf[max(n.zeroFrom-off, 0):])
	}
	return 0
}

// page returns unsynced page p, filling it from the file as it reads now.
// Holds n.mu.
func (n *node) page(p int64) ([]byte, syscall.Errno) {
	if pg, ok := n.pages[p]; ok {
		return pg, 0
	}
	pg := make([]byte, pageSize)
	start := p * pageSize
	if start < n.size {
		if errno := n.readReal(pg[:min(pageSize, n.size-start)], start); errno != 0 {
			return nil, errno
		}
	}
	if n.pages == nil {
		n.pages = map[int64][]byte{}
	}
	n.pages[p] = pg
	return pg, 0
}

// truncate sets the size, unsynced. Holds n.mu.
func (n *node) truncate(size int64) {
	if size < n.size {
		for p, pg := range n.pages {
			start := p * pageSize
			if start >= size {
				delete(n.pages, p)
			} else if start+pageSize > size {
				clear(pg[size-start:])
			}
		}
		n.zeroFrom = min(n.zeroFrom, size)
	}
	n.size, n.pending = size, true
}

// sync writes the unsynced state to the real file and syncs it. Holds n.mu.
func (n *node) sync() syscall.Errno {
	if !n.pending {
		return fs.ToErrno(n.real.Sync())
	}
	st, err := n.real.Stat()
	if err != nil {
		return fs.ToErrno(err)
	}
	if n.zeroFrom < st.Size() {
		if err := n.real.Truncate(n.zeroFrom); err != nil {
			return fs.ToErrno(err)
		}
	}
	for p, pg := range n.pages {
		start := p * pageSize
		if start >= n.size {
			continue
		}
		if _, err := n.real.WriteAt(pg[:min(pageSize, n.size-start)], start); err != nil {
			return fs.ToErrno(err)
		}
	}
	if err := n.real.Truncate(n.size); err != nil {
		return fs.ToErrno(err)
	}
	if err := n.real.Sync(); err != nil {
		return fs.ToErrno(err)
	}
	n.pages, n.zeroFrom, n.pending = nil, math.MaxInt64, false
	return 0
}

// fixAttr gives attributes the size as written. Holds n.mu (read).
func (n *node) fixAttr(a *fuse.Attr) {
	if n.real != nil {
		a.Size = uint64(n.size)
		a.Blocks = (a.Size + 511) / 512
	}
}

// Lookup answers with the size as written. A name looked up again gets a
// fresh node from the loopback, which the bridge then swaps for the one it
// already has: that one holds the file's unsynced state.
func (n *node) Lookup(ctx context.Context, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	ch, errno := n.LoopbackNode.Lookup(ctx, name, out)
	if errno != 0 {
		return nil, errno
	}
	if known := n.GetChild(name); known != nil && known.StableAttr() == ch.StableAttr() {
		ch = known
	}
	if c, ok := ch.Operations().(*node); ok {
		c.mu.RLock()
		c.fixAttr(&out.Attr)
		c.mu.RUnlock()
	}
	return ch, 0
}

func (n *node) Link(ctx context.Context, target fs.InodeEmbedder, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	ch, errno := n.LoopbackNode.Link(ctx, target, name, out)
	if errno == 0 {
		if c, ok := ch.Operations().(*node); ok {
			c.mu.RLock()
			c.fixAttr(&out.Attr)
			c.mu.RUnlock()
		}
	}
	return ch, errno
}

func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if errno := n.open(); errno != 0 {
		return nil, 0, errno
	}
	if flags&syscall.O_TRUNC != 0 {
		n.truncate(0)
	}
	return &handle{}, fuse.FOPEN_KEEP_CACHE, 0
}

// Create makes the file underneath at once (names are not held back).
func (n *node) Create(ctx context.Context, name string, flags, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	if n.pfs.cut.Load() {
		return nil, nil, 0, syscall.EIO
	}
	ch, fh, _, errno := n.LoopbackNode.Create(ctx, name, flags&^syscall.O_TRUNC, mode, out)
	if errno != 0 {
		return nil, nil, 0, errno
	}
	if r, ok := fh.(fs.FileReleaser); ok {
		r.Release(ctx)
	}
	c, ok := ch.Operations().(*node)
	if !ok {
		return nil, nil, 0, syscall.EIO
	}
	path := filepath.Join(n.realPath(), name)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.real != nil {
		// A node kept for an inode number the file system has since
		// reused: start again from the new file.
		var st syscall.Stat_t
		if err := syscall.Stat(path, &st); err != nil || st.Ino != out.Attr.Ino {
			c.forget()
		}
	}
	if errno := c.openAt(path); errno != 0 {
		return nil, nil, 0, errno
	}
	if flags&syscall.O_TRUNC != 0 {
		c.truncate(0)
	}
	c.fixAttr(&out.Attr)
	return ch, &handle{}, fuse.FOPEN_KEEP_CACHE, 0
}

// Tmpfile is refused: such a file has no name to find it by underneath.
func (n *node) Tmpfile(ctx context.Context, flags, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	return nil, nil, 0, syscall.ENOTSUP
}

func (n *node) Read(ctx context.Context, f fs.FileHandle, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	n.mu.RLock()
	if n.real == nil {
		n.mu.RUnlock()
		n.mu.Lock()
		errno := n.open()
		n.mu.Unlock()
		if errno != 0 {
			return nil, errno
		}
		n.mu.RLock()
	}
	defer n.mu.RUnlock()
	if n.pfs.cut.Load() || n.real == nil {
		return nil, syscall.EIO
	}
	if off >= n.size {
		return fuse.ReadResultData(nil), 0
	}
	buf := dest[:min(int64(len(dest)), n.size-off)]
	if errno := n.readReal(buf, off); errno != 0 {
		return nil, errno
	}
	end := off + int64(len(buf))
	for p := off / pageSize; p*pageSize < end; p++ {
		pg, ok := n.pages[p]
		if !ok {
			continue
		}
		start := p * pageSize
		from, to := max(start, off), min(start+pageSize, end)
		copy(buf[from-off:to-off], pg[from-start:to-start])
	}
	return fuse.ReadResultData(buf), 0
}

func (n *node) Write(ctx context.Context, f fs.FileHandle, data []byte, off int64) (uint32, syscall.Errno) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pfs.cut.Load() {
		// The power is off: what arrives now (the kernel writing back a
		// dead process's mapped pages) is lost.
		return uint32(len(data)), 0
	}
	if errno := n.open(); errno != 0 {
		return 0, errno
	}
	end := off + int64(len(data))
	for p := off / pageSize; p*pageSize < end; p++ {
		pg, errno := n.page(p)
		if errno != 0 {
			return 0, errno
		}
		start := p * pageSize
		from, to := max(start, off), min(start+pageSize, end)
		copy(pg[from-start:to-start], data[from-off:to-off])
	}
	n.size = max(n.size, end)
	n.pending = true
	return uint32(len(data)), 0
}

// Fsync writes the file's unsynced state, from every descriptor, to the
// file underneath and syncs it (fsync and fdatasync alike).
func (n *node) Fsync(ctx context.Context, f fs.FileHandle, flags uint32) syscall.Errno {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pfs.cut.Load() {
		return syscall.EIO
	}
	if n.real == nil {
		return 0 // a directory, or a file nobody has written through the mount
	}
	return n.sync()
}

// Flush (each close) keeps nothing: only a sync does.
func (n *node) Flush(ctx context.Context, f fs.FileHandle) syscall.Errno { return 0 }

func (n *node) Getattr(ctx context.Context, f fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.real == nil {
		return n.LoopbackNode.Getattr(ctx, nil, out)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(n.real.Fd()), &st); err != nil {
		return fs.ToErrno(err)
	}
	out.FromStat(&st)
	n.fixAttr(&out.Attr)
	return 0
}

func (n *node) Statx(ctx context.Context, f fs.FileHandle, flags, mask uint32, out *fuse.StatxOut) syscall.Errno {
	n.mu.RLock()
	defer n.mu.RUnlock()
	if n.real == nil {
		return n.LoopbackNode.Statx(ctx, nil, flags, mask, out)
	}
	var st unix.Statx_t
	if err := unix.Statx(int(n.real.Fd()), "", unix.AT_EMPTY_PATH|int(flags), int(mask), &st); err != nil {
		return fs.ToErrno(err)
	}
	out.FromStatx(&st)
	out.Size = uint64(n.size)
	out.Blocks = (out.Size + 511) / 512
	return 0
}

// Setattr holds a size change back until a sync; modes, owners and times go
// straight through.
func (n *node) Setattr(ctx context.Context, f fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if size, ok := in.GetSize(); ok {
		n.mu.Lock()
		if n.pfs.cut.Load() {
			n.mu.Unlock()
			return syscall.EIO
		}
		errno := n.open()
		if errno == 0 {
			n.truncate(int64(size))
		}
		n.mu.Unlock()
		if errno != 0 {
			return errno
		}
		in.Valid &^= fuse.FATTR_SIZE
	}
	if errno := n.LoopbackNode.Setattr(ctx, nil, in, out); errno != 0 {
		return errno
	}
	n.mu.RLock()
	n.fixAttr(&out.Attr)
	n.mu.RUnlock()
	return 0
}

// Allocate extends the file (unsynced) for fallocate's plain mode; other
// modes are refused.
func (n *node) Allocate(ctx context.Context, f fs.FileHandle, off, size uint64, mode uint32) syscall.Errno {
	if mode != 0 {
		return syscall.EOPNOTSUPP
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pfs.cut.Load() {
		return syscall.EIO
	}
	if errno := n.open(); errno != 0 {
		return errno
	}
	if end := int64(off + size); end > n.size {
		n.truncate(end)
	}
	return 0
}
