package enrich

import (
	"fmt"
	"strings"
)

// A STIX 2.1 pattern is observation expressions ([...]) joined by OR, AND
// or FOLLOWEDBY, each holding comparisons joined by AND or OR, with
// optional qualifiers (WITHIN, REPEATS, START ... STOP). A single value can
// match only a disjunction of comparisons, so parsePattern accepts any
// well-formed pattern but reports as unsupported every AND, FOLLOWEDBY,
// NOT or qualifier.

// comparison is one "object-path operator value(s)" of a pattern.
type comparison struct {
	path   string
	op     string // "=", "IN", "ISSUBSET", or another operator (unsupported)
	values []string
}

// patternResult is what parsePattern found.
type patternResult struct {
	comparisons []comparison
	// unsupported says why the pattern as a whole cannot be matched by
	// value ("" when it can).
	unsupported string
}

const (
	maxPatternLength = 64 << 10
	maxPatternDepth  = 32
)

type tokKind int

const (
	tEOF tokKind = iota
	tLBrack
	tRBrack
	tLParen
	tRParen
	tComma
	tString  // '...'
	tLiteral // number, boolean, t'...', h'...', b'...'
	tWord    // keyword or object path
	tOp      // = != < > <= >=
)

type token struct {
	kind tokKind
	text string
}

type patternParser struct {
	toks  []token
	pos   int
	depth int
	res   patternResult
}

// parsePattern parses a STIX pattern. It returns an error for a malformed
// one.
func parsePattern(s string) (*patternResult, error) {
	if len(s) > maxPatternLength {
		return nil, fmt.Errorf("pattern is longer than %d bytes", maxPatternLength)
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &patternParser{toks: toks}
	if err := p.observationExpr(); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("unexpected %q", t.text)
	}
	return &p.res, nil
}

func (p *patternParser) peek() token { return p.toks[p.pos] }

func (p *patternParser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *patternParser) unsupported(why string) {
	if p.res.unsupported == "" {
		p.res.unsupported = why
	}
}

func (p *patternParser) enter() error {
	p.depth++
	if p.depth > maxPatternDepth {
		return fmt.Errorf("pattern nests deeper than %d", maxPatternDepth)
	}
	return nil
}

func isWord(t token, w string) bool { return t.kind == tWord && strings.EqualFold(t.text, w) }

// observationExpr: observationTerm ((OR | AND | FOLLOWEDBY) observationTerm)*
func (p *patternParser) observationExpr() error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	for {
		if err := p.observationTerm(); err != nil {
			return err
		}
		t := p.peek()
		switch {
		case isWord(t, "OR"):
		case isWord(t, "AND"), isWord(t, "FOLLOWEDBY"):
			p.unsupported(strings.ToUpper(t.text) + " between observations")
		default:
			return nil
		}
		p.next()
	}
}

// observationTerm: ('[' comparisonExpr ']' | '(' observationExpr ')') qualifier*
func (p *patternParser) observationTerm() error {
	switch t := p.next(); t.kind {
	case tLBrack:
		if err := p.comparisonExpr(); err != nil {
			return err
		}
		if t := p.next(); t.kind != tRBrack {
			return fmt.Errorf("expected ] but found %q", t.text)
		}
	case tLParen:
		if err := p.observationExpr(); err != nil {
			return err
		}
		if t := p.next(); t.kind != tRParen {
			return fmt.Errorf("expected ) but found %q", t.text)
		}
	default:
		return fmt.Errorf("expected [ or ( but found %q", t.text)
	}
	return p.qualifiers()
}

// qualifiers: WITHIN n SECONDS | REPEATS n TIMES | START t'..' STOP t'..'
func (p *patternParser) qualifiers() error {
	for {
		t := p.peek()
		var want []string
		switch {
		case isWord(t, "WITHIN"):
			want = []string{"", "SECONDS"}
		case isWord(t, "REPEATS"):
			want = []string{"", "TIMES"}
		case isWord(t, "START"):
			want = []string{"", "STOP", ""}
		default:
			return nil
		}
		p.next()
		p.unsupported(strings.ToUpper(t.text) + " qualifier")
		for _, w := range want {
			n := p.next()
			if w == "" && n.kind != tLiteral || w != "" && !isWord(n, w) {
				return fmt.Errorf("malformed %s qualifier", strings.ToUpper(t.text))
			}
		}
	}
}

// comparisonExpr: comparisonTerm ((AND | OR) comparisonTerm)*
func (p *patternParser) comparisonExpr() error {
	if err := p.enter(); err != nil {
		return err
	}
	defer func() { p.depth-- }()
	for {
		if err := p.comparisonTerm(); err != nil {
			return err
		}
		t := p.peek()
		switch {
		case isWord(t, "OR"):
		case isWord(t, "AND"):
			p.unsupported("AND between comparisons")
		default:
			return nil
		}
		p.next()
	}
}

