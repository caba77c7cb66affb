package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// requireEnv is the variable that turns "skip: no browser" into a failure.
const requireEnv = "PARLEY_REQUIRE_BROWSER"

// testBudget bounds each test: the browser it starts dies with it.
const testBudget = 75 * time.Second

// missing skips the test, saying what to install, or fails it when the
// environment requires the browser tests to run.
func missing(t *testing.T, what, lack, fix string) {
	t.Helper()
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s cannot run: %s; %s (%s=1 forbids skipping them)", what, lack, fix, requireEnv)
	}
	t.Skipf("%s skipped: %s", what, fix)
}

// browserPath finds Chromium (or Chrome) on the PATH.
func browserPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "browser tests", "no chromium, chromium-browser or google-chrome on the PATH", "install chromium (apt-get install chromium)")
	return ""
}

// browser is one Chromium process with its own temporary profile.
type browser struct {
	t   *testing.T
	ctx context.Context // the first tab; later tabs are children of it
}

// newBrowser starts Chromium for this test; it is killed when the test ends
// or its budget runs out.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := browserPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // we run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
		// No UserDataDir: chromedp makes a temporary profile and removes it.
	)
	budget, cancelBudget := context.WithTimeout(context.Background(), testBudget)
	alloc, cancelAlloc := chromedp.NewExecAllocator(budget, opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc() // waits for the browser to exit
		cancelBudget()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", path, err)
	}
	return &browser{t: t, ctx: ctx}
}

// tabOptions say how a tab is emulated.
type tabOptions struct {
	reducedMotion bool
	dark          bool
	phone         bool // 390×844, mobile, touch; otherwise 1280×900
	// fresh opens the tab in a browser context of its own (an incognito
	// window): no cookies or storage shared with the other tabs, as
	// another person's browser.
	fresh bool
}

// phone is a 390×844 phone (an iPhone 12's viewport) at a device pixel
// ratio of 2, to keep screenshots a reasonable size.
var phone = device.Info{
	Name:      "phone 390x844",
	UserAgent: device.IPhone12.Device().UserAgent,
	Width:     390, Height: 844, Scale: 2, Mobile: true, Touch: true,
}

// page is one tab on the app.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string // http://host:port/

	mu         sync.Mutex
	exceptions []string
	done       chan struct{}
}

// tab opens a new tab for the app at base (its address, ending in /),
// emulated as opts say. It closes when the test ends.
func (b *browser) tab(base string, opts tabOptions) *page {
	b.t.Helper()
	var ctxOpts []chromedp.ContextOption
	if opts.fresh {
		ctxOpts = append(ctxOpts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(b.ctx, ctxOpts...)
	p := &page{t: b.t, ctx: ctx, base: base, done: make(chan struct{})}
	// Collect the console: log it, and remember uncaught exceptions.
	messages := chromedp.Console(ctx)
	go func() {
		defer close(p.done)
		for m, err := range messages {
			if err != nil {
				return
			}
			p.mu.Lock()
			if m.IsException() {
				p.exceptions = append(p.exceptions, m.String())
			}
			p.mu.Unlock()
			b.t.Logf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
		}
	}()
	b.t.Cleanup(func() {
		cancel()
		<-p.done
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, e := range p.exceptions {
			b.t.Errorf("uncaught exception in the page: %s", e)
		}
	})
	p.do("emulate", p.emulation(opts))
	return p
}

func (p *page) emulation(opts tabOptions) chromedp.Action[chromedp.Void] {
	var steps []chromedp.Action[chromedp.Void]
	if opts.phone {
		steps = append(steps, chromedp.Emulate(phone))
	} else {
		steps = append(steps, chromedp.EmulateViewport(1280, 900))
	}
	var features []*emulation.MediaFeature
	if opts.reducedMotion {
		features = append(features, &emulation.MediaFeature{Name: "prefers-reduced-motion", Value: "reduce"})
	}
	scheme := "light"
	if opts.dark {
		scheme = "dark"
	}
	features = append(features, &emulation.MediaFeature{Name: "prefers-color-scheme", Value: scheme})
	steps = append(steps, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features})
		return err
	}))
	return chromedp.Steps(steps...)
}

