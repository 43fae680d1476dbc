package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// SMTPMailer sends through an SMTP server given as
// smtp://user:password@host:587?from=address (STARTTLS when offered) or
// smtps://user:password@host:465?from=address (TLS from the first byte).
type SMTPMailer struct {
	addr, host, from string
	implicitTLS      bool
	auth             smtp.Auth
	// A dead or blackholed server must not stall the outbox forever; tests
	// shorten these.
	dialTimeout, timeout time.Duration
	tlsConfig            *tls.Config // nil: verify against host with the system roots
}

// NewSMTPMailer parses CURBSIDE_SMTP_URL.
func NewSMTPMailer(raw, defaultFrom string) (*SMTPMailer, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("CURBSIDE_SMTP_URL must look like smtp://user:password@host:587?from=curbside@example.org (or smtps:// for TLS on port 465)")
	}
	m := &SMTPMailer{addr: u.Host, host: u.Hostname(), from: u.Query().Get("from"), implicitTLS: u.Scheme == "smtps",
		dialTimeout: 10 * time.Second, timeout: 30 * time.Second}
	if u.Port() == "" {
		port := "587"
		if m.implicitTLS {
			port = "465"
		}
		m.addr = net.JoinHostPort(m.host, port)
	}
	if m.from == "" {
		m.from = defaultFrom
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		m.auth = smtp.PlainAuth("", u.User.Username(), pw, m.host)
	}
	return m, nil
}

// Deliver sends one message. Cancelling ctx abandons the exchange.
func (m *SMTPMailer) Deliver(ctx context.Context, e Email) error {
	to := stripNewlines(e.ToAddress, "")
	msg, err := m.compose(to, e)
	if err != nil {
		return err
	}
	d := net.Dialer{Timeout: m.dialTimeout}
	raw, err := d.DialContext(ctx, "tcp", m.addr)
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", m.addr, err)
	}
	// net/smtp has no context support; closing the socket is what unblocks
	// a pending read or write (the raw one: a TLS close would try to write).
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()
	if err := raw.SetDeadline(time.Now().Add(m.timeout)); err != nil {
		raw.Close()
		return err
	}
	conn := raw
	if m.implicitTLS {
		// Wrapping the already-dialled conn (rather than tls.DialWithDialer)
		// keeps the handshake under the same ctx and deadline.
		conn = tls.Client(conn, m.tls())
	}
	if err := m.exchange(conn, to, msg); err != nil {
		conn.Close()
		if ctx.Err() != nil {
			return fmt.Errorf("smtp %s: %w", m.addr, context.Cause(ctx))
		}
		return fmt.Errorf("smtp %s: %w", m.addr, err)
	}
	return nil
}

func (m *SMTPMailer) exchange(conn net.Conn, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		return err
	}
	defer c.Close()
	if !m.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(m.tls()); err != nil {
				return err
			}
		}
	}
	if m.auth != nil {
		if _, encrypted := c.TLSConnectionState(); !encrypted && !isLoopback(m.host) {
			return errors.New("refusing to send credentials over an unencrypted connection: the server did not offer STARTTLS (use smtps:// or a server that supports STARTTLS)")
		}
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("credentials are configured but the server does not offer AUTH")
		}
		if err := c.Auth(m.auth); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(m.from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func (m *SMTPMailer) tls() *tls.Config {
	if m.tlsConfig != nil {
		return m.tlsConfig.Clone()
	}
	return &tls.Config{ServerName: m.host, MinVersion: tls.VersionTLS12}
}

// compose builds an RFC 5322 message. The body is quoted-printable so that
// UTF-8 and long lines survive servers without 8BITMIME.
func (m *SMTPMailer) compose(to string, e Email) ([]byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	domain := "localhost"
	if i := strings.LastIndexByte(m.from, '@'); i >= 0 && i < len(m.from)-1 {
		domain = m.from[i+1:]
	}
	var b bytes.Buffer
	from := (&mail.Address{Name: "Curbside", Address: stripNewlines(m.from, "")}).String()
	headers := [][2]string{
		{"From", from},
		{"To", to},
		{"Subject", mime.QEncoding.Encode("utf-8", stripNewlines(e.Subject, " "))},
		{"Date", time.Now().Format(time.RFC1123Z)},
		{"Message-ID", "<" + hex.EncodeToString(id) + "@" + stripNewlines(domain, "") + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", "text/plain; charset=utf-8"},
		{"Content-Transfer-Encoding", "quoted-printable"},
	}
	if e.ListUnsubscribe != "" {
		// RFC 8058: the mail client's own button posts to the address at once.
		headers = append(headers, [2]string{"List-Unsubscribe", "<" + stripNewlines(e.ListUnsubscribe, "") + ">"},
			[2]string{"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"})
	}
	for _, h := range headers {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("\r\n")
	// The quoted-printable writer emits CRLF for both LF and CRLF input.
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(e.Body)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// stripNewlines keeps a value on one header line, so that user-supplied
// text cannot start a header of its own.
func stripNewlines(s, with string) string {
	return strings.NewReplacer("\r\n", with, "\r", with, "\n", with).Replace(s)
}

// isLoopback names exactly the hosts net/smtp's PlainAuth accepts without
// TLS, so that any other plaintext host gets the clearer error above.
func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
