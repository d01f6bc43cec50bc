package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/petstore/petstore/internal/testapp"
)

// runBinary runs the binary to its end with env, for a start that must
// fail.
func runBinary(t *testing.T, env ...string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(testapp.Binary(t))
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"PORT=" + strconv.Itoa(testapp.FreePort(t)), "DB_PATH=" + filepath.Join(dir, "p.db")}, env...)
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the binary kept running:\n%s", out)
	}
	return string(out), err
}

func TestStartRefusesBadAccountsOrTLSSettings(t *testing.T) {
	for _, c := range []struct {
		name string
		env  []string
		want string
	}{
		{"common admin password", []string{"ADMIN_EMAIL=a@example.org", "ADMIN_PASSWORD=password1"}, "too common"},
		{"admin email without password", []string{"ADMIN_EMAIL=a@example.org"}, "ADMIN_EMAIL and ADMIN_PASSWORD"},
		{"missing certificate", []string{"TLS_CERT=/nonexistent/cert.pem", "TLS_KEY=/nonexistent/key.pem"}, "TLS_CERT and TLS_KEY"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := runBinary(t, c.env...)
			if err == nil || !strings.Contains(out, c.want) {
				t.Errorf("start: %v, output lacks %q:\n%s", err, c.want, out)
			}
		})
	}
}

func TestAdminFromEnvironmentAndTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "petstore.db")
	app := testapp.Start(t, testapp.Options{DBPath: path})
	if strings.Contains(app.Logs(), "/setup?token=") {
		t.Errorf("a setup link was printed although ADMIN_EMAIL made the admin")
	}
	// The API needs the token; with it, the event's actor is its name.
	resp, err := http.Get(app.URL + "/api/pets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("without a token: %d", resp.StatusCode)
	}
	id, ok := createPet(app.Client(), app.URL, "py", 1)
	if !ok {
		t.Fatal("create with the token failed")
	}
	resp, err = app.Client().Get(app.URL + "/py/pets/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"actor":"`+app.TokenName+`"`) {
		t.Errorf("events %s, want actor %s", b, app.TokenName)
	}
	// A restart with accounts prints no setup link either.
	app.Stop(10 * time.Second)
	app2 := testapp.Start(t, testapp.Options{DBPath: path, NoAdmin: true})
	if strings.Contains(app2.Logs(), "/setup?token=") {
		t.Errorf("a setup link was printed although accounts exist")
	}
	// The first start's token still works after the restart; revoked on
	// the command line beside the running server, it stops at once.
	if _, ok := createPet(app.Client(), app2.URL, "py", 2); !ok {
		t.Fatal("the token does not survive a restart")
	}
	tokenCmd := func(args ...string) string {
		cmd := exec.Command(testapp.Binary(t), append([]string{"token"}, args...)...)
		cmd.Dir = filepath.Dir(path)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "DB_PATH=" + path}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("petstore token %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	var id2 string
	for _, line := range strings.Split(tokenCmd("list"), "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == app.TokenName {
			id2 = f[0]
		}
	}
	if id2 == "" {
		t.Fatalf("token %s not listed", app.TokenName)
	}
	tokenCmd("revoke", id2)
	if _, ok := createPet(app.Client(), app2.URL, "py", 3); ok {
		t.Error("a revoked token still creates pets")
	}
}

// selfSigned writes a certificate and key for 127.0.0.1 into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "petstore test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestServesHTTPSWithTLSCertAndKey(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	port := testapp.FreePort(t)
	cmd := exec.Command(testapp.Binary(t))
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "PORT=" + strconv.Itoa(port),
		"DB_PATH=" + filepath.Join(dir, "p.db"), "TLS_CERT=" + cert, "TLS_KEY=" + key,
		"ADMIN_EMAIL=" + testapp.AdminEmail, "ADMIN_PASSWORD=" + testapp.AdminPassword}
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, // our own test certificate
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "https://127.0.0.1:" + strconv.Itoa(port)
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err = client.Get(base + "/healthz"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("no HTTPS answer: %v\n%s", err, logs.String())
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("GET /healthz over HTTPS: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS state %+v", resp.TLS)
	}
	// The session cookie is Secure with the __Host- prefix.
	resp, err = client.PostForm(base+"/login", map[string][]string{"email": {testapp.AdminEmail}, "password": {testapp.AdminPassword}})
	if err == nil {
		resp.Body.Close()
	}
	// A plain form post from a client that sends no Sec-Fetch-Site needs
	// the CSRF token; this one has none, so it is refused.
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("login without a CSRF token over HTTPS: %v %v", err, resp)
	}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader("email="+testapp.AdminEmail+"&password="+strings.ReplaceAll(testapp.AdminPassword, " ", "+")))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var secure bool
	for _, c := range resp.Cookies() {
		secure = secure || c.Name == "__Host-petstore_session" && c.Secure && c.HttpOnly
	}
	if resp.StatusCode != http.StatusSeeOther || !secure {
		t.Errorf("sign in over HTTPS: %d, cookies %q", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	}
	if !strings.Contains(logs.String(), "addr=https://localhost:") {
		t.Errorf("the start line does not name the https address:\n%s", logs.String())
	}
}
