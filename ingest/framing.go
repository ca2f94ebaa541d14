package ingest

import (
	"bufio"
	"errors"
	"io"
)

// ErrMessageTooLarge is returned by FrameDecoder.Next for a message above
// the size limit. The message is skipped and the stream stays in step:
// call Next again for the next one.
var ErrMessageTooLarge = errors.New("syslog message too large")

// ErrBadFrame is returned by FrameDecoder.Next for an octet-counted frame
// whose length does not fit in 9 digits. The stream cannot be followed
// after it: close the connection.
var ErrBadFrame = errors.New("malformed syslog frame")

// FrameDecoder splits a syslog TCP stream into messages (RFC 6587). Each
// frame's framing is recognised from its first bytes, so a connection may
// use either method, or mix them:
//
//   - octet counting: MSG-LEN SP MSG, where MSG-LEN is a decimal without a
//     leading zero. A frame is taken as octet-counted when its length is
//     followed by "<" (a syslog PRI), or when the connection's previous frame
//     was octet-counted.
//   - non-transparent framing: MSG LF, with a CR before the LF removed. A
//     message cut off by the end of the stream is still returned.
//
// Blank non-transparent frames are skipped.
type FrameDecoder struct {
	r   *bufio.Reader
	max int
	// octet is set while the connection uses octet counting.
	octet bool
	buf   []byte
}

// NewFrameDecoder returns a decoder of r for messages of at most
// maxMessage bytes.
func NewFrameDecoder(r *bufio.Reader, maxMessage int) *FrameDecoder {
	return &FrameDecoder{r: r, max: maxMessage}
}

// Next returns the next message. The slice is valid until the next call.
// It returns io.EOF at the end of the stream between frames,
// io.ErrUnexpectedEOF inside an octet-counted frame, ErrMessageTooLarge
// (skip and go on), ErrBadFrame, or the reader's error.
func (d *FrameDecoder) Next() ([]byte, error) {
	for {
		n, ok, err := d.frameLength()
		if err != nil {
			return nil, err
		}
		if ok {
			return d.readCounted(n)
		}
		msg, err := d.readLine()
		if err == nil && len(msg) == 0 {
			continue
		}
		return msg, err
	}
}

// frameLength peeks at the start of a frame and, for an octet-counted
// one, consumes MSG-LEN SP and returns the length. It peeks one byte at a
// time and only at bytes of the current frame, so it never waits for data
// a sender has not sent yet.
func (d *FrameDecoder) frameLength() (int, bool, error) {
	const maxDigits = 9
	n := 0
	for i := 0; ; i++ {
		head, err := d.r.Peek(i + 1)
		if len(head) <= i {
			if i > 0 && errors.Is(err, io.EOF) {
				// Digits cut off by the end of the stream: a last
				// non-transparent message.
				break
			}
			return 0, false, err
		}
		c := head[i]
		if c >= '0' && c <= '9' && (i > 0 || c != '0') && i < maxDigits {
			n = n*10 + int(c-'0')
			continue
		}
		if c == ' ' && i > 0 {
			if !d.octet {
				head, err = d.r.Peek(i + 2)
				if len(head) <= i+1 && err != nil && !errors.Is(err, io.EOF) {
					return 0, false, err
				}
			}
			if d.octet || (len(head) > i+1 && head[i+1] == '<') {
				_, _ = d.r.Discard(i + 1)
				d.octet = true
				return n, true, nil
			}
		}
		if d.octet && i == maxDigits && c >= '0' && c <= '9' {
			return 0, false, ErrBadFrame
		}
		break
	}
	d.octet = false
	return 0, false, nil
}

// readCounted reads an n-byte message.
func (d *FrameDecoder) readCounted(n int) ([]byte, error) {
	if n > d.max {
		if _, err := d.r.Discard(n); err != nil {
			return nil, unexpected(err)
		}
		return nil, ErrMessageTooLarge
	}
	if n <= d.r.Size() {
		msg, err := d.r.Peek(n)
		if err != nil {
			return nil, unexpected(err)
		}
		_, _ = d.r.Discard(n)
		return msg, nil
	}
	if cap(d.buf) < n {
		d.buf = make([]byte, n)
	}
	d.buf = d.buf[:n]
	if _, err := io.ReadFull(d.r, d.buf); err != nil {
		return nil, unexpected(err)
	}
	return d.buf, nil
}

// readLine reads a message up to LF. A line longer than the limit is
// skipped up to its LF.
func (d *FrameDecoder) readLine() ([]byte, error) {
	line, err := d.r.ReadSlice('\n')
	if err == nil || (errors.Is(err, io.EOF) && len(line) > 0) {
		if len(line) > 0 && line[len(line)-1] == '\n' {
			line = line[:len(line)-1]
		}
		return d.checkLine(line)
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	// Longer than the reader's buffer: gather it, or skip it once above
	// the limit (with room for a CR).
	d.buf = append(d.buf[:0], line...)
	tooLarge := len(d.buf) > d.max+1
	for {
		line, err = d.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || err == nil || (errors.Is(err, io.EOF) && len(line) > 0) {
			if !tooLarge {
				d.buf = append(d.buf, line...)
				tooLarge = len(d.buf) > d.max+2
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		case tooLarge:
			return nil, ErrMessageTooLarge
		case err == nil:
			d.buf = d.buf[:len(d.buf)-1]
		}
		return d.checkLine(d.buf)
	}
}

func (d *FrameDecoder) checkLine(line []byte) ([]byte, error) {
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) > d.max {
		return nil, ErrMessageTooLarge
	}
	return line, nil
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