// comparisonTerm: '(' comparisonExpr ')' | path [NOT] operator value
func (p *patternParser) comparisonTerm() error {
	t := p.next()
	if t.kind == tLParen {
		if err := p.comparisonExpr(); err != nil {
			return err
		}
		if t := p.next(); t.kind != tRParen {
			return fmt.Errorf("expected ) but found %q", t.text)
		}
		return nil
	}
	if t.kind != tWord || !strings.Contains(t.text, ":") {
		return fmt.Errorf("expected an object path but found %q", t.text)
	}
	c := comparison{path: t.text}
	op := p.next()
	if isWord(op, "NOT") {
		p.unsupported("NOT")
		op = p.next()
	}
	switch {
	case op.kind == tOp:
		c.op = op.text
	case op.kind == tWord && isOperatorWord(op.text):
		c.op = strings.ToUpper(op.text)
	default:
		return fmt.Errorf("expected an operator after %s but found %q", c.path, op.text)
	}
	if c.op == "IN" {
		if t := p.next(); t.kind != tLParen {
			return fmt.Errorf("expected ( after IN but found %q", t.text)
		}
		for {
			v, err := p.value()
			if err != nil {
				return err
			}
			c.values = append(c.values, v)
			if t := p.next(); t.kind == tRParen {
				break
			} else if t.kind != tComma {
				return fmt.Errorf("expected , or ) in IN list but found %q", t.text)
			}
		}
	} else {
		v, err := p.value()
		if err != nil {
			return err
		}
		c.values = []string{v}
	}
	p.res.comparisons = append(p.res.comparisons, c)
	return nil
}

func isOperatorWord(w string) bool {
	switch strings.ToUpper(w) {
	case "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "EXISTS":
		return true
	}
	return false
}

// value returns a string literal's text; other literals come back with a
// prefix that no supported path accepts.
func (p *patternParser) value() (string, error) {
	switch t := p.next(); t.kind {
	case tString:
		return t.text, nil
	case tLiteral:
		return "\x00" + t.text, nil
	case tWord:
		if strings.EqualFold(t.text, "true") || strings.EqualFold(t.text, "false") {
			return "\x00" + t.text, nil
		}
		return "", fmt.Errorf("expected a value but found %q", t.text)
	default:
		return "", fmt.Errorf("expected a value but found %q", t.text)
	}
}

func tokenize(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '[':
			toks, i = append(toks, token{tLBrack, "["}), i+1
		case c == ']':
			toks, i = append(toks, token{tRBrack, "]"}), i+1
		case c == '(':
			toks, i = append(toks, token{tLParen, "("}), i+1
		case c == ')':
			toks, i = append(toks, token{tRParen, ")"}), i+1
		case c == ',':
			toks, i = append(toks, token{tComma, ","}), i+1
		case c == '\'':
			v, n, err := quoted(s[i:])
			if err != nil {
				return nil, err
			}
			toks, i = append(toks, token{tString, v}), i+n
		case c == '=' || c == '!' || c == '<' || c == '>':
			n := 1
			if i+1 < len(s) && s[i+1] == '=' {
				n = 2
			}
			op := s[i : i+n]
			if op == "!" {
				return nil, fmt.Errorf("unexpected !")
			}
			toks, i = append(toks, token{tOp, op}), i+n
		case c == '-' || c == '+' || '0' <= c && c <= '9':
			j := i + 1
			for j < len(s) && (s[j] == '.' || '0' <= s[j] && s[j] <= '9') {
				j++
			}
			toks, i = append(toks, token{tLiteral, s[i:j]}), j
		case (c == 't' || c == 'h' || c == 'b') && i+1 < len(s) && s[i+1] == '\'':
			v, n, err := quoted(s[i+1:])
			if err != nil {
				return nil, err
			}
			toks, i = append(toks, token{tLiteral, string(c) + "'" + v + "'"}), i+1+n
		case isPathStart(c):
			j, err := scanPath(s, i)
			if err != nil {
				return nil, err
			}
			toks, i = append(toks, token{tWord, s[i:j]}), j
		default:
			return nil, fmt.Errorf("unexpected character %q", c)
		}
	}
	return append(toks, token{tEOF, "end of pattern"}), nil
}

func isPathStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

func isPathChar(c byte) bool {
	return isPathStart(c) || '0' <= c && c <= '9' || c == '-' || c == ':' || c == '.'
}

// scanPath returns the end of the word or object path at s[i]; a path may
// hold quoted keys (file:hashes.'SHA-256') and list indexes (refs[*]).
func scanPath(s string, i int) (int, error) {
	j := i
	for j < len(s) {
		switch c := s[j]; {
		case isPathChar(c):
			j++
		case c == '\'' && j > i && s[j-1] == '.':
			_, n, err := quoted(s[j:])
			if err != nil {
				return 0, err
			}
			j += n
		case c == '[' && strings.Contains(s[i:j], ":"):
			k := strings.IndexByte(s[j:], ']')
			if k < 0 {
				return 0, fmt.Errorf("unterminated [ in object path")
			}
			j += k + 1
		default:
			return j, nil
		}
	}
	return j, nil
}

// quoted reads the string literal at the start of s ('...' with \' and \\
// escapes) and returns its value and length.
func quoted(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '\'' && s[i+1] != '\\') {
				return "", 0, fmt.Errorf("bad escape in string literal")
			}
			b.WriteByte(s[i+1])
			i++
		case '\'':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("unterminated string literal")
}
