package notify

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fakeSMTP speaks just enough SMTP to take one message per connection. It
// offers STARTTLS when tls is set, or speaks TLS from the start if implicit;
// msgs gets DATA with CRLFs intact, auths AUTH lines ("tls AUTH ..." if secure).
type fakeSMTP struct {
	addr        string
	tls         *tls.Config
	implicit    bool
	msgs, auths chan string
}

func startFakeSMTP(t *testing.T, cfg *tls.Config, implicit bool) *fakeSMTP {
	f := &fakeSMTP{tls: cfg, implicit: implicit, msgs: make(chan string, 4), auths: make(chan string, 4)}
	f.addr = listen(t, f.serve)
	return f
}

// listen hands each connection to 127.0.0.1:0 to handle until the test ends.
func listen(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(conn)
		}
	}()
	return ln.Addr().String()
}

func (f *fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	secure := f.implicit
	if f.implicit {
		conn = tls.Server(conn, f.tls)
	}
	r, w := bufio.NewReader(conn), conn
	reply := func(s string) { io.WriteString(w, s+"\r\n") }
	reply("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		switch verb, _, _ := strings.Cut(strings.ToUpper(line), " "); verb {
		case "EHLO", "HELO":
			reply("250-fake")
			if f.tls != nil && !secure {
				reply("250-STARTTLS")
			}
			reply("250-AUTH PLAIN\r\n250 8BITMIME")
		case "STARTTLS":
			reply("220 go ahead")
			conn = tls.Server(conn, f.tls)
			r, w, secure = bufio.NewReader(conn), conn, true
		case "AUTH":
			if secure {
				line = "tls " + line
			}
			f.auths <- line
			reply("235 ok")
		case "MAIL", "RCPT":
			reply("250 ok")
		case "DATA":
			reply("354 go on")
			var msg strings.Builder
			for l, err := r.ReadString('\n'); l != ".\r\n"; l, err = r.ReadString('\n') {
				if err != nil {
					return
				}
				msg.WriteString(strings.TrimPrefix(l, ".")) // undo dot-stuffing
			}
			f.msgs <- msg.String()
			reply("250 queued")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 what")
		}
	}
}

// blackhole accepts connections and never says a word.
func blackhole(t *testing.T) string {
	return listen(t, func(c net.Conn) { io.Copy(io.Discard, c); c.Close() })
}

