// SPDX-License-Identifier: MIT

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// copyPool keeps one copy of the tree last asked for ready, made in the
// background while the test that asked runs: the next bundle of the script
// then costs a rename.
type copyPool struct {
	dir   string      // where the spare copies are made
	src   string      // the tree of the spare copy
	ready chan string // the spare copy's path once made ("" if that failed)
	made  int
}

// copy makes dst a copy of src: the spare copy when there is one.
func (p *copyPool) copy(src, dst string) error {
	src, err := filepath.Abs(src)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s: already exists", dst)
	}
	if p.ready != nil && p.src == src {
		spare := <-p.ready
		p.ready = nil
		if spare != "" {
			if err := os.Rename(spare, dst); err == nil {
				p.refill(src)
				return nil
			}
			os.RemoveAll(spare)
		}
	}
	if err := copyTree(src, dst); err != nil {
		return err
	}
	p.refill(src)
	return nil
}

// refill starts making the spare copy of src.
func (p *copyPool) refill(src string) {
	p.made++
	spare := filepath.Join(p.dir, fmt.Sprintf("spare.%d", p.made))
	ready := make(chan string, 1)
	p.src, p.ready = src, ready
	go func() {
		if err := copyTree(src, spare); err != nil {
			os.RemoveAll(spare)
			spare = ""
		}
		ready <- spare
	}()
}

// copyTree copies the directory tree src to dst, which must not exist, the
// way cp -a does for what bundles hold: directories and regular files keep
// their mode, owner and times, symbolic links their owner. Other file types
// are refused rather than copied wrong.
func copyTree(src, dst string) error {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("%s: already exists", dst)
	}
	type dirTimes struct {
		path string
		st   *syscall.Stat_t
	}
	var dirs []dirTimes // set after their contents are written
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		st := info.Sys().(*syscall.Stat_t)
		mode := info.Mode()
		switch {
		case mode.IsDir():
			if err := os.Mkdir(to, 0700); err != nil {
				return err
			}
			dirs = append(dirs, dirTimes{to, st})
			return nil
		case mode&os.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, to); err != nil {
				return err
			}
		case mode.IsRegular():
			if err := copyFile(path, to); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: not a directory, file or symbolic link", path)
		}
		return setAttrs(to, st, mode&os.ModeSymlink != 0)
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := setAttrs(dirs[i].path, dirs[i].st, false); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// setAttrs gives path the owner, mode (with the setuid, setgid and sticky
// bits) and times of st; a symbolic link only its owner.
func setAttrs(path string, st *syscall.Stat_t, link bool) error {
	if err := os.Lchown(path, int(st.Uid), int(st.Gid)); err != nil {
		return err
	}
	if link {
		return nil
	}
	// chmod(2) itself: os.Chmod maps Go's mode bits, not the raw ones
	if err := syscall.Chmod(path, st.Mode&07777); err != nil {
		return &os.PathError{Op: "chmod", Path: path, Err: err}
	}
	return os.Chtimes(path, time.Unix(st.Atim.Unix()), time.Unix(st.Mtim.Unix()))
}
