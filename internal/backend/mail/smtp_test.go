package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/devportal-labs/terraform-provider-devportal/internal/backend/mail"
	"github.com/devportal-labs/terraform-provider-devportal/internal/mailpittest"
)

// selfSignedCert writes a certificate for 127.0.0.1 and its key to dir, and returns the pool
// that trusts it.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailpit test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

func deliverOnce(t *testing.T, rawURL string, tlsConfig *tls.Config) error {
	t.Helper()
	cfg, err := mail.ParseSMTPURL(rawURL, "portal@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLS = tlsConfig
	tr, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	return tr.Deliver(ctx, mail.Message{To: "ada@example.com", Subject: "over TLS", Body: "hello", SentAt: time.Now()}, "tls-1")
}

func TestSMTPUpgradesWithSTARTTLSWhenTheServerOffersIt(t *testing.T) {
	mp := mailpittest.New(t)
	cert, key, roots := selfSignedCert(t, t.TempDir())
	// The server refuses any message sent before STARTTLS: a delivery proves the upgrade.
	mp.Args = []string{"--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls"}
	mp.Start()
	url := strings.Replace(mp.SMTPURL(), "smtp://", "smtp://portal:s3cret@", 1)

	if err := deliverOnce(t, url, &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}); err != nil {
		t.Fatalf("delivery with STARTTLS: %v", err)
	}
	mp.Client.WaitForMessageTo(t, "ada@example.com", waitLimit)

	// A certificate that cannot be verified stops the delivery rather than falling back to a
	// connection without TLS.
	if err := deliverOnce(t, url, nil); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("delivery to an unverifiable server: %v, want a certificate error", err)
	}
}

func TestSMTPSpeaksTLSFromTheStartForSMTPS(t *testing.T) {
	mp := mailpittest.New(t)
	cert, key, roots := selfSignedCert(t, t.TempDir())
	mp.Args = []string{"--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-tls"}
	mp.Start()
	url := strings.Replace(mp.SMTPURL(), "smtp://", "smtps://", 1)
	if err := deliverOnce(t, url, &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}); err != nil {
		t.Fatalf("delivery over implicit TLS: %v", err)
	}
	mp.Client.WaitForMessageTo(t, "ada@example.com", waitLimit)
}

func TestSMTPKeepsTheSubjectOnOneLine(t *testing.T) {
	mp := mailpittest.Start(t)
	cfg, err := mail.ParseSMTPURL(mp.SMTPURL(), "portal@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := mail.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := mail.Message{To: "ada@example.com", Subject: "Welcome to Acme\r\nBcc: mallory@example.com\r\n\r\nInjected body", Body: "hello", SentAt: time.Now()}
	if err := tr.Deliver(context.Background(), m, "subject-1"); err != nil {
		t.Fatal(err)
	}
	got := mp.Client.WaitForMessageTo(t, "ada@example.com", waitLimit)
	if got.Subject != "Welcome to Acme Bcc: mallory@example.com Injected body" || strings.Contains(got.Text, "Injected") {
		t.Errorf("subject %q, text %q", got.Subject, got.Text)
	}
	if msgs, err := mp.Client.MessagesTo(context.Background(), "mallory@example.com"); err != nil || len(msgs) != 0 {
		t.Errorf("the subject added a recipient: %d messages (%v)", len(msgs), err)
	}
}