func mustMailer(t *testing.T, raw string) *SMTPMailer {
	t.Helper()
	m, err := NewSMTPMailer(raw, "curbside@default.test")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSMTPDeliverAndHeaderInjection(t *testing.T) {
	f := startFakeSMTP(t, nil, false)
	m := mustMailer(t, "smtp://user:secret@"+f.addr+"?from=noreply@curbside.test")
	subject, body := "Grüße from Curbside", "Hello,\nüber alles.\n.a dot line\n"
	if err := m.Deliver(context.Background(), Email{ToAddress: "a@b.org", Subject: subject, Body: body}); err != nil {
		t.Fatal(err)
	}
	if got, want := <-f.auths, "AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00user\x00secret")); got != want {
		t.Errorf("auth %q, want %q", got, want)
	}
	raw := <-f.msgs
	if strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
		t.Errorf("bare LF in %q", raw)
	}
	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Address != "noreply@curbside.test" {
		t.Errorf("From %q (%v)", h.Get("From"), err)
	}
	if h.Get("To") != "a@b.org" {
		t.Errorf("To %q", h.Get("To"))
	}
	if s, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject")); err != nil || s != subject || !strings.HasPrefix(h.Get("Subject"), "=?utf-8?q?") {
		t.Errorf("Subject %q decodes to %q (%v)", h.Get("Subject"), s, err)
	}
	if d, err := mail.ParseDate(h.Get("Date")); err != nil || time.Since(d).Abs() > time.Minute {
		t.Errorf("Date %q (%v)", h.Get("Date"), err)
	}
	if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@curbside\.test>$`).MatchString(id) {
		t.Errorf("Message-ID %q", id)
	}
	got, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if want := strings.ReplaceAll(body, "\n", "\r\n"); err != nil || string(got) != want {
		t.Errorf("body %q (%v), want %q", got, err, want)
	}

	// CR/LF in user-supplied text must not start headers of its own.
	e := Email{ToAddress: "a@b.org\r\nBcc: x@evil.test", Subject: "Hi\r\nBcc: y@evil.test\nX-Evil: 1", Body: "b"}
	if err := m.Deliver(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	if msg, err = mail.ReadMessage(strings.NewReader(<-f.msgs)); err != nil {
		t.Fatal(err)
	}
	<-f.auths
	if len(msg.Header["Bcc"]) != 0 || len(msg.Header["X-Evil"]) != 0 || msg.Header.Get("Subject") != "Hi Bcc: y@evil.test X-Evil: 1" {
		t.Errorf("injected headers: %v", msg.Header)
	}
}

// Mail a member asked for in bulk carries the headers of a one-click
// unsubscribe (RFC 8058); other mail carries none.
func TestSMTPListUnsubscribe(t *testing.T) {
	f := startFakeSMTP(t, nil, false)
	m := mustMailer(t, "smtp://"+f.addr)
	link := "https://curbside.test/notifications/unsubscribe?token=7.abc"
	for _, e := range []Email{{ToAddress: "a@b.org", Subject: "digest", Body: "b", ListUnsubscribe: link + "\r\nBcc: x@evil.test"},
		{ToAddress: "a@b.org", Subject: "reset", Body: "b"}} {
		if err := m.Deliver(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(strings.NewReader(<-f.msgs))
		if err != nil {
			t.Fatal(err)
		}
		h := msg.Header
		if e.ListUnsubscribe == "" {
			if h.Get("List-Unsubscribe") != "" || h.Get("List-Unsubscribe-Post") != "" {
				t.Errorf("plain mail with unsubscribe headers: %v", h)
			}
			continue
		}
		if h.Get("List-Unsubscribe") != "<"+link+"Bcc: x@evil.test>" || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || len(h["Bcc"]) != 0 {
			t.Errorf("digest headers: %v", h)
		}
	}
}

func TestSMTPTransportSecurity(t *testing.T) {
	serverCfg, clientCfg := testCert(t, "mail.test")
	for _, c := range []struct{ scheme, wantErr string }{
		{"smtp", ""},            // STARTTLS
		{"smtps", ""},           // TLS from the first byte
		{"smtp", "unencrypted"}, // no STARTTLS on offer, and not loopback
	} {
		offer := serverCfg
		if c.wantErr != "" {
			offer = nil
		}
		f := startFakeSMTP(t, offer, c.scheme == "smtps")
		m := mustMailer(t, c.scheme+"://user:secret@mail.test")
		m.addr, m.tlsConfig = f.addr, clientCfg
		err := m.Deliver(context.Background(), Email{ToAddress: "a@b.org", Subject: "s", Body: "b"})
		switch {
		case c.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), c.wantErr) || len(f.auths)+len(f.msgs) != 0 {
				t.Errorf("%s without TLS: err %v, %d auths, %d messages", c.scheme, err, len(f.auths), len(f.msgs))
			}
		case err != nil:
			t.Errorf("%s: %v", c.scheme, err)
		default:
			if a := <-f.auths; !strings.HasPrefix(a, "tls AUTH PLAIN") {
				t.Errorf("%s: auth %q", c.scheme, a)
			}
			<-f.msgs
		}
	}
}

func TestSMTPTimeoutAndCancel(t *testing.T) {
	m := mustMailer(t, "smtp://"+blackhole(t))
	m.timeout = 200 * time.Millisecond
	start := time.Now()
	err := m.Deliver(context.Background(), Email{ToAddress: "a@b.org"})
	if !errors.Is(err, os.ErrDeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("silent server: err %v after %v", err, time.Since(start))
	}

	m.timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	err = m.Deliver(ctx, Email{ToAddress: "a@b.org"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 2*time.Second {
		t.Errorf("cancelled: err %v after %v", err, time.Since(start))
	}
	if err := m.Deliver(ctx, Email{ToAddress: "a@b.org"}); !errors.Is(err, context.Canceled) {
		t.Errorf("already cancelled: err %v", err)
	}
}

func TestNewSMTPMailer(t *testing.T) {
	for raw, want := range map[string]SMTPMailer{
		"smtp://mx.test":                      {addr: "mx.test:587", from: "curbside@default.test"},
		"smtps://u:p@mx.test?from=a@b.test":   {addr: "mx.test:465", from: "a@b.test", implicitTLS: true},
		"smtp://mx.test:2525?from=a%40b.test": {addr: "mx.test:2525", from: "a@b.test"},
		"smtps://[::1]":                       {addr: "[::1]:465", from: "curbside@default.test", implicitTLS: true},
	} {
		m, err := NewSMTPMailer(raw, "curbside@default.test")
		if err != nil || m.addr != want.addr || m.from != want.from || m.implicitTLS != want.implicitTLS || m.timeout != 30*time.Second {
			t.Errorf("%s: %+v, %v", raw, m, err)
		}
	}
	for _, raw := range []string{"http://mx.test", "smtp://", "mx.test:25", "://"} {
		if _, err := NewSMTPMailer(raw, "x@y"); err == nil {
			t.Errorf("%s: no error", raw)
		}
	}
}

// testCert returns a server config for a self-signed host and a client
// config that trusts it.
func testCert(t *testing.T, host string) (server, client *tls.Config) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader) // crypto/rand does not fail
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: host}
}
