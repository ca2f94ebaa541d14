package agent

import (
	"fmt"
	"os"
	"sync"

	"github.com/scalefield/scalefield/gather/activityfile"
	"github.com/scalefield/scalefield/gather/spool"
)

// A file collector that restarts reads again every record it had not
// committed, including those already in spooled files (written, not yet
// uploaded, or uploaded but not committed before a crash). replay
// recognises them: it holds the positions of the spooled files in order,
// and while the re-read records match them one for one, they are skipped
// instead of being written a second time. The spooled file is then
// committed (once uploaded) at its last position, which the follower has
// handed out again.
//
// The follower reads files in a stable order, so the re-read normally
// matches exactly. When it does not (a file rotated away meanwhile, or
// committed just before the crash), replay gives up on the files it cannot
// match: they are uploaded without a commit and their records, if read
// again, go into new files. That may duplicate records, never lose them.
type replay struct {
	mu     sync.Mutex
	files  []*replayFile
	idx    int // the file being matched
	pos    int // the next position in files[idx]
	active bool
}

// replayFile is one spooled file of the collector.
type replayFile struct {
	file      string
	positions []string
	last      string
	// done is closed when the file is settled: matched to the end
	// (handed) or given up.
	done   chan struct{}
	handed bool
}

// newFollowReplay reads the positions of the collector's spooled files.
func newFollowReplay(items []spool.Item) (*replay, error) {
	r := &replay{}
	for _, it := range items {
		data, err := os.ReadFile(it.Path)
		if err != nil {
			return nil, fmt.Errorf("replay %s: %w", it.Manifest.File, err)
		}
		rows, err := activityfile.ReadAll(data)
		if err != nil {
			return nil, fmt.Errorf("replay %s: %w", it.Manifest.File, err)
		}
		rf := &replayFile{file: it.Manifest.File, last: it.Manifest.LastPosition, done: make(chan struct{})}
		for i := range rows {
			rf.positions = append(rf.positions, rows[i].Position)
		}
		if len(rf.positions) == 0 {
			close(rf.done)
			continue
		}
		r.files = append(r.files, rf)
	}
	r.active = len(r.files) > 0
	return r, nil
}

// match reports whether the record at position p is the next spooled one;
// the caller then skips it.
func (r *replay) match(p string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.active {
		return false
	}
	if r.files[r.idx].positions[r.pos] != p {
		// A file committed (or gone) before the restart is never read
		// again: try the start of a later one.
		j := -1
		if r.pos == 0 {
			for k := r.idx + 1; k < len(r.files); k++ {
				if r.files[k].positions[0] == p {
					j = k
					break
				}
			}
		}
		if j < 0 {
			r.giveUpLocked()
			return false
		}
		for ; r.idx < j; r.idx++ {
			close(r.files[r.idx].done)
		}
	}
	r.pos++
	if f := r.files[r.idx]; r.pos == len(f.positions) {
		f.handed = true
		close(f.done)
		r.idx, r.pos = r.idx+1, 0
		r.active = r.idx < len(r.files)
	}
	return true
}

// giveUp settles every file not matched yet.
func (r *replay) giveUp() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.giveUpLocked()
}

func (r *replay) giveUpLocked() {
	if !r.active {
		return
	}
	for ; r.idx < len(r.files); r.idx++ {
		close(r.files[r.idx].done)
	}
	r.active = false
}

// find returns the replayed file named file, or nil.
func (r *replay) find(file string) *replayFile {
	if r == nil {
		return nil
	}
	for _, f := range r.files {
		if f.file == file {
			return f
		}
	}
	return nil
}
