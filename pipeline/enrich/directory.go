package enrich

import (
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// Directory finds the user context of an event's actor in a tenant's user
// directory. It is built once and never changed, so any number of
// goroutines may use it.
type Directory struct {
	users map[string]*scalefield.UserContext
}

// NewDirectory builds a directory of entries, keyed by lower-cased user
// name. Entries with an empty name are left out.
func NewDirectory(entries []scalefield.DirectoryEntry) *Directory {
	d := &Directory{users: make(map[string]*scalefield.UserContext, len(entries))}
	for i := range entries {
		e := &entries[i]
		name := strings.ToLower(strings.TrimSpace(e.UserName))
		if name == "" {
			continue
		}
		d.users[name] = &scalefield.UserContext{Department: e.Department, Title: e.Title, Privileged: e.Privileged, Manager: e.Manager}
	}
	return d
}

// Len is the number of users in the directory.
func (d *Directory) Len() int { return len(d.users) }

// Lookup returns the context of user, or nil when the directory does not
// know it. It matches case-insensitively: first the name as given, then,
// for DOMAIN\user and user@domain, the bare user. The UserContext returned
// is shared: callers must not modify it.
func (d *Directory) Lookup(user string) *scalefield.UserContext {
	if d == nil || len(d.users) == 0 || user == "" {
		return nil
	}
	user = lowerASCII(strings.TrimSpace(user))
	if uc, ok := d.users[user]; ok {
		return uc
	}
	if bare := bareUser(user); bare != user {
		return d.users[bare]
	}
	return nil
}

// bareUser returns the user of DOMAIN\user or user@domain, or name itself.
func bareUser(name string) string {
	if i := strings.LastIndexByte(name, '\\'); i >= 0 {
		return name[i+1:]
	}
	if i := strings.IndexByte(name, '@'); i > 0 {
		return name[:i]
	}
	return name
}
