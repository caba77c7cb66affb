package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"runtime/pprof"
	"time"
)

// startCPUProfile profiles the load phase into o.CPUProfile: the server's
// own processes when the run started them (fetched from each one's
// --debug-addr; the second instance's profile goes to PATH.2, and so on),
// else this process.
func startCPUProfile(ctx context.Context, tg *target, o Options) (stop func() error, err error) {
	if o.CPUProfile == "" {
		return func() error { return nil }, nil
	}
	if len(tg.children) == 0 {
		return profileSelf(o.CPUProfile)
	}
	seconds := int(math.Ceil(o.Duration.Seconds()))
	done := make(chan error, len(tg.children))
	for k, c := range tg.children {
		path := o.CPUProfile
		if k > 0 {
			path = fmt.Sprintf("%s.%d", path, k+1)
		}
		go func() { done <- fetchProfile(ctx, c.debug, seconds, path) }()
	}
	return func() error {
		var err error
		for range tg.children {
			err = errors.Join(err, <-done)
		}
		return err
	}, nil
}

// fetchProfile asks a server's net/http/pprof at addr for a CPU profile of
// the next seconds and writes it to path.
func fetchProfile(ctx context.Context, addr string, seconds int, path string) error {
	if addr == "" {
		return errors.New("--cpuprofile: the server did not say where its --debug-addr listens")
	}
	hc := &http.Client{Timeout: time.Duration(seconds)*time.Second + time.Minute}
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, seconds)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("--cpuprofile: fetch the server's profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("--cpuprofile: %s answered %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--cpuprofile: %w", err)
	}
	_, err = io.Copy(f, io.LimitReader(resp.Body, 1<<30))
	return errors.Join(err, f.Close())
}

// profileSelf profiles this process.
func profileSelf(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(fmt.Errorf("--cpuprofile: %w", err), f.Close())
	}
	return func() error { pprof.StopCPUProfile(); return f.Close() }, nil
}
