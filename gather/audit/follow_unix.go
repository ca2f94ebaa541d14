//go:build unix

package audit

import (
	"os"
	"syscall"
)

// fileID returns the device and inode of a file.
func fileID(_ string, fi os.FileInfo) fileKey {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileKey{Dev: uint64(st.Dev), Ino: uint64(st.Ino)}
	}
	return fileKey{}
}