// step bounds one browser action.
const step = 15 * time.Second

// do runs actions, failing the test with what they were for.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v\npage: %s", what, err, p.describe())
	}
}

// open navigates to the app at hash (such as "#/").
func (p *page) open(hash string) {
	p.t.Helper()
	p.do("open "+p.base+hash, chromedp.Navigate(p.base+hash))
}

// key presses keys (see chromedp/kb) on whatever has the focus.
func (p *page) key(keys string) {
	p.t.Helper()
	p.do(fmt.Sprintf("press %q", keys), chromedp.KeyEvent(keys))
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](p *page, expr string, opts ...chromedp.EvaluateOption) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v\npage: %s", short(expr), err, p.describe())
	}
	return v
}

// fetchJSON fetches an API path with the page's own cookie and decodes it.
func fetchJSON[T any](p *page, path string) T {
	p.t.Helper()
	raw := eval[string](p, fmt.Sprintf(`fetch(%q, {headers: {Accept: 'application/json'}}).then(async (r) => {
		const text = await r.text();
		if (!r.ok) throw new Error(r.status + ' ' + text);
		return text;
	})`, path), chromedp.EvalAwaitPromise)
	var v T
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		p.t.Fatalf("GET %s: %v: %s", path, err, raw)
	}
	return v
}

// waitFor waits until the JavaScript expression is truthy. It evaluates it
// from Go, so it survives a reload of the page.
func (p *page) waitFor(what string, timeout time.Duration, expr string) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ctx, cancel := context.WithTimeout(p.ctx, step)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		if err != nil {
			last = err
			if p.ctx.Err() != nil {
				p.t.Fatalf("waiting for %s: %v", what, err)
			}
		}
		if time.Now().After(deadline) {
			p.failShot()
			p.t.Fatalf("waited %v for %s (%s), in vain; last error: %v\npage: %s", timeout, what, short(expr), last, p.describe())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitState waits for <main data-state=state>.
func (p *page) waitState(state string) {
	p.t.Helper()
	p.waitFor("the "+state+" view", 15*time.Second, fmt.Sprintf(`document.getElementById('main')?.dataset.state === %q`, state))
}

// describe summarises where the page is, for failure messages.
func (p *page) describe() string {
	ctx, cancel := context.WithTimeout(p.ctx, 3*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({
		url: location.href,
		state: document.getElementById('main')?.dataset.state,
		call: document.getElementById('call') ? {...document.getElementById('call').dataset} : null,
		panel: document.getElementById('reply-panel')?.dataset.mode,
		conn: document.getElementById('conn-status')?.textContent.trim(),
		notice: document.getElementById('notice')?.textContent.trim(),
		problem: document.getElementById('problem')?.dataset.code,
		alerts: [...document.querySelectorAll('#main [role=alert]')].map((e) => e.textContent.trim()).filter(Boolean),
		focus: document.activeElement ? document.activeElement.tagName + '#' + document.activeElement.id + ' ' + (document.activeElement.textContent || '').trim().slice(0, 60) : null,
		lines: [...document.querySelectorAll('#transcript [data-testid=line]')].slice(-3).map((e) => e.textContent.trim().slice(0, 80)),
	})`))
	if err != nil {
		return fmt.Sprintf("(cannot describe the page: %v)", err)
	}
	return s
}

// failShot saves a screenshot of a failing page when PARLEY_SCREENSHOTS
// names a folder.
func (p *page) failShot() {
	dir := os.Getenv("PARLEY_SCREENSHOTS")
	if dir == "" {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		name := filepath.Join(dir, "FAILED-"+strings.NewReplacer("/", "_", " ", "_").Replace(p.t.Name())+".png")
		if os.MkdirAll(dir, 0o755) == nil && os.WriteFile(name, png, 0o644) == nil {
			p.t.Logf("screenshot of the failing page: %s", name)
		}
	}
}

func short(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}
