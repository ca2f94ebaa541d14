package mapper

import (
	"strings"

	scalefield "github.com/scalefield/scalefield"
)

// syslogAuth recognises the usual authentication lines of sshd, PAM, sudo
// and su and makes e an Authentication event with the user, the client's
// address and port, and the outcome. It reports whether it did; other
// lines stay Base events. The app is the syslog APP-NAME (or tag).
//
//	sshd: Accepted publickey for deploy from 198.51.100.7 port 52114 ssh2
//	sshd: Failed password for invalid user admin from 203.0.113.9 port 4242 ssh2
//	sshd: Invalid user admin from 203.0.113.9 port 4242
//	any:  pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.9  user=root
//	any:  pam_unix(sshd:session): session opened for user alice(uid=1000) by (uid=0)
//	sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls
//	sudo: alice : 3 incorrect password attempts ; TTY=pts/0 ; … (and "user NOT in sudoers", "command not allowed")
//	su:   'su root' failed for lonvick on /dev/pts/8 (and "FAILED SU (to root) bob on pts/0", "Successful su for root by bob")
func syslogAuth(e *scalefield.SecurityEvent, app, msg string) bool {
	msg = strings.TrimSpace(strings.TrimPrefix(msg, "\ufeff"))
	if strings.HasPrefix(msg, "pam_") {
		return pamLine(e, msg)
	}
	switch {
	case strings.EqualFold(app, "sshd"):
		return sshdLine(e, msg)
	case strings.EqualFold(app, "sudo"):
		return sudoLine(e, msg)
	case strings.EqualFold(app, "su"):
		return suLine(e, msg)
	}
	return false
}

// sshdLine reads sshd's Accepted, Failed and Invalid user lines.
func sshdLine(e *scalefield.SecurityEvent, msg string) bool {
	var status, rest string
	switch {
	case strings.HasPrefix(msg, "Accepted "):
		status, rest = statusSuccess, msg[len("Accepted "):]
	case strings.HasPrefix(msg, "Failed "):
		status, rest = statusFailure, msg[len("Failed "):]
	case strings.HasPrefix(msg, "Invalid user "):
		// "Invalid user admin from 203.0.113.9 port 4242"
		return authFrom(e, statusFailure, msg[len("Invalid user "):])
	default:
		return false
	}
	// "<method> for [invalid user ]<user> from <address> port <n> …"
	_, rest, ok := strings.Cut(rest, " for ")
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, "invalid user ")
	return authFrom(e, status, rest)
}

// authFrom reads "<user> from <address>[ port <n>]…" into a Logon.
func authFrom(e *scalefield.SecurityEvent, status, rest string) bool {
	user, after, ok := strings.Cut(rest, " from ")
	if !ok || strings.TrimSpace(user) == "" {
		return false
	}
	classify(e, scalefield.ClassAuthentication, authLogon, "")
	e.Status, e.User = status, strings.TrimSpace(user)
	f := strings.Fields(after)
	if len(f) > 0 {
		setClient(e, f[0])
	}
	if len(f) > 2 && f[1] == "port" {
		readPort(e, &e.SrcPort, "port", f[2])
	}
	return true
}

// setClient sets the source address, or the source host name when a is
// not an address (sshd with UseDNS, PAM's rhost).
func setClient(e *scalefield.SecurityEvent, a string) {
	if placeholder(a) {
		return
	}
	if ip, err := canonicalIP(a); err == nil {
		e.SrcIP = ip
		return
	}
	e.SrcHostname = a
}

// pamLine reads pam_unix-style "authentication failure" and "session
// opened/closed" lines.
func pamLine(e *scalefield.SecurityEvent, msg string) bool {
	_, rest, ok := strings.Cut(msg, "): ")
	if !ok {
		return false
	}
	switch {
	case strings.HasPrefix(rest, "authentication failure"):
		classify(e, scalefield.ClassAuthentication, authLogon, "")
		e.Status = statusFailure
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "user":
				if !placeholder(v) {
					e.User = v
				}
			case "rhost":
				setClient(e, v)
			}
		}
		return true
	case strings.HasPrefix(rest, "session opened for user "), strings.HasPrefix(rest, "session closed for user "):
		a := authLogon
		if strings.HasPrefix(rest, "session closed") {
			a = authLogoff
		}
		user := strings.Fields(rest[len("session opened for user "):])
		if len(user) == 0 {
			return false
		}
		classify(e, scalefield.ClassAuthentication, a, "")
		e.Status = statusSuccess
		e.User, _, _ = strings.Cut(user[0], "(") // alice(uid=1000)
		return true
	}
	return false
}

// sudoLine reads sudo's log line "<user> : [<problem> ; ]TTY=… ; USER=… ;
// COMMAND=…".
func sudoLine(e *scalefield.SecurityEvent, msg string) bool {
	user, rest, ok := strings.Cut(msg, " : ")
	if !ok || strings.ContainsAny(strings.TrimSpace(user), " ;=") || !strings.Contains(rest, "COMMAND=") {
		return false
	}
	classify(e, scalefield.ClassAuthentication, activityOther, "sudo")
	e.User, e.Status = strings.TrimSpace(user), statusSuccess
	if first, _, _ := strings.Cut(rest, " ; "); !strings.Contains(first, "=") {
		e.Status = statusFailure // "3 incorrect password attempts", "user NOT in sudoers", "command not allowed"
	}
	return true
}

// suLine reads su's outcome lines.
func suLine(e *scalefield.SecurityEvent, msg string) bool {
	var user, status string
	switch {
	case strings.HasPrefix(msg, "'su ") && strings.Contains(msg, "' failed for "):
		// 'su root' failed for lonvick on /dev/pts/8
		_, rest, _ := strings.Cut(msg, "' failed for ")
		user, _, _ = strings.Cut(rest, " ")
		status = statusFailure
	case strings.HasPrefix(msg, "FAILED SU (to "):
		// FAILED SU (to root) bob on pts/0
		_, rest, _ := strings.Cut(msg, ") ")
		user, _, _ = strings.Cut(rest, " ")
		status = statusFailure
	case strings.HasPrefix(msg, "Successful su for "):
		// Successful su for root by bob
		_, user, _ = strings.Cut(msg, " by ")
		status = statusSuccess
	default:
		return false
	}
	if user = strings.TrimSpace(user); user == "" {
		return false
	}
	classify(e, scalefield.ClassAuthentication, activityOther, "su")
	e.User, e.Status = user, status
	return true
}
